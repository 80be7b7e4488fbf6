/**
 * One MQTT message → readings, through the device's profile. Pure: no I/O, the receive time is a
 * parameter. A payload that is not JSON, has the wrong shape or a value of the wrong type is "bad" and
 * yields no reading at all (half a reading would look like a real one); a value the device simply did not
 * send is left out.
 */
import { type FieldValue, type Point, pointSchema } from "@jisr/core";
import type { DeviceTopic, MqttDevice } from "./devices.js";
import { describeValue, valueAt } from "./json-path.js";
import { parsePayloadTime } from "./payload-time.js";
import type { FieldSpec, Role } from "./profile-schema.js";

export interface MapContext {
  institution: string;
  /** When the gateway received the message (epoch ms, UTC). */
  receivedAt: number;
  /** A payload time further than this from receivedAt is not trusted. */
  maxClockSkewMs: number;
}

export type MapResult =
  | {
      kind: "points";
      points: Point[] /** The payload time was off by more than maxClockSkewMs. */;
      clockSkew: boolean;
    }
  | { kind: "bad"; message: string };

class BadPayload extends Error {}

export function mapMessage(
  device: MqttDevice,
  topic: DeviceTopic,
  captures: Record<string, string>,
  payload: Buffer | string,
  ctx: MapContext,
): MapResult {
  try {
    const doc = parseJson(payload);
    const { time, clockSkew } = readingTime(device, doc, ctx);
    const points = buildPoints(ctx.institution, device, topic, captures, doc, time);
    return { kind: "points", points, clockSkew };
  } catch (err) {
    if (err instanceof BadPayload) return { kind: "bad", message: err.message };
    throw err;
  }
}

function parseJson(payload: Buffer | string): unknown {
  const text = typeof payload === "string" ? payload : payload.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new BadPayload(`not JSON: ${JSON.stringify(shown)}`);
  }
}

function readingTime(
  device: MqttDevice,
  doc: unknown,
  ctx: MapContext,
): { time: number; clockSkew: boolean } {
  const spec = device.profile.spec.time;
  const received = spec?.round_ms ? ctx.receivedAt - (ctx.receivedAt % spec.round_ms) : ctx.receivedAt;
  if (spec?.path === undefined || spec.format === undefined) return { time: received, clockSkew: false };
  // A payload without the time (or a bare value, where no key can be) is stamped on receipt; the fields'
  // own lookups say whether its shape is wrong.
  const found = valueAt(doc, spec.path);
  if (found.kind !== "value") return { time: received, clockSkew: false };
  const parsed = parsePayloadTime(found.value, spec.format, device.config.time_zone);
  if (parsed.kind === "bad")
    throw new BadPayload(`"${spec.path}" is ${describeValue(found.value)}: ${parsed.message}`);
  if (parsed.kind === "no_zone") return { time: received, clockSkew: false };
  if (Math.abs(parsed.ms - ctx.receivedAt) > ctx.maxClockSkewMs) return { time: received, clockSkew: true };
  return { time: parsed.ms, clockSkew: false };
}

function buildPoints(
  institution: string,
  device: MqttDevice,
  topic: DeviceTopic,
  captures: Record<string, string>,
  doc: unknown,
  time: number,
): Point[] {
  const byMeasurement = new Map<string, Map<string, FieldValue | number[]>>();
  for (const field of topic.spec.fields) {
    const name = fieldName(field, device.role);
    if (name === undefined) continue;
    const value = fieldValue(field, doc);
    if (value === undefined) continue;
    const measurement = field.measurement ?? topic.spec.measurement ?? device.role;
    const fields = byMeasurement.get(measurement) ?? new Map<string, FieldValue | number[]>();
    byMeasurement.set(measurement, fields);
    if (field.combine === "mean") {
      const seen = fields.get(name);
      fields.set(name, [...(Array.isArray(seen) ? seen : []), value as number]);
    } else fields.set(name, value);
  }
  const tags = { ...tagsOf(topic, captures), institution, device: device.config.id };
  return [...byMeasurement].map(([measurement, fields]) =>
    checked({
      measurement,
      tags,
      fields: Object.fromEntries([...fields].map(([k, v]) => [k, Array.isArray(v) ? mean(v) : v])),
      time,
    }),
  );
}

function fieldName(field: FieldSpec, role: Role): string | undefined {
  return typeof field.field === "string" ? field.field : field.field[role];
}

/** The value for a field, converted and scaled; undefined when absent; BadPayload when of the wrong type. */
function fieldValue(field: FieldSpec, doc: unknown): FieldValue | undefined {
  const found = valueAt(doc, field.path);
  if (found.kind === "wrong_shape") throw new BadPayload(found.message);
  if (found.kind === "absent") {
    if (field.required) throw new BadPayload(`"${field.path}" is missing`);
    return undefined;
  }
  const v = found.value;
  const wrong = () => new BadPayload(`"${field.path}" is ${describeValue(v)}, expected a ${field.type}`);
  switch (field.type) {
    case "number":
      if (typeof v !== "number" || !Number.isFinite(v)) throw wrong();
      return roundNoise(v * (field.scale ?? 1));
    case "boolean":
      if (typeof v === "boolean") return v;
      if (v === 0 || v === 1) return v === 1;
      throw wrong();
    case "string":
      if (typeof v !== "string") throw wrong();
      return v;
  }
}

/** 1234.567 kWh × 1000 is 1234567.0000000002 in binary floating point; the meter said 1234567. */
function roundNoise(x: number): number {
  return Number(x.toPrecision(15));
}

function mean(values: number[]): number {
  return roundNoise(values.reduce((a, b) => a + b, 0) / values.length);
}

function tagsOf(topic: DeviceTopic, captures: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(topic.spec.tags ?? {}).map(([k, v]) => [
      k,
      v.replace(/\{([a-z][a-z0-9_]*)\}/g, (_, n: string) => captures[n] ?? ""),
    ]),
  );
}

/** The shared point schema is the last word: a capture that makes a bad tag value is a bad payload. */
function checked(point: Point): Point {
  const result = pointSchema.safeParse(point);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadPayload(`${point.measurement} ${issue?.path.join(".")}: ${issue?.message}`);
}
