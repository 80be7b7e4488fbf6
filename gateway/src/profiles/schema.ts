/**
 * The device profile as data (STYLE.md habits 2 and 3): ONE schema, `deviceProfileSchema`, whose
 * `protocol` tells a Modbus register map (this file) from an MQTT payload profile (mqtt-schema.ts).
 * Each kind is strict: an unknown key is a typo, and every field says what it means. Rules across
 * fields and points (overlaps, scale registers, tag sets, units against field names) live in check.ts
 * and check-mqtt.ts, after the schema.
 *
 * A file without `protocol` is read as the kind its keys say (`inferProtocol`): `topics` makes it an
 * MQTT profile, anything else a Modbus one (documented in gateway/profiles/*\/README.md).
 *
 * A Modbus profile file may be a partial "block" (file name starting with `_`) that others `extends`;
 * `profileFileSchema` checks one file, `profileSchema` the profile once its blocks are merged in.
 */
import { measurementName, strictObject, tagKey, tagValue } from "@jisr/core";
import { z } from "zod";
import { localText, note, product, text } from "./common-schema.js";
import { mqttProfileSchema } from "./mqtt-schema.js";
import { TABLES, UNITS, VALUE_TYPES } from "./register-types.js";

const pointName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "must be snake_case: a lower-case letter, then a-z, 0-9 or _");

const symbolName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "must be a name of letters, digits and _ (no commas or spaces)");

/** A raw value: an integer, or a quoted hex string for 64-bit values beyond 2^53 ("0xFFFFFFFFFFFFFFFF"). */
export const rawValueSchema = z.union(
  [
    z.number().int("must be a whole number").refine(Number.isSafeInteger, {
      message: 'is beyond 2^53: write it as a quoted hex string, e.g. "0xFFFFFFFFFFFFFFFF"',
    }),
    z.string().regex(/^0x[0-9a-fA-F]{1,16}$/, 'must be an integer or a hex string like "0x7FFF"'),
  ],
  { error: 'must be an integer or a hex string like "0x7FFF"' },
);

const address = z
  .number({ error: "must be a register address (0-65535)" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65_535, "must be between 0 and 65535");

const table = z.enum(TABLES, { error: `must be one of: ${TABLES.join(", ")}` });
const valueType = z.enum(VALUE_TYPES, { error: `must be one of: ${VALUE_TYPES.join(", ")}` });
const wordOrder = z.enum(["big", "little"], { error: 'must be "big" or "little"' });
const length = z
  .number()
  .int("must be a whole number")
  .min(1, "must be between 1 and 125")
  .max(125, "must be between 1 and 125");

const enumKey = z.string().regex(/^(\d+|0x[0-9a-fA-F]+)$/, "must be a whole number (the raw value)");
const bitKey = z.string().regex(/^([0-9]|[1-5][0-9]|6[0-3])$/, "must be a bit number, 0 to 63");

export const pointSchema = strictObject({
  name: pointName.describe("Name of the point, unique in the profile; other points refer to it by it."),
  address: address.describe(
    "0-based protocol address of the first register (or bit). A manual counting from 1 (40001, 30001) " +
      "means address = number - 1 (- 40001 or - 30001). Put the vendor's register name in a trailing comment.",
  ),
  table: table
    .optional()
    .describe(
      "Modbus table: holding (function code 3), input (4), coil (1), discrete (2). Default: defaults.table.",
    ),
  type: valueType.describe(
    "How the registers are decoded: int16, uint16, int32, uint32, float32, int64, uint64, string, bool.",
  ),
  length: length.optional().describe("Registers of a string (2 characters each); only for type string."),
  word_order: wordOrder
    .optional()
    .describe(
      "Order of the 16-bit words of a 32- or 64-bit value: big (high word first, the Modbus norm) or " +
        "little (low word first). Default: defaults.word_order.",
    ),
  scale: z
    .number()
    .refine((s) => Number.isFinite(s) && s !== 0, "must be a non-zero number")
    .optional()
    .describe("Factor from the raw integer to the unit: value = raw x scale (e.g. 0.1 for 'V/10')."),
  scale_register: pointName
    .optional()
    .describe(
      "Name of an int16 point holding a power of ten (SunSpec style): value = raw x 10^that. It is read " +
        "in the same request as this point.",
    ),
  unit: z
    .enum(UNITS as [string, ...string[]], { error: `must be one of: ${UNITS.join(" ")}` })
    .optional()
    .describe("Unit of the value after scaling; the field name ends with its suffix (W: _w, °C: _c, ...)."),
  measurement: measurementName
    .optional()
    .describe("Measurement of the field, when not defaults.measurement (e.g. pv_string)."),
  field: tagKey
    .optional()
    .describe(
      "Field the value is written to, snake_case with the unit suffix. Without it the point is read " +
        "(e.g. a scale register) but not stored. For a bitfield: the comma-joined names of the set bits.",
    ),
  raw_field: tagKey.optional().describe("For an enum or a bitfield: a second field holding the raw number."),
  tags: z
    .record(tagKey, tagValue)
    .optional()
    .describe('Extra tags of the point, e.g. { string: "1" } or { mppt: "2" }.'),
  sentinels: z
    .array(rawValueSchema)
    .optional()
    .describe(
      "Raw values meaning 'not available' (e.g. 0x7FFF): the field is then left out. Compared with the " +
        "register bits, so 0x8000 and -32768 are the same int16. Adds to defaults.sentinels.",
    ),
  enum: z
    .record(enumKey, symbolName)
    .optional()
    .describe("For a state: raw value -> name; the field holds the name (unknown values: UNKNOWN_<n>)."),
  bitfield: z
    .record(bitKey, symbolName)
    .optional()
    .describe("For alarms: bit number (0 = least significant) -> name of the condition when set."),
});
export type PointSpec = z.output<typeof pointSchema>;

/** A register another identify condition reads: whether it answers tells two families apart. */
const registerRef = strictObject({
  address: address.describe("0-based address of the register."),
  table: table.default("holding").describe("Table of the register."),
});

export const identifySchema = strictObject({
  address: address.describe("0-based address of the register(s) to read."),
  table: table.default("holding").describe("Table of the register(s)."),
  type: valueType.describe("How to decode what is read."),
  length: length.optional().describe("Registers of a string."),
  word_order: wordOrder.default("big").describe("Word order of a 32- or 64-bit value."),
  equals: z
    .union([z.number(), z.string()])
    .optional()
    .describe("The value that identifies the device (a number, or a string compared after trimming)."),
  one_of: z.array(z.number()).min(1).optional().describe("Any of these numbers identifies the device."),
  match: z
    .string()
    .min(1)
    .refine(isRegex, "must be a valid regular expression")
    .optional()
    .describe('A regular expression the decoded string must match, e.g. "^SUN2000".'),
  answers: registerRef
    .optional()
    .describe(
      "And this register must answer with data: a register range only this family has (Growatt MIN: input 3000).",
    ),
  refuses: registerRef
    .optional()
    .describe(
      "And this register must be refused (exception or no answer): a range this family lacks and a sibling has.",
    ),
}).refine(
  (i) => [i.equals, i.one_of, i.match].filter((x) => x !== undefined).length === 1,
  "give exactly one of equals, one_of, match",
);

export const readSchema = strictObject({
  max_gap: z
    .number()
    .int("must be a whole number")
    .min(0, "must be between 0 and 125")
    .max(125, "must be between 0 and 125")
    .default(10)
    .describe(
      "Most unused registers read to join two points in one request (0: the device refuses reads " +
        "across unmapped registers). In bit tables, 16 bits per register.",
    ),
  max_registers: z
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 125")
    .max(125, "must be between 1 and 125")
    .default(125)
    .describe("Most registers per request (the protocol allows 125; some devices fewer)."),
  max_bits: z
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 2000")
    .max(2000, "must be between 1 and 2000")
    .default(2000)
    .describe("Most coils or discrete inputs per request (the protocol allows 2000)."),
});
export type ReadOptions = z.output<typeof readSchema>;

const sentinelsByType = strictObject(
  Object.fromEntries(
    VALUE_TYPES.filter((t) => t !== "string" && t !== "bool").map((t) => [
      t,
      z.array(rawValueSchema).optional().describe(`Sentinels of every ${t} point.`),
    ]),
  ) as Record<string, z.ZodOptional<z.ZodArray<typeof rawValueSchema>>>,
);

export const defaultsSchema = strictObject({
  table: table.optional().describe("Table of points that do not name one (default holding)."),
  word_order: wordOrder.optional().describe("Word order of points that do not name one (default big)."),
  measurement: measurementName.optional().describe("Measurement of fields whose point does not name one."),
  sentinels: sentinelsByType
    .optional()
    .describe("'Not available' values per type, for every point of that type (Huawei: int16 0x7FFF)."),
});

const shape = {
  products: z.array(product).min(1, "must list at least one product").describe("Devices this profile reads."),
  description: localText(200).describe("One sentence: what the device is and what is read."),
  requirements: z
    .array(note)
    .optional()
    .describe("What must be set up on the device first (enable Modbus, set the unit id), with a link."),
  caveats: z
    .array(note)
    .optional()
    .describe("Known limits: unconfirmed addresses, firmware differences, quirks."),
  protocol: z.literal("modbus", { error: 'must be "modbus"' }).describe("How the device is read."),
  extends: z
    .union([text(200), z.array(text(200)).min(1)])
    .optional()
    .describe(
      "Profiles or blocks (files starting with _) merged in first, by built-in name or path relative to " +
        "this file; a point with the same name here replaces theirs.",
    ),
  identify: identifySchema
    .optional()
    .describe("A register read and the value it must give, so `jisr gateway scan` can tell the device."),
  read: readSchema.prefault({}).describe("How reads are grouped into requests."),
  defaults: defaultsSchema.prefault({}).describe("Values of point keys that a point does not give."),
  points: z.array(pointSchema).describe("The registers read, each mapped to a field (or kept for scaling)."),
};

/** A complete profile (after `extends` are merged). */
export const profileSchema = strictObject(shape)
  .extend({ points: shape.points.min(1, "must list at least one point") })
  .describe("Jisr Solar device profile (gateway/profiles/modbus/README.md)");
export type ProfileSpec = z.output<typeof profileSchema>;

/** One file as written: a full profile, or a block (every key optional) that others extend. */
export const profileFileSchema = strictObject(shape).partial();

/** JSON Schema of a Modbus profile file, for editor completion (what a user writes). */
export function profileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(profileSchema, { io: "input" }) as Record<string, unknown>;
}

export const PROTOCOLS = ["modbus", "mqtt"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Every device profile, by its `protocol`: a Modbus register map or an MQTT payload profile. */
export const deviceProfileSchema = z
  .discriminatedUnion("protocol", [profileSchema, mqttProfileSchema], {
    error: (issue) => (issue.code === "invalid_union" ? 'must be "modbus" or "mqtt"' : undefined),
  })
  .describe("Jisr Solar device profile: a Modbus register map or an MQTT payload profile");
export type DeviceProfileSpec = z.output<typeof deviceProfileSchema>;

/**
 * The protocol of a profile document: its `protocol` when it gives one, else inferred from its keys
 * (`topics`: MQTT; anything else, `points` or `extends`: Modbus), so a file written before `protocol`
 * was asked for loads as it always did. `given` is false when inferred; an unknown value is returned
 * as written, for the schema to refuse.
 */
export function inferProtocol(raw: unknown): { protocol: string; given: boolean } {
  const record = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw : {};
  const declared = (record as { protocol?: unknown }).protocol;
  if (declared !== undefined && declared !== null) return { protocol: String(declared), given: true };
  return { protocol: "topics" in record ? "mqtt" : "modbus", given: false };
}

/** JSON Schema of any profile file (both protocols), for editor completion. */
export function deviceProfileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(deviceProfileSchema, { io: "input" }) as Record<string, unknown>;
}

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
