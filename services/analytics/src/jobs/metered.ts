/**
 * The metered energy of one institution over a window of local hours: PV production (all inverters'
 * `pv_inverter.energy_wh`), grid import and export (`grid_meter.energy_import_wh` / `energy_export_wh`),
 * per hour, read through the Store and turned into energy by energy/counter.ts.
 */

import { HOUR_MS, MINUTE_MS } from "@jisr/core";
import type { HourStats, HourStatsReader, Store } from "@jisr/core/store";
import { hourStatsOf } from "@jisr/core/store";
import type { CounterLimits, Institution, InstitutionsConfig } from "../config/load.js";
import { type CounterOptions, type CounterReading, plausibleWh } from "../energy/counter.js";
import { completeness, type HourlyEnergy, hourlyEnergy } from "../energy/hourly.js";
import { openCounterWindow } from "./counter-window.js";
import {
  aggregateInChunks,
  type DeviceSeries,
  findEdges,
  joinEdges,
  readCounterWindow,
  type SeriesSource,
} from "./read-series.js";

/** Context read on both sides of a window; beyond it, a coarse search (read-series.ts). */
const CONTEXT_MS = 2 * HOUR_MS;
/**
 * Counters are read as the last value of each 5 minutes: hourly energy stays exact (increments are spread
 * linearly across bucket edges), and a month is 5 times fewer rows than at one minute.
 */
export const COUNTER_BUCKET_MS = 5 * MINUTE_MS;

export interface MeteredCounter {
  energy: HourlyEnergy;
  /** Raw readings per hour of the window, per device (completeness). */
  counts: Map<string, number[]>;
  devices: string[];
  /**
   * Freshly read windows only: the intervals [from, to] between two readings of a device further apart
   * than the configured gap (and no further than the longest one), whose energy is spread over them.
   */
  gaps?: Array<[number, number]>;
  /**
   * Freshly read windows only: the periods [since, to] a frozen counter's catch-up was spread over
   * (energy/counter.ts "stuck"). Unlike a gap's hours, those hours had readings (of an unchanged value), so
   * a cached day among them looks complete: month.ts recomputes it whenever such a period reaches it.
   */
  refills?: Array<[number, number]>;
}

export interface MeteredEnergy {
  /** First hour of the window (a local midnight), and its number of hours. */
  from: number;
  hours: number;
  readingIntervalMs: number;
  pv?: MeteredCounter;
  import?: MeteredCounter;
  export?: MeteredCounter;
}

export async function readMetered(
  store: Store,
  inst: Institution,
  cfg: Pick<InstitutionsConfig, "gapMs" | "maxGapMs">,
  from: number,
  to: number,
  /** The hour statistics to read through (default the store's own). */
  hourStatsReader?: HourStatsReader,
): Promise<MeteredEnergy> {
  const hours = Math.round((to - from) / HOUR_MS);
  // Hour statistics need whole hours (a zone with half-hour offsets reads the readings themselves).
  const hourStats =
    from % HOUR_MS === 0 && to % HOUR_MS === 0 ? (hourStatsReader ?? hourStatsOf(store)) : undefined;
  const read = async (measurement: string, field: string, devices: string[], limits: CounterLimits) => {
    const options: CounterOptions = {
      ...limits,
      timeResolutionMs: COUNTER_BUCKET_MS,
      gapMs: cfg.gapMs,
      maxGapMs: cfg.maxGapMs,
    };
    const src = { institution: inst.id, measurement, field, devices };
    const windowOptions = { contextMs: CONTEXT_MS, horizonMs: cfg.maxGapMs, bucketMs: COUNTER_BUCKET_MS };
    let series: DeviceSeries;
    let energy: HourlyEnergy;
    let counts: Map<string, number[]>;
    if (hourStats) {
      // Hour summaries from the database, readings only where the counter rules need them (counter-window.ts).
      const window = await openCounterWindow(
        store,
        hourStats,
        src,
        from - CONTEXT_MS,
        to + CONTEXT_MS,
        COUNTER_BUCKET_MS,
        plausibleWh(COUNTER_BUCKET_MS, options),
      );
      const edges = await findEdges(store, src, window.series(), from, to, windowOptions);
      for (;;) {
        series = joinEdges(src, window.series(), edges);
        energy = hourlyEnergy(series, options, from, hours);
        if (!energy.needReadings) break;
        for (const [device, ends] of energy.needReadings)
          await window.readHours(
            device,
            ends.map((t) => t - HOUR_MS),
          );
      }
      counts = countsOf(window.stats, from, hours);
    } else {
      series = await readCounterWindow(store, src, from, to, windowOptions);
      energy = hourlyEnergy(series, options, from, hours);
      counts = await hourlyCounts(store, src, from, hours);
    }
    const refills = energy.events.flatMap(
      (e): Array<[number, number]> =>
        e.kind === "stuck" && e.since !== undefined ? [[e.since, e.time]] : [],
    );
    return {
      energy,
      counts,
      devices,
      gaps: gapsOf(series, cfg.gapMs, cfg.maxGapMs),
      refills,
    };
  };
  const metered: MeteredEnergy = { from, hours, readingIntervalMs: inst.readingIntervalMs };
  if (inst.pv) metered.pv = await read("pv_inverter", "energy_wh", inst.pv.inverters, inst.pv.counter);
  if (inst.gridMeter) {
    const { device, counter } = inst.gridMeter;
    metered.import = await read("grid_meter", "energy_import_wh", [device], counter);
    metered.export = await read("grid_meter", "energy_export_wh", [device], counter);
  }
  return metered;
}

/** Hours [first, last) of the window that fall in [from, to). */
export function hourRange(m: MeteredEnergy, from: number, to: number): [number, number] {
  const first = Math.max(0, Math.round((from - m.from) / HOUR_MS));
  const last = Math.min(m.hours, Math.round((to - m.from) / HOUR_MS));
  return [first, last];
}

/** Sum of a counter's Wh over [from, to), or undefined when no increment reaches that period. */
export function sumWh(
  c: MeteredCounter | undefined,
  m: MeteredEnergy,
  from: number,
  to: number,
): number | undefined {
  if (!c) return undefined;
  const [first, last] = hourRange(m, from, to);
  let sum = 0;
  let known = false;
  for (let h = first; h < last; h++) {
    sum += c.energy.wh[h] as number;
    known ||= c.energy.covered[h] as boolean;
  }
  return known ? sum : undefined;
}

/** Whether any increment of `c` reaches hour `h` of the window (no counter: never). */
export function coveredAt(c: MeteredCounter | undefined, h: number): boolean {
  return c?.energy.covered[h] === true;
}

/** Whether hour `h` has both PV and export data: only then is its self-consumption known. */
export function selfKnownAt(m: MeteredEnergy, h: number): boolean {
  return coveredAt(m.pv, h) && coveredAt(m.export, h);
}

export interface SelfConsumption {
  /** Σ max(0, pv − export) over the hours where PV and export are both known (selfKnownAt). */
  selfWh: number;
  /** PV and export over those same hours. */
  pvWh: number;
  exportWh: number;
  /** Σ import + self-consumed over the hours where import is known as well; undefined when there is none. */
  consumptionWh?: number;
}

/**
 * The PV energy used on site over [from, to), hour by hour (an hour cannot export more than it makes),
 * counted only in the hours where PV and export are both known: an hour with PV but no export reading
 * (the grid meter down) is not an hour whose PV was all used on site. Undefined when no hour is known.
 * Being a sum over hours, a month's value is the sum of its days'.
 */
export function selfConsumption(m: MeteredEnergy, from: number, to: number): SelfConsumption | undefined {
  const [first, last] = hourRange(m, from, to);
  let known = false;
  const out: SelfConsumption = { selfWh: 0, pvWh: 0, exportWh: 0 };
  let consumption: number | undefined;
  for (let h = first; h < last; h++) {
    if (!selfKnownAt(m, h)) continue;
    known = true;
    const pv = m.pv?.energy.wh[h] as number;
    const exported = m.export?.energy.wh[h] as number;
    const self = Math.max(0, pv - exported);
    out.selfWh += self;
    out.pvWh += pv;
    out.exportWh += exported;
    if (coveredAt(m.import, h)) consumption = (consumption ?? 0) + (m.import?.energy.wh[h] as number) + self;
  }
  if (!known) return undefined;
  if (consumption !== undefined) out.consumptionWh = consumption;
  return out;
}

/**
 * Whether [from, to) holds an hour with data from some of the PV, import and export counters but not all
 * of them: the savings leave that hour's self-consumption and export out. The window's last hour with any
 * data is not judged (counters report a few minutes apart, so it is often reached by one counter only),
 * nor the hours after it (the future, or no data at all: `completeness` tells).
 */
export function leavesOutHours(m: MeteredEnergy, from: number, to: number): boolean {
  const counters = [m.pv, m.import, m.export];
  if (counters.some((c) => c === undefined)) return false;
  let lastWithData = -1;
  for (let h = m.hours - 1; h >= 0 && lastWithData < 0; h--) {
    if (counters.some((c) => coveredAt(c, h))) lastWithData = h;
  }
  const [first, last] = hourRange(m, from, to);
  for (let h = first; h < Math.min(last, lastWithData); h++) {
    const known = counters.filter((c) => coveredAt(c, h)).length;
    if (known > 0 && known < counters.length) return true;
  }
  return false;
}

/**
 * The start of the earliest gap of any counter of a freshly read window that spans `at` (starts before it
 * and ends after it): the energy of the hours after `at` is then spread back to that start.
 */
export function gapStartAcross(fresh: MeteredEnergy, at: number): number | undefined {
  let start: number | undefined;
  for (const c of [fresh.pv, fresh.import, fresh.export]) {
    for (const [from, to] of [...(c?.gaps ?? []), ...(c?.refills ?? [])]) {
      if (from < at && to > at && (start === undefined || from < start)) start = from;
    }
  }
  return start;
}

function gapsOf(series: DeviceSeries, gapMs: number, maxGapMs: number): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  for (const readings of series.values()) {
    for (let i = 1; i < readings.length; i++) {
      // A summary stands for readings one bucket apart: no gap.
      if ((readings[i] as CounterReading).cleanSince !== undefined) continue;
      const [a, b] = [(readings[i - 1] as CounterReading).time, (readings[i] as CounterReading).time];
      // Beyond the longest gap the counter is rebaselined: nothing is spread.
      if (b - a > gapMs && b - a <= maxGapMs) gaps.push([a, b]);
    }
  }
  return gaps;
}

/** Raw readings per hour of [from, from + hours h), per device, from the window's hour statistics. */
function countsOf(
  stats: ReadonlyMap<string, readonly HourStats[]>,
  from: number,
  hours: number,
): Map<string, number[]> {
  const counts = new Map<string, number[]>();
  for (const [device, perHour] of stats) {
    const out = new Array<number>(hours).fill(0);
    for (const h of perHour) {
      const i = Math.round((h.time - from) / HOUR_MS);
      if (i >= 0 && i < hours) out[i] = h.readings;
    }
    counts.set(device, out);
  }
  return counts;
}

/** Raw readings per hour of [from, from + hours h), per device: one cheap `count` query. */
async function hourlyCounts(
  store: Store,
  src: SeriesSource,
  from: number,
  hours: number,
): Promise<Map<string, number[]>> {
  const series = await aggregateInChunks(
    store,
    {
      measurement: src.measurement,
      field: src.field,
      fn: "count",
      from,
      to: from + hours * HOUR_MS,
      everyMs: HOUR_MS,
      where: { institution: src.institution },
      groupBy: ["device"],
    },
    src.devices.length,
  );
  const counts = new Map<string, number[]>();
  for (const s of series) {
    const device = s.tags.device ?? "";
    if (!src.devices.includes(device)) continue;
    const perHour = new Array<number>(hours).fill(0);
    for (const p of s.points) perHour[Math.round((p.time - from) / HOUR_MS)] = p.value;
    counts.set(device, perHour);
  }
  return counts;
}

/** Share of the expected readings present in [from, to), over the PV inverters and the grid meter. */
export function meteredCompleteness(m: MeteredEnergy, from: number, to: number): number {
  const parts: Array<[number, number]> = [];
  const [first, last] = hourRange(m, from, to);
  for (const c of [m.pv, m.import]) {
    if (c)
      parts.push([completeness(c.counts, c.devices, first, last, m.readingIntervalMs), c.devices.length]);
  }
  const devices = parts.reduce((s, [, n]) => s + n, 0);
  return devices === 0 ? 0 : parts.reduce((s, [c, n]) => s + c * n, 0) / devices;
}
