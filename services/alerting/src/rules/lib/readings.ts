/** Reading helpers shared by the rules: pick series out of the window, count minutes, fit a line. */
import type { Reading } from "../types.js";

export interface Sample {
  t: number;
  v: number;
}

/** The readings of one measurement, by `device` tag, each list in time order. */
export function byDevice(readings: readonly Reading[], measurement: string): Map<string, Reading[]> {
  const out = new Map<string, Reading[]>();
  for (const r of readings) {
    if (r.measurement !== measurement) continue;
    const device = r.tags.device;
    if (device === undefined) continue;
    let list = out.get(device);
    if (!list) {
      list = [];
      out.set(device, list);
    }
    list.push(r);
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  return out;
}

/** Readings of one measurement and device, in time order. */
export function readingsOf(readings: readonly Reading[], measurement: string, device: string): Reading[] {
  return (
    byDevice(
      readings.filter((r) => r.tags.device === device),
      measurement,
    ).get(device) ?? []
  );
}

/** A finite number field, or undefined (absent, a string, NaN). */
export function num(r: Reading, field: string): number | undefined {
  const v = r.fields[field];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A boolean field; numbers (0/1) and "true"/"on" strings are accepted, as relays come in all forms. */
export function bool(r: Reading, field: string): boolean | undefined {
  const v = r.fields[field];
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (["true", "on", "1"].includes(s)) return true;
    if (["false", "off", "0"].includes(s)) return false;
  }
  return undefined;
}

/** A comma-joined names field (`events`, `alarms`, `errors`) as a list; "" is none. */
export function names(r: Reading, field: string): string[] {
  const v = r.fields[field];
  if (typeof v !== "string") return [];
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The numeric samples of a field, in time order (readings must already be in time order). */
export function series(readings: readonly Reading[], field: string): Sample[] {
  const out: Sample[] = [];
  for (const r of readings) {
    const v = num(r, field);
    if (v !== undefined) out.push({ t: r.time, v });
  }
  return out;
}

/** The sample nearest `t`, if one lies within `maxMs` of it (samples in time order). */
export function nearest(samples: readonly Sample[], t: number, maxMs: number): Sample | undefined {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as Sample).t < t) lo = mid + 1;
    else hi = mid;
  }
  let best: Sample | undefined;
  for (const s of [samples[lo - 1], samples[lo]]) {
    if (s && Math.abs(s.t - t) <= maxMs && (!best || Math.abs(s.t - t) < Math.abs(best.t - t))) best = s;
  }
  return best;
}

/**
 * Minutes during which `pred` held: each reading holds until the next one, for at most `maxGapMs`
 * (a hole in the data counts neither way), and the last one until `end` (same cap).
 */
export function minutesWhere(
  readings: readonly Reading[],
  pred: (r: Reading) => boolean,
  maxGapMs: number,
  end: number,
): number {
  let ms = 0;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as Reading;
    if (!pred(r)) continue;
    const next = readings[i + 1]?.time ?? end;
    ms += Math.max(0, Math.min(next - r.time, maxGapMs));
  }
  return ms / 60_000;
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function mean(xs: readonly number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Least-squares line through (x, y): slope per unit of x, and the value at x = 0. */
export function fitLine(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** Readings with `time` in [from, to]. */
export function within<T extends { time: number }>(list: readonly T[], from: number, to: number): T[] {
  return list.filter((r) => r.time >= from && r.time <= to);
}
