/**
 * The readings the rules see, read through the `Store` interface only (InfluxDB or SQLite alike):
 *
 * - numeric fields as time buckets (`aggregate`): fine buckets (1 min) over the recent hours, where the
 *   fast rules look, coarse ones (15 min) over the rest of the lookback, where the daily rules integrate;
 *   each bucket becomes a reading stamped at its middle, except that none may come after the series'
 *   newest point (rules take the last reading as the current state: it must be the whole one);
 * - the newest point of every series, whole (`latest`): the only way text and boolean fields (inverter
 *   state, events, pump relay) reach the rules, and the exact time of the last reading for the silence
 *   rules.
 *
 * All institutions are read in one query per field (grouped by institution), then split.
 */
import type { Point } from "@jisr/core";
import { type Store, StoreRejectedError } from "@jisr/core/store";
import type { Logger } from "pino";
import { BucketCache } from "./bucket-cache.js";
import { type MeasurementPlan, READING_PLAN } from "./plan.js";

export interface ReadingsOptions {
  /** How far back fine buckets reach. */
  fineSpanMs: number;
  /** How far back measurements not marked `long` in the plan are read. */
  shortSpanMs: number;
  fineBucketMs: number;
  coarseBucketMs: number;
  /** How late a reading may arrive and still be seen (re-read at every evaluation). */
  lateMs: number;
  plan?: MeasurementPlan[];
  logger: Logger;
}

export class StoreReadings {
  readonly #store: Store;
  readonly #o: ReadingsOptions;
  readonly #plan: MeasurementPlan[];
  readonly #caches = new Map<string, BucketCache>();
  /** Fields the store refused to aggregate (a text field of that name): skipped, warned about once. */
  readonly #refused = new Set<string>();

  constructor(store: Store, options: ReadingsOptions) {
    this.#store = store;
    this.#o = options;
    this.#plan = options.plan ?? READING_PLAN;
  }

  #cache(m: MeasurementPlan, field: string, everyMs: number): BucketCache {
    const id = `${m.measurement}|${field}|${m.tags.join(",")}|${everyMs}`;
    let cache = this.#caches.get(id);
    if (!cache) {
      const fn = m.fields[field] ?? "mean";
      const groupBy = ["institution", "device", ...m.tags];
      cache = new BucketCache({ measurement: m.measurement, field, fn, everyMs, groupBy });
      this.#caches.set(id, cache);
    }
    return cache;
  }

  /** Every institution's readings in [from, now], by institution. */
  async load(from: number, now: number): Promise<Map<string, Point[]>> {
    const { coarseBucketMs, fineSpanMs, fineBucketMs, lateMs } = this.#o;
    const fineStart = Math.max(from, Math.floor((now - fineSpanMs) / coarseBucketMs) * coarseBucketMs);
    const shortFrom = Math.max(
      from,
      Math.floor((now - this.#o.shortSpanMs) / coarseBucketMs) * coarseBucketMs,
    );
    const points = new Map<string, Point>();
    for (const m of this.#plan) {
      const mFrom = m.long ? from : Math.min(shortFrom, fineStart);
      for (const field of Object.keys(m.fields)) {
        if (this.#refused.has(`${m.measurement}.${field}`)) continue;
        const tiers: Array<[BucketCache, number, number]> = [
          [this.#cache(m, field, fineBucketMs), fineStart, now + 1],
        ];
        if (mFrom < fineStart) tiers.push([this.#cache(m, field, coarseBucketMs), mFrom, fineStart]);
        for (const [cache, a, b] of tiers) {
          if (!(await this.#refresh(cache, a, b, lateMs))) continue;
          for (const bucket of cache.buckets(a, b)) {
            const time = Math.min(bucket.time + cache.key.everyMs / 2, now);
            pointAt(points, m.measurement, bucket.tags, time).fields[field] = bucket.value;
          }
        }
      }
    }
    const latest = await this.#latest(from, now);
    const newest = new Map(latest.map((p) => [seriesId(p.measurement, p.tags), p.time]));
    const buckets = [...points.values()].filter(
      (p) => p.time <= (newest.get(seriesId(p.measurement, p.tags)) ?? Number.POSITIVE_INFINITY),
    );
    // Latest points after the buckets: at an equal time, the stable sort keeps the whole point last.
    return byInstitution([...buckets, ...latest]);
  }

  async #refresh(cache: BucketCache, from: number, to: number, lateMs: number): Promise<boolean> {
    try {
      await cache.refresh(this.#store, from, to, lateMs);
      return true;
    } catch (err) {
      if (!(err instanceof StoreRejectedError)) throw err;
      const { measurement, field } = cache.key;
      this.#refused.add(`${measurement}.${field}`);
      this.#o.logger.warn({ measurement, field, reason: err.message }, "Field cannot be aggregated; skipped");
      return false;
    }
  }

  async #latest(from: number, now: number): Promise<Point[]> {
    // One query per measurement, even when the plan reads it in parts.
    const measurements = [...new Map(this.#plan.map((m) => [m.measurement, m])).values()];
    const rows = await Promise.all(
      measurements.map(async (m) => {
        const groupBy = ["institution", "device", ...m.tags];
        const found = await this.#store.latest({
          measurement: m.measurement,
          groupBy,
          lookbackMs: now - from,
          now,
        });
        return found.map((r) => ({
          measurement: m.measurement,
          tags: clean(r.tags),
          fields: r.fields,
          time: r.time,
        }));
      }),
    );
    return rows.flat();
  }
}

function seriesId(measurement: string, tags: Record<string, string>): string {
  return `${measurement}|${JSON.stringify(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** groupBy reports a missing tag as ""; a reading has no such tag. */
function clean(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([, v]) => v !== ""));
}

function pointAt(
  points: Map<string, Point>,
  measurement: string,
  tags: Record<string, string>,
  time: number,
): Point {
  const key = `${measurement}|${JSON.stringify(tags)}|${time}`;
  let p = points.get(key);
  if (!p) {
    p = { measurement, tags: clean(tags), fields: {}, time };
    points.set(key, p);
  }
  return p;
}

function byInstitution(points: Point[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const p of points) {
    const id = p.tags.institution;
    if (id === undefined) continue;
    const list = out.get(id) ?? [];
    list.push(p);
    out.set(id, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  return out;
}
