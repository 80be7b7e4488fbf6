import { type FieldValue, MAX_TIME, MIN_TIME, type Point, pointSchema } from "@jisr/core";
import type { DecodedModel, DecodedPoint, SunspecDevice } from "./decoded-schema.js";
import { defaultModels, type LaidOutPoint, type ModelRegistry } from "./models.js";

/**
 * Decoded SunSpec models -> readings. Which point becomes which field is data: the `field`,
 * `rawField`, `combine` and `measurement` keys of the YAML maps. Null values are left out.
 */

export interface PointContext {
  institution: string;
  device: string;
  /** Epoch milliseconds, UTC: when the registers were read. */
  time: number;
  /** Per model key: when its block's answer arrived; `time` for models not in it. */
  readAt?: ReadonlyMap<string, number>;
}

/** The field value of one point, typed so a field never changes type between polls. */
function fieldValue(spec: LaidOutPoint, point: DecodedPoint): FieldValue | null {
  const v = point.value;
  if (v === null) return null;
  if (Array.isArray(v)) return v.join(",");
  // An enum with no name for this value still yields a string, as the named values do.
  if (spec.type === "enum16" || spec.type === "enum32") return String(v);
  return v;
}

function blockFields(specs: readonly LaidOutPoint[], decoded: Record<string, DecodedPoint>) {
  const fields: Record<string, FieldValue> = {};
  const means = new Map<string, number[]>();
  for (const spec of specs) {
    const point = decoded[spec.name];
    if (!point) continue;
    if (spec.rawField !== undefined && point.raw !== undefined) fields[spec.rawField] = point.raw;
    if (spec.field === undefined) continue;
    const value = fieldValue(spec, point);
    if (value === null) continue;
    if (spec.combine === "mean" && typeof value === "number") {
      means.set(spec.field, [...(means.get(spec.field) ?? []), value]);
    } else {
      fields[spec.field] = value;
    }
  }
  for (const [field, values] of means) fields[field] = values.reduce((a, b) => a + b, 0) / values.length;
  return fields;
}

/** "203" -> device tag as given; "203_2" (a second meter) -> "<device>-2", so series never collide. */
function deviceTag(key: string, device: string): string {
  const n = /_(\d+)$/.exec(key)?.[1];
  return n === undefined ? device : `${device}-${n}`;
}

function modelPoints(
  model: DecodedModel,
  key: string,
  registry: ModelRegistry,
  ctx: PointContext,
): Array<Omit<Point, "time">> {
  const map = registry.get(model.id);
  if (!map) return [];
  const tags = { institution: ctx.institution, device: deviceTag(key, ctx.device) };
  const out: Array<Omit<Point, "time">> = [];
  if (map.measurement !== undefined) {
    out.push({ measurement: map.measurement, tags, fields: blockFields(map.points, model.points) });
  }
  const g = map.group;
  const measurement = g?.measurement;
  if (g && measurement !== undefined) {
    const tagName = g.indexTag ?? "index";
    (model.groups[g.name] ?? []).forEach((rep, i) => {
      out.push({
        measurement,
        tags: { ...tags, [tagName]: String(i + 1) },
        fields: blockFields(g.points, rep),
      });
    });
  }
  return out;
}

/**
 * Shapes (measurement, tags with their values, field names with their value types) of points that passed
 * `pointSchema`. Everything the schema checks except the field values and the time is a function of the
 * shape, so a point of a known shape needs only those checked. Bounded: a device's shapes are few (one per
 * model and repetition), but a fleet's are not known in advance.
 */
const passedShapes = new Set<string>();
const MAX_SHAPES = 4096;
/** fieldValueSchema's limit on a string value. */
const MAX_STRING_FIELD = 65_536;

/**
 * The shape as an unambiguous string (JSON-quoted names and values: a tag value cannot pose as another
 * tag), or undefined when the point is not a plain object of exactly the four keys with plain-object
 * tags and fields: then only the schema decides.
 */
function shapeOf(p: Point): string | undefined {
  if (!isPlain(p) || !isPlain(p.tags) || !isPlain(p.fields) || typeof p.measurement !== "string")
    return undefined;
  const keys = Reflect.ownKeys(p);
  if (keys.length !== 4 || !("measurement" in p && "tags" in p && "fields" in p && "time" in p))
    return undefined;
  // JSON strings delimit themselves; a type name (unquoted) or "|" cannot be taken for one.
  let shape = JSON.stringify(p.measurement);
  for (const k of Reflect.ownKeys(p.tags)) {
    if (typeof k !== "string") return undefined;
    const v = p.tags[k];
    shape += JSON.stringify(k) + (typeof v === "string" ? JSON.stringify(v) : typeof v);
  }
  shape += "|";
  for (const k of Reflect.ownKeys(p.fields)) {
    if (typeof k !== "string") return undefined;
    shape += JSON.stringify(k) + typeof p.fields[k];
  }
  return shape;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** The values a known shape leaves to check: the same rules as fieldValueSchema and timeMsSchema. */
function valuesPass(p: Point): boolean {
  if (!Number.isInteger(p.time) || p.time < MIN_TIME || p.time > MAX_TIME) return false;
  for (const v of Object.values(p.fields)) {
    if (typeof v === "number" ? !Number.isFinite(v) : typeof v === "string" && v.length > MAX_STRING_FIELD)
      return false;
  }
  return true;
}

/**
 * `pointSchema.parse`, as strict and with the same errors, at a fraction of its cost on the poll path
 * (zod took about 20 µs a point, several per poll, ten polls a second on a 50-device gateway): a point of
 * a shape that already passed the schema, whose values pass the value rules, is accepted as is; anything
 * else goes through the schema, which accepts it (and its shape is remembered) or throws its error naming
 * the field.
 */
export function checkPoint(p: Point): Point {
  const shape = shapeOf(p);
  if (shape !== undefined && passedShapes.has(shape) && valuesPass(p)) return p;
  const parsed = pointSchema.parse(p);
  if (shape !== undefined) {
    if (passedShapes.size >= MAX_SHAPES) passedShapes.clear();
    passedShapes.add(shape);
  }
  return parsed;
}

/**
 * Readings for one decoded device: pv_inverter (101-103, 111-113), pv_mppt per module (160),
 * grid_meter (201-204). A reading with no implemented field is dropped. Points are checked against
 * the shared point schema of @jisr/core (checkPoint).
 */
export function sunspecToPoints(
  device: SunspecDevice,
  ctx: PointContext,
  registry: ModelRegistry = defaultModels(),
): Point[] {
  const points: Point[] = [];
  for (const [key, model] of Object.entries(device.models)) {
    for (const p of modelPoints(model, key, registry, ctx)) {
      if (Object.keys(p.fields).length === 0) continue;
      points.push(checkPoint({ ...p, time: ctx.readAt?.get(key) ?? ctx.time }));
    }
  }
  return points;
}
