/**
 * The metered energy of one institution over a window of local hours: PV production (all inverters'
 * `pv_inverter.energy_wh`), grid import and export (`grid_meter.energy_import_wh` / `energy_export_wh`),
 * per hour, read through the Store and turned into energy by energy/counter.ts.
 */
import type { Store } from "@jisr/core/store/types";
import { HOUR_MS, MINUTE_MS } from "@jisr/core/time/local-time";
import type { CounterLimits, Institution, InstitutionsConfig } from "../config/load.js";
import type { CounterOptions } from "../energy/counter.js";
import { completeness, type HourlyEnergy, hourlyEnergy } from "../energy/hourly.js";
import { aggregateInChunks, readCounterWindow, type SeriesSource } from "./read-series.js";

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
): Promise<MeteredEnergy> {
  const hours = Math.round((to - from) / HOUR_MS);
  const read = async (measurement: string, field: string, devices: string[], limits: CounterLimits) => {
    const options: CounterOptions = {
      ...limits,
      timeResolutionMs: COUNTER_BUCKET_MS,
      gapMs: cfg.gapMs,
      maxGapMs: cfg.maxGapMs,
    };
    const src = { institution: inst.id, measurement, field, devices };
    const series = await readCounterWindow(store, src, from, to, {
      contextMs: CONTEXT_MS,
      horizonMs: cfg.maxGapMs,
      bucketMs: COUNTER_BUCKET_MS,
    });
    return {
      energy: hourlyEnergy(series, options, from, hours),
      counts: await hourlyCounts(store, src, from, hours),
      devices,
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

/** Σ per hour of max(0, pv − export): the PV energy used on site (an hour cannot export more than it makes). */
export function selfConsumedWh(m: MeteredEnergy, from: number, to: number): number | undefined {
  if (sumWh(m.pv, m, from, to) === undefined || sumWh(m.export, m, from, to) === undefined) return undefined;
  const [first, last] = hourRange(m, from, to);
  let sum = 0;
  for (let h = first; h < last; h++) {
    sum += Math.max(0, (m.pv?.energy.wh[h] as number) - (m.export?.energy.wh[h] as number));
  }
  return sum;
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
