/**
 * Raw series read through the Store, so the job runs the same on InfluxDB and on SQLite. Readings come as
 * buckets: 1 minute (`mean`) for temperatures, whose minutes are counted, and 5 minutes (`last`) for
 * lifetime counters; a gateway polling every 10 s still gives one value a bucket, and the bucket start is
 * the reading's time to the bucket.
 *
 * A counter's energy between two readings is spread over the time between them (energy/counter.ts), so a
 * window also needs the reading just before it and the one just after it, however far away they are (up
 * to `horizonMs`): they are found with one coarse query (1-day buckets) and one fine query (1-minute
 * buckets) in the day that holds them.
 */
import { DAY_MS, MINUTE_MS } from "@jisr/core";
import type { AggregateFn, AggregateQuery, SeriesResult, Store } from "@jisr/core/store";
import type { CounterReading } from "../energy/counter.js";

export interface SeriesSource {
  institution: string;
  measurement: string;
  field: string;
  /** The devices to read; others of the institution are ignored. */
  devices: readonly string[];
}

export type DeviceSeries = Map<string, CounterReading[]>;

/**
 * One value per bucket (default 1 minute) per device over [from, to), oldest first; devices without data
 * are absent. Values are timed at the bucket's start, or with `atEnd` at its end: the `last` value of a
 * counter was read near the end of its bucket, and timing it at the start would move energy up to one
 * bucket earlier (across midnight, into the wrong day).
 */
export async function readMinutes(
  store: Store,
  src: SeriesSource,
  from: number,
  to: number,
  fn: AggregateFn = "last",
  everyMs = MINUTE_MS,
  atEnd = false,
): Promise<DeviceSeries> {
  const out: DeviceSeries = new Map();
  if (src.devices.length === 0 || to <= from) return out;
  const where: Record<string, string> = { institution: src.institution };
  if (src.devices.length === 1) where.device = src.devices[0] as string;
  const query = { measurement: src.measurement, field: src.field, fn, from, to, everyMs, where };
  const series = await aggregateInChunks(store, { ...query, groupBy: ["device"] }, src.devices.length);
  for (const s of series) {
    const device = s.tags.device;
    if (device && src.devices.includes(device)) {
      const shift = atEnd ? everyMs : 0;
      out.set(
        device,
        s.points.map((p) => ({ time: p.time + shift, value: p.value })),
      );
    }
  }
  return out;
}

/**
 * InfluxDB 1.x answers at most `max-row-limit` rows (10 000 by default on 1.6) and marks the rest as cut:
 * long ranges are read in chunks of at most this many rows over all series.
 */
export const MAX_ROWS_PER_QUERY = 9_000;

/** Chunks of one long read in flight at once (InfluxDB answers them in parallel; SQLite one by one anyway). */
const CHUNKS_IN_FLIGHT = 3;

/**
 * `store.aggregate` over a long range, in consecutive chunks of whole buckets so that no answer holds more
 * than MAX_ROWS_PER_QUERY rows for `seriesCount` series; the chunks' points are joined per series, in time
 * order. A range that needs several chunks is first counted (one row per series): a field nobody writes
 * (a mixed outlet a site does not have) then costs one query instead of one per chunk, and sparse data
 * that fits in one answer is read in one.
 */
export async function aggregateInChunks(
  store: Store,
  q: AggregateQuery,
  seriesCount: number,
): Promise<SeriesResult[]> {
  const buckets = Math.max(1, Math.floor(MAX_ROWS_PER_QUERY / Math.max(1, seriesCount)));
  // Chunk edges on bucket boundaries (epoch-aligned), so no bucket is split between two chunks.
  const edges: Array<[number, number]> = [];
  for (let start = q.from; start < q.to; ) {
    const end = Math.min(q.to, (Math.floor(start / q.everyMs) + buckets) * q.everyMs);
    edges.push([start, end]);
    start = end;
  }
  if (edges.length > 1) {
    // Buckets at least as wide as the range: at most two per series (they are epoch-aligned).
    const everyMs = Math.max(64 * DAY_MS, q.to - q.from);
    const counts = await store.aggregate({ ...q, fn: "count", everyMs });
    const readings = counts.reduce((n, s) => n + s.points.reduce((m, p) => m + p.value, 0), 0);
    if (readings === 0) return [];
    // No more readings than one answer holds: no more buckets either.
    if (readings <= MAX_ROWS_PER_QUERY) return store.aggregate(q);
  }
  const parts = new Array<SeriesResult[]>(edges.length);
  let next = 0;
  const worker = async () => {
    while (next < edges.length) {
      const i = next++;
      const [from, to] = edges[i] as [number, number];
      parts[i] = await store.aggregate({ ...q, from, to });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, edges.length) }, worker));
  if (parts.length === 1) return parts[0] as SeriesResult[];
  const joined = new Map<string, SeriesResult>();
  for (const part of parts) {
    for (const s of part) {
      const key = JSON.stringify(s.tags);
      const into = joined.get(key);
      if (into) into.points.push(...s.points);
      else joined.set(key, { tags: s.tags, points: [...s.points] });
    }
  }
  return [...joined.values()];
}

export interface CounterWindowOptions {
  /** Read this much before and after the window (cheap context for the edges). */
  contextMs: number;
  /** How far to look for the reading before (and after) the window when the context has none. */
  horizonMs: number;
  /** Bucket width of the readings (the last value of each); default one minute. */
  bucketMs?: number;
}

/**
 * A counter's readings over [from − context, to + context), plus, for a device without a reading in
 * the context before (or after), the nearest one within the horizon.
 */
export async function readCounterWindow(
  store: Store,
  src: SeriesSource,
  from: number,
  to: number,
  o: CounterWindowOptions,
): Promise<DeviceSeries> {
  const bucketMs = o.bucketMs ?? MINUTE_MS;
  const series = await readMinutes(store, src, from - o.contextMs, to + o.contextMs, "last", bucketMs, true);
  return withEdges(store, src, series, from, to, o);
}

/**
 * `series` (a counter's readings over [from − context, to + context)) with, for a device without a
 * reading in the context before (or after) the window, the nearest one within the horizon added.
 * Changes and returns `series`.
 */
export async function withEdges(
  store: Store,
  src: SeriesSource,
  series: DeviceSeries,
  from: number,
  to: number,
  o: CounterWindowOptions,
): Promise<DeviceSeries> {
  return joinEdges(src, series, await findEdges(store, src, series, from, to, o));
}

export interface Edges {
  before: Map<string, CounterReading>;
  after: Map<string, CounterReading>;
}

/** The nearest readings within the horizon for the devices `series` has none for in the context before (after). */
export async function findEdges(
  store: Store,
  src: SeriesSource,
  series: DeviceSeries,
  from: number,
  to: number,
  o: CounterWindowOptions,
): Promise<Edges> {
  const bucketMs = o.bucketMs ?? MINUTE_MS;
  const missingBefore = src.devices.filter((d) => (series.get(d)?.[0]?.time ?? from) >= from);
  const missingAfter = src.devices.filter((d) => (series.get(d)?.at(-1)?.time ?? to - 1) < to);
  const edge = (devices: string[], a: number, b: number, fn: "first" | "last") =>
    nearest(store, src, devices, a, b, fn, bucketMs);
  const before = await edge(missingBefore, from - o.contextMs - o.horizonMs, from - o.contextMs, "last");
  const after = await edge(missingAfter, to + o.contextMs, to + o.contextMs + o.horizonMs, "first");
  return { before, after };
}

/** Adds the edge readings to `series` (changed and returned). */
export function joinEdges(src: SeriesSource, series: DeviceSeries, { before, after }: Edges): DeviceSeries {
  for (const device of src.devices) {
    const readings = [
      ...(before.has(device) ? [before.get(device) as CounterReading] : []),
      ...(series.get(device) ?? []),
      ...(after.has(device) ? [after.get(device) as CounterReading] : []),
    ];
    if (readings.length > 0) series.set(device, readings);
  }
  return series;
}

/** Per device, the last (or first) minute reading in [from, to), found coarse then fine. */
async function nearest(
  store: Store,
  src: SeriesSource,
  devices: readonly string[],
  from: number,
  to: number,
  fn: "first" | "last",
  bucketMs: number,
): Promise<Map<string, CounterReading>> {
  const found = new Map<string, CounterReading>();
  if (devices.length === 0 || to <= from) return found;
  const days = await store.aggregate({
    measurement: src.measurement,
    field: src.field,
    fn: "count",
    from,
    to,
    everyMs: DAY_MS,
    where: { institution: src.institution },
    groupBy: ["device"],
  });
  for (const device of devices) {
    const buckets = days.find((s) => s.tags.device === device)?.points ?? [];
    const day = fn === "last" ? buckets.at(-1) : buckets[0];
    if (!day) continue;
    const minutes = await readMinutes(
      store,
      { ...src, devices: [device] },
      Math.max(from, day.time),
      Math.min(to, day.time + DAY_MS),
      "last",
      bucketMs,
      true,
    );
    const readings = minutes.get(device) ?? [];
    const reading = fn === "last" ? readings.at(-1) : readings[0];
    if (reading) found.set(device, reading);
  }
  return found;
}
