/**
 * The reading model every part of Jisr shares: one point = one measurement of one device at one instant.
 * It maps 1:1 onto an InfluxDB point, and onto a row of the embedded SQLite store.
 */
import { z } from "zod";
import { escapeKey, escapeMeasurement } from "./line-protocol-escape.js";

/** A field value. Numbers are always stored as floats so a field can never change type between writers. */
export type FieldValue = number | string | boolean;

export interface Point {
  measurement: string;
  /** Always carries `institution` and `device` once it has passed ingestion. */
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Epoch milliseconds, UTC. */
  time: number;
}

/** snake_case names, as in `pv_inverter`, `power_w`: safe in InfluxQL without quoting surprises. */
const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const nameMessage = "must be snake_case: a lower-case letter, then lower-case letters, digits or _ (max 64)";

export const measurementName = z.string().regex(NAME, nameMessage);
/**
 * Tag and field keys. `time` is reserved: InfluxDB 1.x rejects a tag key `time` and silently drops a
 * field `time` (checked on 1.6.7), so the point would be lost or mangled.
 */
export const tagKey = z
  .string()
  .regex(NAME, nameMessage)
  .refine((s) => s !== "time", 'must not be "time" (reserved by InfluxDB)');
/**
 * Tag values are free text, escaped on the wire (commas, spaces, equals signs), but never empty (InfluxDB
 * drops empty tags silently) and without backslashes or control characters: those have no escaping that
 * InfluxDB 1.x and 2.x read the same way (see line-protocol.ts).
 */
export const tagValue = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .refine(
    (s) => !hasBackslashOrControl(s),
    "must not contain backslashes, line breaks or other control characters",
  )
  // A lone surrogate cannot be encoded as UTF-8: it would reach InfluxDB as U+FFFD, so two different
  // values sent would become one series, and the value stored is not the one sent.
  .refine((s) => !hasLoneSurrogate(s), "must not contain a lone (unpaired) UTF-16 surrogate");

function hasBackslashOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // C1 (0x80-0x9f) too: U+0085 is a line break to some readers, and none of them is printable text.
    if (c === 0x5c || c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** String.prototype.isWellFormed is ES2024, beyond our lib target; the same test by hand. */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++; // a valid pair
  }
  return false;
}

/**
 * Tag keys that ingestion sets or requires on every point. A *field* of the same name would shadow the
 * tag: InfluxQL reads `WHERE institution = 'x'` as the field when both exist, so one sender could blank
 * every other institution's data for a measurement. They are refused as field keys, whatever the tags.
 */
export const RESERVED_TAG_KEYS: readonly string[] = ["institution", "device"];

/** An institution or device id: short, URL- and file-name-safe. */
export const idSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    "must be lower-case letters, digits, - or _ (max 63), starting with a letter or digit",
  );

export const fieldValueSchema = z.union([
  z.number().refine(Number.isFinite, "must be a finite number (NaN and Infinity cannot be stored)"),
  z.string().max(65_536, "must be at most 64 KiB"),
  z.boolean(),
]);

/** Earliest and latest instants we accept: guards against seconds-vs-milliseconds mix-ups. */
export const MIN_TIME = Date.UTC(2000, 0, 1);
export const MAX_TIME = Date.UTC(2100, 0, 1);

export const timeMsSchema = z
  .number()
  .int("must be whole milliseconds")
  .min(MIN_TIME, "is before 2000-01-01: was it given in seconds instead of milliseconds?")
  .max(MAX_TIME, "is after 2100-01-01: was it given in microseconds or nanoseconds?");

/** Time on the JSON wire: epoch milliseconds, or an ISO-8601 string with an explicit zone. */
export const wireTimeSchema = z.union([
  timeMsSchema,
  z.iso
    .datetime({
      offset: true,
      message: "must be an ISO-8601 date-time with a zone, e.g. 2026-11-29T10:00:00Z",
    })
    .transform((s) => Date.parse(s))
    .pipe(timeMsSchema),
]);

/** Reports why a key is bad ("must be snake_case…") instead of zod's bare "Invalid key in record". */
const keyError = {
  error: (iss: { code?: string; issues?: Array<{ message: string }> }) =>
    iss.code === "invalid_key" ? iss.issues?.map((i) => i.message).join("; ") : undefined,
};

export const pointSchema = z
  .object({
    measurement: measurementName,
    tags: z.record(tagKey, tagValue, keyError).default({}),
    fields: z
      .record(tagKey, fieldValueSchema, keyError)
      .refine((f) => Object.keys(f).length > 0, "must hold at least one field"),
    time: wireTimeSchema,
  })
  .strict()
  // InfluxDB 3.x refuses a name that is both a tag and a field; 1.x keeps both and renames one `<name>_1`,
  // and InfluxQL then reads an unqualified name as the field. One issue per key, the more precise first.
  .superRefine((p, ctx) => {
    for (const key of Object.keys(p.fields)) {
      if (Object.hasOwn(p.tags, key)) {
        ctx.addIssue({
          code: "custom",
          path: ["fields", key],
          message: `"${key}" is already a tag of this point`,
        });
      } else if (RESERVED_TAG_KEYS.includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["fields", key],
          message: `"${key}" is reserved for the tag of that name and cannot be a field`,
        });
      }
    }
  });

/** A point as received on the wire, before ingestion adds the institution. */
export type WirePoint = z.input<typeof pointSchema>;

/**
 * Series identity: measurement plus sorted tags, escaped as in line protocol so that it is unambiguous
 * (tags `{a: "1,b=2"}` and `{a: "1", b: "2"}` are two series). Two points with the same key and time are
 * the same reading. Empty tag values are left out, as InfluxDB drops them.
 */
export function seriesKey(p: Pick<Point, "measurement" | "tags">): string {
  let key = escapeMeasurement(p.measurement);
  for (const k of Object.keys(p.tags).sort()) {
    const v = p.tags[k];
    if (v) key += `,${escapeKey(k)}=${escapeKey(v)}`;
  }
  return key;
}

/**
 * Points that passed `pointSchema` and were frozen right after, so a store need not run the same schema
 * again on the hot path (ingestion validates every point, then the store would). Frozen, so what was
 * checked is what gets written.
 */
const checkedPoints = new WeakSet<Point>();

/** Freezes a point that has just passed `pointSchema` and records it as checked. */
export function sealCheckedPoint(p: Point): Point {
  Object.freeze(p.tags);
  Object.freeze(p.fields);
  checkedPoints.add(Object.freeze(p));
  return p;
}

export function isSealedPoint(p: Point): boolean {
  return checkedPoints.has(p);
}
