/**
 * Energy per local hour from the lifetime counters of several devices (e.g. three inverters), and the
 * completeness of their readings. Pure. Hours are the bins the tariff's `bill` takes as consumption.
 */
import { HOUR_MS } from "@jisr/core";
import {
  ANOMALY_KINDS,
  type CounterEvent,
  type CounterOptions,
  type CounterReading,
  counterIncrements,
  spreadIntoBins,
} from "./counter.js";

export interface DeviceEvent extends CounterEvent {
  device: string;
}

export interface HourlyEnergy {
  /** Wh per hour, hour i starting at from + i h. */
  wh: number[];
  /** Whether any device's increments overlap hour i: an hour no increment reaches is unknown, not 0. */
  covered: boolean[];
  events: DeviceEvent[];
  /**
   * Per hour, the counter decisions that changed energy (spikes dropped, rises taken back, resets,
   * rollovers, frozen counters, rebaselines, gaps too long: ANOMALY_KINDS), by the hour of the reading that
   * raised them: stored with the results (`counter_anomalies`) so a figure shows it was corrected.
   */
  anomalies?: number[];
  /**
   * Per device, the summary readings (counter.ts `cleanSince`) that must be replaced by their readings
   * before these figures hold; absent when none.
   */
  needReadings?: Map<string, number[]>;
}

/**
 * Sums the devices' increments into the hours of [from, from + hours h). `series` holds each device's
 * readings over the window plus context on both sides (the reading before and the one after), so that an
 * interval crossing the window's edge is spread over both sides and counted once overall.
 */
export function hourlyEnergy(
  series: ReadonlyMap<string, readonly CounterReading[]>,
  options: CounterOptions,
  from: number,
  hours: number,
): HourlyEnergy {
  const wh = new Array<number>(hours).fill(0);
  const covered = new Array<boolean>(hours).fill(false);
  const events: DeviceEvent[] = [];
  const anomalies = new Array<number>(hours).fill(0);
  const needReadings = new Map<string, number[]>();
  const to = from + hours * HOUR_MS;
  for (const [device, readings] of series) {
    const result = counterIncrements(readings, options);
    if (result.needReadings.length > 0) needReadings.set(device, result.needReadings);
    const bins = spreadIntoBins(result.increments, from, HOUR_MS, hours);
    bins.forEach((v, i) => {
      wh[i] = (wh[i] as number) + v;
    });
    for (const inc of result.increments) markCovered(covered, inc.from - from, inc.to - from);
    for (const e of result.events) {
      if (e.time < from || e.time >= to) continue;
      events.push({ ...e, device });
      if (ANOMALY_KINDS.has(e.kind)) {
        const h = Math.floor((e.time - from) / HOUR_MS);
        anomalies[h] = (anomalies[h] as number) + 1;
      }
    }
  }
  return { wh, covered, events, anomalies, ...(needReadings.size > 0 ? { needReadings } : {}) };
}

/** Marks the hours that [start, end) (ms after the first hour) overlaps. */
function markCovered(covered: boolean[], start: number, end: number): void {
  const first = Math.max(0, Math.floor(start / HOUR_MS));
  const last = Math.min(covered.length - 1, Math.ceil(end / HOUR_MS) - 1);
  for (let h = first; h <= last; h++) covered[h] = true;
}

/**
 * Share of the expected readings present in hours [first, last) over the listed devices, from each
 * device's number of raw readings per hour (`counts`, aligned with the hours): expected = the period
 * divided by the reading interval, per device, and a device never counts for more than 100 %. A device
 * without any reading counts as 0, never as "no data needed".
 */
export function completeness(
  counts: ReadonlyMap<string, readonly number[]>,
  devices: readonly string[],
  first: number,
  last: number,
  intervalMs: number,
): number {
  if (devices.length === 0 || last <= first) return 0;
  const expected = Math.max(1, Math.round(((last - first) * HOUR_MS) / intervalMs));
  let sum = 0;
  for (const device of devices) {
    const perHour = counts.get(device) ?? [];
    let present = 0;
    for (let h = first; h < last; h++) present += perHour[h] ?? 0;
    sum += Math.min(1, present / expected);
  }
  return sum / devices.length;
}
