import { type FieldValue, type Point, pointSchema } from "@jisr/core";
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
 * Readings for one decoded device: pv_inverter (101-103, 111-113), pv_mppt per module (160),
 * grid_meter (201-204). A reading with no implemented field is dropped. Points are checked against
 * the shared point schema of @jisr/core.
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
      points.push(pointSchema.parse({ ...p, time: ctx.readAt?.get(key) ?? ctx.time }));
    }
  }
  return points;
}
