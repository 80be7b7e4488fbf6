/**
 * The MQTT payload profile: which topics a device publishes and how each JSON value becomes a field, as
 * data (STYLE.md habits 2 and 3). ONE strict schema; rules across fields (unit suffixes, tag sets,
 * captures) live in check-mqtt.ts. It is the `protocol: mqtt` member of the one device profile schema
 * (schema.ts, `deviceProfileSchema`). The format is documented in gateway/profiles/mqtt/README.md.
 */
import { measurementName, strictObject, tagKey, tagValue } from "@jisr/core";
import { z } from "zod";
import { localText, note, product } from "./common-schema.js";
import { UNITS } from "./register-types.js";

/** Roles a device can play: the measurement its role-dependent fields go to. */
export const ROLES = ["grid_meter", "pv_inverter"] as const;
export type Role = (typeof ROLES)[number];
const role = z.enum(ROLES, { error: `must be one of: ${ROLES.join(", ")}` });

/** `aenergy.total`, `ENERGY.Power`, `$` (the whole payload, for topics that carry one bare value). */
const jsonPath = z
  .string()
  .regex(
    /^(\$|[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*)$/,
    'must be "$" (the whole payload) or keys joined by dots, e.g. "aenergy.total" (a number is an array index)',
  );

/** A field name for every role (`power_w`), or per role (`{ grid_meter: voltage_v, pv_inverter: ac_voltage_v }`). */
const fieldName = z.union([tagKey, z.partialRecord(role, tagKey)], {
  error: "must be a field name (snake_case with its unit suffix) or a map role → field name",
});

export const fieldSchema = strictObject({
  path: jsonPath.describe('Where the value is in the payload: "apower", "aenergy.total", or "$".'),
  field: fieldName.describe(
    "Field written, snake_case with the unit suffix; or a map role → field when the name depends on what " +
      "the device measures. A role left out of the map skips the value.",
  ),
  type: z
    .enum(["number", "boolean", "string"], { error: 'must be "number", "boolean" or "string"' })
    .default("number")
    .describe("What the value must be. A boolean also accepts 0 and 1. Anything else is a bad payload."),
  unit: z
    .enum(UNITS as [string, ...string[]], { error: `must be one of: ${UNITS.join(" ")}` })
    .optional()
    .describe("Unit after scaling (numbers only); the field name ends with its suffix (W: _w, Wh: _wh)."),
  scale: z
    .number()
    .refine((s) => Number.isFinite(s) && s !== 0, "must be a non-zero number")
    .optional()
    .describe("Factor to the unit: value = payload value × scale (kWh → Wh: 1000; a 0-1 ratio → %: 100)."),
  combine: z
    .literal("mean", { error: 'must be "mean"' })
    .optional()
    .describe("Several paths write one field as their mean (three phase voltages → voltage_v)."),
  measurement: measurementName
    .optional()
    .describe("Measurement of this field, when not the topic's (or the device role's)."),
  required: z
    .boolean()
    .default(false)
    .describe("A payload without this value is bad (default: a missing or null value is just left out)."),
  channels: z
    .enum(["sum", "mean", "none"], { error: 'must be "sum", "mean" or "none"' })
    .optional()
    .describe(
      "The value may be an array, one element per channel (multi-channel Tasmota): element i goes to " +
        'device "<id>-<i+1>", and the device itself gets their sum or mean ("none": nothing). A single ' +
        "value goes to the device as usual.",
    ),
});
export type FieldSpec = z.output<typeof fieldSchema>;

export const topicSchema = strictObject({
  topic: z
    .string()
    .min(1, "must not be empty")
    .describe(
      'Topic pattern. "{topic}" stands for the device\'s topic (config); "{name}" matches one level or part ' +
        'of one ("status/switch:{switch}") and "{name:regex}" constrains it ("{string:[1-9]}").',
    ),
  measurement: measurementName
    .optional()
    .describe("Measurement of the topic's fields; default: the device's role (grid_meter, pv_inverter)."),
  tags: z
    .record(tagKey, tagValue)
    .optional()
    .describe('Tags of the topic\'s points; "{name}" is replaced by what that part of the topic matched.'),
  device: z
    .string()
    .regex(/^\{device\}[-_.a-z0-9{}]*$/, 'must start with "{device}", e.g. "{device}-{ch}"')
    .optional()
    .describe(
      "The device tag of this topic's points when not the device's id: \"{device}-{ch}\" gives one series " +
        'per channel ("{device}" is the id, "{ch}" what the pattern captured).',
    ),
  components: strictObject({
    path: jsonPath.describe('The object whose keys are components, e.g. "params".'),
    method_path: jsonPath.optional().describe('Where the method name is, e.g. "method".'),
    method: z.string().optional().describe('Only messages with this method, e.g. "NotifyStatus".'),
    time_path: jsonPath.optional().describe('Unix time in seconds of the notification, e.g. "params.ts".'),
  })
    .optional()
    .describe(
      "A message carrying several components' status at once (Shelly NotifyStatus on <prefix>/events/rpc): " +
        'each key "switch:0" of `path` is read as if published on "{topic}/status/switch:0" (by this ' +
        "profile's other topics); keys no topic reads are counted and left out.",
    ),
  fields: z.array(fieldSchema).default([]).describe("Values read from the payload."),
}).refine((t) => t.fields.length > 0 || t.components !== undefined, {
  message: "must map at least one value",
  path: ["fields"],
});
export type TopicSpec = z.output<typeof topicSchema>;

export const timeSchema = strictObject({
  path: jsonPath.optional().describe('Where the device\'s own timestamp is in the payload, e.g. "Time".'),
  format: z
    .enum(["iso", "epoch_s", "epoch_ms"], { error: 'must be "iso", "epoch_s" or "epoch_ms"' })
    .optional()
    .describe(
      "iso: ISO-8601, with an offset or else in the device's time_zone; epoch_s / epoch_ms: Unix time.",
    ),
  round_ms: z
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 60000")
    .max(60_000, "must be between 1 and 60000")
    .optional()
    .describe(
      "Receive times are rounded down to this many ms, so values a device publishes in one burst on " +
        "separate topics (OpenDTU) share one timestamp and make one row.",
    ),
}).refine((t) => (t.path === undefined) === (t.format === undefined), {
  message: "give path and format together",
  path: ["format"],
});

export const mqttProfileSchema = strictObject({
  protocol: z.literal("mqtt", { error: 'must be "mqtt"' }).describe("How the device is read."),
  products: z.array(product).min(1, "must list at least one product").describe("Devices this profile reads."),
  description: localText(200).describe("One sentence: what the device is and what is read."),
  requirements: z
    .array(note)
    .optional()
    .describe("What must be set up on the device first (enable MQTT, set the topic), with a link."),
  caveats: z.array(note).optional().describe("Known limits: firmware differences, quirks."),
  roles: z
    .array(role)
    .min(1, "must list at least one role")
    .describe("What a device of this kind can measure; the first is the default of a device with no role."),
  time: timeSchema
    .optional()
    .describe("How a reading is timestamped; default: the time the gateway received the message."),
  topics: z.array(topicSchema).min(1, "must list at least one topic").describe("Topics subscribed to."),
}).describe("Jisr Solar MQTT payload profile (gateway/profiles/mqtt/README.md)");

export type MqttProfileSpec = z.output<typeof mqttProfileSchema>;

/** JSON Schema of a profile file, for editor completion (what a user writes). */
export function mqttProfileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(mqttProfileSchema, { io: "input" }) as Record<string, unknown>;
}
