/**
 * The reading model every part of Jisr shares: one point = one measurement of one device at one instant.
 * It maps 1:1 onto an InfluxDB point, and onto a row of the embedded SQLite store.
 */
import { z } from "zod";

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
export const tagKey = z.string().regex(NAME, nameMessage);
/**
 * Tag values are free text, escaped on the wire (commas, spaces, equals signs), but never empty (InfluxDB
 * drops empty tags silently) and without backslashes or control characters: those have no escaping that
 * InfluxDB 1.x and 2.x read the same way (see line-protocol.ts).
 */
export const tagValue = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .refine((s) => !/[\\\x00-\x1f\x7f]/.test(s), "must not contain backslashes, line breaks or other control characters");

/** An institution or device id: short, URL- and file-name-safe. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be lower-case letters, digits, - or _ (max 63), starting with a letter or digit");

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
  z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time with a zone, e.g. 2026-11-29T10:00:00Z" })
    .transform((s) => Date.parse(s))
    .pipe(timeMsSchema),
]);

export const pointSchema = z
  .object({
    measurement: measurementName,
    tags: z.record(tagKey, tagValue).default({}),
    fields: z
      .record(tagKey, fieldValueSchema)
      .refine((f) => Object.keys(f).length > 0, "must hold at least one field"),
    time: wireTimeSchema,
  })
  .strict();

/** A point as received on the wire, before ingestion adds the institution. */
export type WirePoint = z.input<typeof pointSchema>;

/** Series identity: measurement plus sorted tags. Two points with the same key and time are the same reading. */
export function seriesKey(p: Pick<Point, "measurement" | "tags">): string {
  const tags = Object.keys(p.tags)
    .sort()
    .map((k) => `${k}=${p.tags[k]}`)
    .join(",");
  return tags ? `${p.measurement},${tags}` : p.measurement;
}
