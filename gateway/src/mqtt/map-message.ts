/**
 * One MQTT message → readings, through the device's profile. Pure: no I/O, the receive time is a
 * parameter. A payload that is not JSON, has the wrong shape or a value of the wrong type is "bad" and
 * yields no reading at all (half a reading would look like a real one); a value the device simply did not
 * send is left out.
 */
import { type FieldValue, type Point, pointSchema } from "@jisr/core";
import type { FieldSpec, Role } from "../profiles/mqtt-schema.js";
import type { DeviceTopic, MqttDevice } from "./devices.js";
import { describeValue, valueAt } from "./json-path.js";
import { parsePayloadTime } from "./payload-time.js";

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
      /** Components of a multi-component message (NotifyStatus) that no topic of the profile reads. */
      ignored?: string[];
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
    if (topic.spec.components) return mapComponents(device, topic, doc, ctx);
    const { time, clockSkew } = readingTime(device, doc, ctx);
    const points = buildPoints(ctx.institution, device, topic, captures, doc, time);
    return { kind: "points", points, clockSkew };
  } catch (err) {
    if (err instanceof BadPayload) return { kind: "bad", message: err.message };
    throw err;
  }
}

/**
 * A message with several components' status (Shelly NotifyStatus: `{"method":"NotifyStatus","params":
 * {"ts":..., "em1:0": {...}}}`): each component is read by the topic that reads
 * `<device topic>/status/<component>`, stamped with the notification's time.
 */
function mapComponents(device: MqttDevice, topic: DeviceTopic, doc: unknown, ctx: MapContext): MapResult {
  const spec = topic.spec.components as NonNullable<DeviceTopic["spec"]["components"]>;
  if (spec.method_path !== undefined && spec.method !== undefined) {
    const method = valueAt(doc, spec.method_path);
    // Other methods (NotifyEvent: a button pressed) carry no reading: nothing to do, nothing wrong.
    if (method.kind !== "value" || method.value !== spec.method)
      return { kind: "points", points: [], clockSkew: false };
  }
  const found = valueAt(doc, spec.path);
  if (found.kind === "wrong_shape") throw new BadPayload(found.message);
  if (found.kind === "absent" || typeof found.value !== "object" || Array.isArray(found.value))
    throw new BadPayload(
      `"${spec.path}" is ${found.kind === "absent" ? "missing" : describeValue(found.value)}, expected an object of components`,
    );
  let time = ctx.receivedAt;
  let clockSkew = false;
  if (spec.time_path !== undefined) {
    const ts = valueAt(doc, spec.time_path);
    const parsed = ts.kind === "value" ? parsePayloadTime(ts.value, "epoch_s", undefined) : undefined;
    if (parsed?.kind === "time") {
      if (Math.abs(parsed.ms - ctx.receivedAt) > ctx.maxClockSkewMs) clockSkew = true;
      else time = parsed.ms;
    }
  }
  const timeKey = spec.time_path?.startsWith(`${spec.path}.`)
    ? spec.time_path.slice(spec.path.length + 1)
    : undefined;
  const points: Point[] = [];
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(found.value as Record<string, unknown>)) {
    if (key === timeKey) continue;
    const route = statusTopicOf(device, key);
    if (!route) {
      ignored.push(key);
      continue;
    }
    points.push(...buildPoints(ctx.institution, device, route.topic, route.captures, value, time));
  }
  return { kind: "points", points, clockSkew, ...(ignored.length > 0 && { ignored }) };
}

/** The topic of `device` (not a components one) that reads `<device topic>/status/<component>`. */
function statusTopicOf(
  device: MqttDevice,
  component: string,
): { topic: DeviceTopic; captures: Record<string, string> } | undefined {
  const name = `${device.config.topic}/status/${component}`;
  for (const t of device.topics) {
    if (t.spec.components) continue;
    const captures = t.compiled.match(name);
    if (captures) return { topic: t, captures };
  }
  return undefined;
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
  // One series per (measurement, device): channels of a multi-channel device are devices of their own.
  const series = new Map<
    string,
    { measurement: string; device: string; fields: Map<string, FieldValue | number[]> }
  >();
  const base = deviceOf(device, topic, captures);
  const put = (measurement: string, dev: string, name: string, value: FieldValue, combine: boolean) => {
    const key = `${measurement}\u0000${dev}`;
    const entry = series.get(key) ?? { measurement, device: dev, fields: new Map() };
    series.set(key, entry);
    if (combine) {
      const seen = entry.fields.get(name);
      entry.fields.set(name, [...(Array.isArray(seen) ? seen : []), value as number]);
    } else entry.fields.set(name, value);
  };
  for (const field of topic.spec.fields) {
    const name = fieldName(field, device.role);
    if (name === undefined) continue;
    const measurement = field.measurement ?? topic.spec.measurement ?? device.role;
    const perChannel = field.channels === undefined ? undefined : channelValues(field, doc);
    if (perChannel) {
      perChannel.forEach((v, i) => {
        put(measurement, `${base}-${i + 1}`, name, v, false);
      });
      if (field.channels === "sum")
        put(measurement, base, name, roundNoise(perChannel.reduce((a, b) => a + b, 0)), false);
      else if (field.channels === "mean" && perChannel.length > 0)
        put(measurement, base, name, mean(perChannel), false);
      continue;
    }
    const value = fieldValue(field, doc);
    if (value === undefined) continue;
    put(measurement, base, name, value, field.combine === "mean");
  }
  const tags = tagsOf(topic, captures);
  return [...series.values()].map(({ measurement, device: dev, fields }) =>
    checked({
      measurement,
      tags: { ...tags, institution, device: dev },
      fields: Object.fromEntries([...fields].map(([k, v]) => [k, Array.isArray(v) ? mean(v) : v])),
      time,
    }),
  );
}

/** The device tag of a topic's points: the device's id, or the topic's `device` template filled in. */
function deviceOf(device: MqttDevice, topic: DeviceTopic, captures: Record<string, string>): string {
  const template = topic.spec.device;
  if (template === undefined) return device.config.id;
  return template.replace(/\{([a-z][a-z0-9_]*)\}/g, (_, n: string) =>
    n === "device" ? device.config.id : (captures[n] ?? ""),
  );
}

/** A field with `channels`: its array's numbers, scaled; undefined when the value is not an array. */
function channelValues(field: FieldSpec, doc: unknown): number[] | undefined {
  const found = valueAt(doc, field.path);
  if (found.kind !== "value" || !Array.isArray(found.value)) return undefined;
  return found.value.map((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new BadPayload(`"${field.path}.${i}" is ${describeValue(v)}, expected a number`);
    return roundNoise(v * (field.scale ?? 1));
  });
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
