/**
 * The increase of a lifetime energy counter (Wh) over [start, end), by the energy accounting's counter
 * rules (../energy/counter.ts: jitter, rollovers, resets, spikes, rebaselines, gaps), so solar heat and
 * backup meters are read exactly as PV and grid meters are. Each increment is spread evenly over the time
 * between its two readings: a step across midnight or across a gap is shared pro rata between the days,
 * which therefore add up to the counter's total increase.
 */
import { MINUTE_MS } from "@jisr/core";
import {
  type CounterEvent,
  type CounterOptions,
  type CounterResult,
  counterIncrements,
  type Increment,
} from "../energy/counter.js";
import { sortedSeries } from "./series.js";
import type { Series } from "./types.js";

/** A counter's limits, as in the settings (`counter` objects). */
export interface CounterLimits {
  maxPowerW: number;
  toleranceWh: number;
  jitterWh: number;
  rolloverWh?: number;
}

export interface CounterIncrease {
  wh: number;
  /** Time of [start, end) between two accepted readings, ms: the increase is known over it. */
  coveredMs: number;
  /** What the counter rules found inside the period (resets, rollovers, spikes, rebaselines, gaps). */
  events: CounterEvent[];
}

/** The counter options of energy/counter.ts for a hot-water counter. */
export function counterOptions(limits: CounterLimits, maxGapMs: number): CounterOptions {
  return {
    maxPowerW: limits.maxPowerW,
    toleranceWh: limits.toleranceWh,
    jitterWh: limits.jitterWh,
    ...(limits.rolloverWh !== undefined ? { rolloverAtWh: limits.rolloverWh } : {}),
    // The job reads counters from one-minute buckets, stamped with the bucket's start.
    timeResolutionMs: MINUTE_MS,
    // Gaps only raise events here (the energy is spread over them either way); max gap decides what is lost.
    gapMs: 15 * MINUTE_MS,
    maxGapMs,
  };
}

// A month of one-minute readings is cut into 31 days: the counter rules run once per series and options,
// each day then takes its increments by binary search. Same increments as one run over the whole series.
const memo = new WeakMap<Series, Map<string, CounterResult>>();

function incrementsOf(series: Series, options: CounterOptions): CounterResult {
  const sorted = sortedSeries(series);
  let byOptions = memo.get(sorted);
  if (!byOptions) {
    byOptions = new Map();
    memo.set(sorted, byOptions);
  }
  const key = JSON.stringify(options);
  let result = byOptions.get(key);
  if (!result) {
    result = counterIncrements(sorted, options);
    byOptions.set(key, result);
  }
  return result;
}

/** Index of the first increment ending after `t` (increments are in time order and do not overlap). */
function firstEndingAfter(increments: readonly Increment[], t: number): number {
  let lo = 0;
  let hi = increments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((increments[mid] as Increment).to <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The counter's increase over [start, end); undefined when no two accepted readings enclose any of it. */
export function counterIncrease(
  series: Series | undefined,
  start: number,
  end: number,
  options: CounterOptions,
): CounterIncrease | undefined {
  if (!series || series.length === 0) return undefined;
  const { increments, events } = incrementsOf(series, options);
  let wh = 0;
  let coveredMs = 0;
  for (let i = firstEndingAfter(increments, start); i < increments.length; i++) {
    const inc = increments[i] as Increment;
    if (inc.from >= end) break;
    const overlap = Math.min(inc.to, end) - Math.max(inc.from, start);
    // Spread evenly over the increment's interval, as spreadIntoBins does for the hourly accounting.
    wh += (inc.wh * overlap) / (inc.to - inc.from);
    coveredMs += overlap;
  }
  if (coveredMs === 0) return undefined;
  return { wh, coveredMs, events: events.filter((e) => e.time >= start && e.time < end) };
}
