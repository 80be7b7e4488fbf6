/**
 * Readings onto a minute grid. Availability, hygiene and on-times are counted in whole minutes, so each
 * series becomes one value per minute of the period: the reading in force at the minute's midpoint (the
 * latest one at or before it), if that reading is younger than the hold time. Otherwise the minute is
 * unknown (NaN). The midpoint makes a poll that lands a few hundred ms after the minute count for it.
 */
import { MINUTE_MS } from "@jisr/core";
import { lastAtOrBefore, sortedSeries } from "./series.js";
import type { Sample } from "./types.js";

/** One value per minute; NaN = unknown. */
export type MinuteValues = Float64Array;

function numeric(value: number | boolean): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * `minutes` values for [start, start + minutes min). A reading at t holds for [t, t + holdMs); an invalid
 * reading (NaN, ±Infinity) holds "unknown" and so hides the one before it. Booleans become 1/0.
 */
export function toMinutes(
  series: readonly Sample<number | boolean>[] | undefined,
  start: number,
  minutes: number,
  holdMs: number,
): MinuteValues {
  const out = new Float64Array(minutes).fill(Number.NaN);
  if (!series || series.length === 0) return out;
  const sorted = sortedSeries(series);
  // Index of the latest reading at or before the current midpoint; found once, then walked forward.
  const minute = MINUTE_MS; // a local: tsx compiles imported bindings to getters, slow in this loop
  let j = lastAtOrBefore(sorted, start + minute / 2);
  for (let i = 0; i < minutes; i++) {
    const mid = start + i * minute + minute / 2;
    while (j + 1 < sorted.length && (sorted[j + 1]?.time ?? Number.POSITIVE_INFINITY) <= mid) j++;
    const reading = sorted[j];
    if (reading && mid < reading.time + holdMs) out[i] = numeric(reading.value);
  }
  return out;
}

/** How many minutes are known (not NaN). */
export function knownCount(values: MinuteValues, from = 0, to = values.length): number {
  let n = 0;
  for (let i = from; i < to; i++) if (!Number.isNaN(values[i] as number)) n++;
  return n;
}

/** Whether any minute is known. */
export function anyKnown(values: MinuteValues): boolean {
  for (const v of values) if (!Number.isNaN(v)) return true;
  return false;
}

/** Runs [from, to) of consecutive minute indexes in [lo, hi) whose value satisfies `test`. */
export function runsOf(
  values: MinuteValues,
  lo: number,
  hi: number,
  test: (v: number) => boolean,
): [number, number][] {
  const runs: [number, number][] = [];
  let open = -1;
  for (let i = lo; i < hi; i++) {
    const hit = test(values[i] as number);
    if (hit && open < 0) open = i;
    if (!hit && open >= 0) {
      runs.push([open, i]);
      open = -1;
    }
  }
  if (open >= 0) runs.push([open, hi]);
  return runs;
}

/** Length of the longest run of consecutive minutes whose value satisfies `test` (no allocation). */
export function longestRun(values: MinuteValues, test: (v: number) => boolean): number {
  let best = 0;
  let run = 0;
  for (const v of values) {
    run = test(v) ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}
