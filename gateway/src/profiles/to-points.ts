/**
 * Decoded values → points of the data model: one point per (measurement, extra tags), tagged with the
 * institution and the device, stamped with the time its registers were read (the latest answer among
 * those that carried its fields; `ctx.time` when read times are not given). A value the device marks "not available" is
 * left out; a series left with no field is not written at all.
 */
import type { FieldValue, Point } from "@jisr/core";
import type { DecodedValue } from "./decode.js";
import type { Profile } from "./profile.js";

export interface PointContext {
  institution: string;
  device: string;
  time: number;
  /** When each profile point was read (profile order), epoch ms; see readWithProfileTimed. */
  readAt?: readonly number[];
}

function setField(point: Point, field: string, value: FieldValue, joins: boolean): void {
  const before = point.fields[field];
  // Bitfields sharing a names field (Huawei alarm 1, 2, 3) join their set bits.
  if (joins && typeof before === "string" && typeof value === "string") {
    point.fields[field] = [before, value].filter((s) => s !== "").join(",");
  } else {
    point.fields[field] = value;
  }
}

export function toPoints(profile: Profile, values: readonly DecodedValue[], ctx: PointContext): Point[] {
  const series = new Map<string, Point>();
  profile.points.forEach((p, i) => {
    const v = values[i];
    if (!v || v.value === null || p.measurement === undefined) return;
    if (p.field === undefined && p.rawField === undefined) return;
    const tags = { institution: ctx.institution, device: ctx.device, ...p.tags };
    const key = `${p.measurement} ${JSON.stringify(Object.entries(tags).sort())}`;
    let point = series.get(key);
    const readAt = ctx.readAt?.[i] ?? ctx.time;
    if (!point) {
      point = { measurement: p.measurement, tags, fields: {}, time: readAt };
      series.set(key, point);
    } else if (readAt > point.time) point.time = readAt;
    if (p.field !== undefined) {
      const value = p.bitfield ? (v.flags ?? []).join(",") : v.value;
      setField(point, p.field, value, p.bitfield !== undefined);
    }
    if (p.rawField !== undefined && v.raw !== undefined) setField(point, p.rawField, v.raw, false);
  });
  return [...series.values()].filter((pt) => Object.keys(pt.fields).length > 0);
}
