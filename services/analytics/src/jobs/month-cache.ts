/**
 * What the scheduler keeps between passes: per institution and complete local day, the day's hourly
 * energy and its hot-water result. Savings are month to date, so recomputing today needs every day of the
 * month so far; with the cache a pass reads only the days it recomputes (yesterday and today, or the days
 * late data touched), instead of the whole month. A day is recomputed, never read from here, once new
 * data touches it (fingerprint.ts), and the entry is then replaced.
 */
import { HOUR_MS } from "@jisr/core";
import type { DeviceEvent } from "../energy/hourly.js";
import type { HotWaterDaily } from "../hot-water/daily.js";
import type { MeteredCounter, MeteredEnergy } from "./metered.js";

interface CounterSlice {
  wh: number[];
  covered: boolean[];
  anomalies: number[];
  counts: Map<string, number[]>;
  devices: string[];
}

export interface CachedDay {
  hours: number;
  pv?: CounterSlice;
  import?: CounterSlice;
  export?: CounterSlice;
  hotWater?: HotWaterDaily;
}

export class MonthCache {
  readonly #days = new Map<string, CachedDay>();

  get(institution: string, day: string): CachedDay | undefined {
    return this.#days.get(`${institution}/${day}`);
  }

  set(institution: string, day: string, value: CachedDay): void {
    this.#days.set(`${institution}/${day}`, value);
  }

  /** Forgets the days before `day` (they are no longer in any month the scheduler recomputes). */
  pruneBefore(day: string): void {
    for (const key of this.#days.keys()) if ((key.split("/")[1] ?? "") < day) this.#days.delete(key);
  }

  get size(): number {
    return this.#days.size;
  }
}

function anomaliesOf(c: MeteredCounter): number[] {
  return c.energy.anomalies ?? new Array<number>(c.energy.wh.length).fill(0);
}

function slice(c: MeteredCounter | undefined, first: number, last: number): CounterSlice | undefined {
  if (!c) return undefined;
  const counts = new Map<string, number[]>();
  for (const [device, perHour] of c.counts) counts.set(device, perHour.slice(first, last));
  return {
    wh: c.energy.wh.slice(first, last),
    covered: c.energy.covered.slice(first, last),
    anomalies: anomaliesOf(c).slice(first, last),
    counts,
    devices: c.devices,
  };
}

/** The hours of one day (hours [first, last) of the window) to keep. */
export function cachedDay(
  m: MeteredEnergy,
  first: number,
  last: number,
  hotWater?: HotWaterDaily,
): CachedDay {
  const day: CachedDay = { hours: last - first };
  const [pv, imp, exp] = [
    slice(m.pv, first, last),
    slice(m.import, first, last),
    slice(m.export, first, last),
  ];
  if (pv) day.pv = pv;
  if (imp) day.import = imp;
  if (exp) day.export = exp;
  if (hotWater) day.hotWater = hotWater;
  return day;
}

function join(
  days: readonly CachedDay[],
  pick: (d: CachedDay) => CounterSlice | undefined,
  fresh: MeteredCounter | undefined,
): MeteredCounter | undefined {
  if (!fresh) return undefined;
  // A day cached without this counter (none configured then) is unknown: 0 Wh, not covered.
  const empty = (hours: number): CounterSlice => ({
    wh: new Array<number>(hours).fill(0),
    covered: new Array<boolean>(hours).fill(false),
    anomalies: new Array<number>(hours).fill(0),
    counts: new Map(),
    devices: [],
  });
  const all = [
    ...days.map((d) => pick(d) ?? empty(d.hours)),
    {
      wh: fresh.energy.wh,
      covered: fresh.energy.covered,
      anomalies: anomaliesOf(fresh),
      counts: fresh.counts,
      devices: fresh.devices,
    },
  ];
  const counts = new Map<string, number[]>();
  for (const device of fresh.devices)
    counts.set(
      device,
      all.flatMap((s) => s.counts.get(device) ?? new Array<number>(s.wh.length).fill(0)),
    );
  const events: DeviceEvent[] = fresh.energy.events;
  return {
    energy: {
      wh: all.flatMap((s) => s.wh),
      covered: all.flatMap((s) => s.covered),
      anomalies: all.flatMap((s) => s.anomalies),
      events,
    },
    counts,
    devices: fresh.devices,
  };
}

/** The cached days (in order, from the window's start) followed by the freshly read window. */
export function withCachedDays(
  from: number,
  days: readonly CachedDay[],
  fresh: MeteredEnergy,
): MeteredEnergy {
  if (days.length === 0) return fresh;
  const hours = days.reduce((s, d) => s + d.hours, 0);
  if (from + hours * HOUR_MS !== fresh.from)
    throw new RangeError("cached days do not end where the fresh window starts");
  const m: MeteredEnergy = { from, hours: hours + fresh.hours, readingIntervalMs: fresh.readingIntervalMs };
  const pv = join(days, (d) => d.pv, fresh.pv);
  const imp = join(days, (d) => d.import, fresh.import);
  const exp = join(days, (d) => d.export, fresh.export);
  if (pv) m.pv = pv;
  if (imp) m.import = imp;
  if (exp) m.export = exp;
  return m;
}
