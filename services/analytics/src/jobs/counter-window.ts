/**
 * A counter's readings over a window, read the cheap way: the database sums each hour up (hour-stats.ts:
 * the 5-minute buckets present, the least and greatest rise from one bucket to the next, the last value,
 * the raw readings' count), and only the hours whose summary shows something to look at are read bucket
 * by bucket. An ordinary hour (every bucket there, each rising by 0 to what the device can physically
 * produce in one bucket) becomes one summary reading (counter.ts `cleanSince`) at its end; the hours with
 * a fall, a rise beyond physics, a missing bucket or a gap are read, and so are their neighbours, which
 * the counter rules look back and ahead into. When the counter rules still need an hour's readings
 * (counter.ts `needReadings`), `readHours` reads them and the caller runs again: the energy, the events
 * and the counts are the ones the readings themselves give, from a month of hundreds of rows per series
 * instead of thousands.
 */
import { HOUR_MS } from "@jisr/core";
import type { HourStats, HourStatsReader, Store } from "@jisr/core/store";
import {
  type CounterOptions,
  type CounterReading,
  counterIncrements,
  plausibleWh,
} from "../energy/counter.js";
import {
  type CounterWindowOptions,
  type DeviceSeries,
  findEdges,
  joinEdges,
  readMinutes,
  type SeriesSource,
} from "./read-series.js";

export interface CounterWindow {
  /** Per device, the hour statistics over the window, oldest first (hours without readings are absent). */
  readonly stats: ReadonlyMap<string, readonly HourStats[]>;
  /** The readings as they stand: summaries for ordinary hours, bucket readings for the others. */
  series(): DeviceSeries;
  /** Reads the buckets of these hours (hour starts) of `device`, which then stop being summaries. */
  readHours(device: string, hours: readonly number[]): Promise<void>;
  /** Queries made so far (statistics and bucket reads), for the job's own accounting. */
  readonly queries: number;
}

/**
 * Opens the window [from, to) (whole hours) of `src`: one statistics query, then the buckets of the hours
 * that are not ordinary and of their neighbours. Bucket readings are timed at their bucket's end, as
 * readMinutes(…, atEnd) gives them.
 */
export async function openCounterWindow(
  store: Store,
  hourStats: HourStatsReader,
  src: SeriesSource,
  from: number,
  to: number,
  bucketMs: number,
  /** The largest rise that is plausible between two consecutive buckets (counter.ts plausibleWh). */
  stepLimitWh: number,
): Promise<CounterWindow> {
  const perHour = Math.round(HOUR_MS / bucketMs);
  const stats = new Map<string, HourStats[]>();
  for (const s of await hourStats({
    measurement: src.measurement,
    field: src.field,
    from,
    to,
    where: { institution: src.institution },
    groupBy: ["device"],
    bucketMs,
    bucketFn: "last",
    series: Math.max(1, src.devices.length),
  })) {
    const device = s.tags.device;
    if (device !== undefined && src.devices.includes(device)) stats.set(device, s.hours);
  }
  /** Per device, hour start → its bucket readings (read), or absent (a summary). */
  const read = new Map<string, Map<number, CounterReading[]>>();
  let queries = 1;
  const ordinary = (h: HourStats) =>
    h.steps === perHour &&
    h.last !== undefined &&
    h.minStep !== undefined &&
    h.maxStep !== undefined &&
    h.minStep >= 0 &&
    h.maxStep <= stepLimitWh;

  const readHours = async (device: string, hours: readonly number[]) => {
    const done = read.get(device) ?? new Map<number, CounterReading[]>();
    read.set(device, done);
    const todo = [...new Set(hours)].filter((h) => !done.has(h)).sort((a, b) => a - b);
    // Consecutive hours in one query.
    for (let i = 0; i < todo.length; ) {
      let j = i;
      while (j + 1 < todo.length && (todo[j + 1] as number) === (todo[j] as number) + HOUR_MS) j++;
      const [a, b] = [todo[i] as number, (todo[j] as number) + HOUR_MS];
      const got = await readMinutes(store, { ...src, devices: [device] }, a, b, "last", bucketMs, true);
      queries++;
      for (let h = a; h < b; h += HOUR_MS) done.set(h, []);
      for (const r of got.get(device) ?? []) {
        // Timed at the bucket's end: a bucket of hour h ends in (h, h + 1 h].
        const hour = Math.ceil(r.time / HOUR_MS) * HOUR_MS - HOUR_MS;
        done.get(hour)?.push(r);
      }
      i = j + 1;
    }
  };

  for (const [device, hours] of stats) {
    const want = new Set<number>();
    for (const h of hours) {
      if (ordinary(h)) continue;
      for (const t of [h.time - HOUR_MS, h.time, h.time + HOUR_MS]) if (t >= from && t < to) want.add(t);
    }
    // Only hours with readings can be read into anything.
    const present = new Set(hours.map((h) => h.time));
    await readHours(
      device,
      [...want].filter((t) => present.has(t)),
    );
  }

  return {
    stats,
    get queries() {
      return queries;
    },
    readHours,
    series() {
      const out: DeviceSeries = new Map();
      for (const [device, hours] of stats) {
        const done = read.get(device);
        const readings: CounterReading[] = [];
        for (const h of hours) {
          const buckets = done?.get(h.time);
          if (buckets) readings.push(...buckets);
          else readings.push({ time: h.time + HOUR_MS, value: h.last as number, cleanSince: h.time });
        }
        if (readings.length > 0) out.set(device, readings);
      }
      return out;
    },
  };
}

/**
 * A counter's readings over [from, to) with context and edges (read-series.ts readCounterWindow), read
 * through a counter window: summaries for ordinary hours, buckets wherever the counter rules under
 * `options` need them (runs the rules until they need nothing more). For the hot-water counters, which
 * hot-water/counter.ts turns into energy from these readings.
 */
export async function readSummarisedCounter(
  store: Store,
  hourStats: HourStatsReader,
  src: SeriesSource,
  from: number,
  to: number,
  o: CounterWindowOptions & { bucketMs: number },
  options: CounterOptions,
): Promise<DeviceSeries> {
  const window = await openCounterWindow(
    store,
    hourStats,
    src,
    from - o.contextMs,
    to + o.contextMs,
    o.bucketMs,
    plausibleWh(o.bucketMs, options),
  );
  const edges = await findEdges(store, src, window.series(), from, to, o);
  for (;;) {
    const series = joinEdges(src, window.series(), edges);
    let again = false;
    for (const [device, readings] of series) {
      const need = counterIncrements(readings, options).needReadings;
      if (need.length === 0) continue;
      again = true;
      await window.readHours(
        device,
        need.map((t) => t - HOUR_MS),
      );
    }
    if (!again) return series;
  }
}
