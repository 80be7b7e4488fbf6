/**
 * Hourly statistics of one field, computed inside the database: what a reader needs to tell, hour by
 * hour, whether the readings are ordinary (and a summary stands for them) or must be read one by one.
 * The analytics job reads a month of one-minute data this way in a few hundred rows per series instead of
 * tens of thousands, and reads readings only for the hours whose statistics show something to look at.
 *
 * Both stores answer it (SqliteStore.hourStats; influxHourStats for an InfluxStore's client): `hourStatsOf`
 * finds it, and a reader keeps its plain `Store` path for any other store.
 */
import { z } from "zod";
import { problemsOf, ValidationError } from "../errors.js";
import { measurementName, tagKey, tagValue, timeMsSchema } from "../point.js";
import { HOUR_MS } from "../time/local-time.js";
import type { Store } from "./types.js";

export interface HourStatsQuery {
  measurement: string;
  field: string;
  /** Epoch ms, inclusive; a whole hour (hours are epoch-aligned, as GROUP BY time(1h)). */
  from: number;
  /** Epoch ms, exclusive; a whole hour. */
  to: number;
  where?: Record<string, string>;
  groupBy?: string[];
  /** Width of the buckets inside an hour (it divides an hour), e.g. 5 min for counters, 1 min for temperatures. */
  bucketMs: number;
  /** A bucket's value: its last reading (counters) or the mean of its readings (temperatures). */
  bucketFn: "last" | "mean";
  /** How many series the answer will hold (default 1): sizes InfluxDB's statements under its row limit. */
  series?: number;
}

/**
 * One hour of one series. With `bucketFn: "last"` (counters) the hour has `last` and the steps; with
 * `"mean"` (temperatures) it has `min` and `max`: what each reader needs, each in one range read.
 */
export interface HourStats {
  /** Start of the hour, epoch ms. */
  time: number;
  /** Raw readings in the hour. */
  readings: number;
  /** Non-empty buckets in the hour. */
  buckets: number;
  /** "mean": the least and greatest raw reading of the hour. */
  min?: number;
  max?: number;
  /** "last": the value of the hour's last bucket (its last reading). */
  last?: number;
  /**
   * "last": the buckets of the hour that have an earlier non-empty bucket in the range (all but the
   * range's first), and the least and greatest difference between such a bucket's value and that earlier
   * bucket's (absent when `steps` is 0).
   */
  steps?: number;
  minStep?: number;
  maxStep?: number;
  /**
   * "last": the hour on its own, whatever range it is read in: the value of its first bucket, and the
   * steps between its own buckets (the step into its first bucket from an earlier hour left out) with
   * their least and greatest (absent when `innerSteps` is 0). What an hour is kept as (kept-hour-stats.ts):
   * `withRangeSteps` gives `steps`, `minStep` and `maxStep` back from them over any range.
   */
  first?: number;
  innerSteps?: number;
  innerMinStep?: number;
  innerMaxStep?: number;
}

export interface HourStatsResult {
  /** Values of the groupBy tags ({} without groupBy). */
  tags: Record<string, string>;
  /** Hours with at least one reading, oldest first. */
  hours: HourStats[];
}

export interface HourStatsStore extends Store {
  hourStats(q: HourStatsQuery): Promise<HourStatsResult[]>;
}

export type HourStatsReader = (q: HourStatsQuery) => Promise<HourStatsResult[]>;

const wholeHour = timeMsSchema.refine((ms) => ms % HOUR_MS === 0, "must be a whole hour (epoch-aligned)");

const hourStatsQuerySchema = z
  .strictObject({
    measurement: measurementName,
    field: tagKey,
    from: wholeHour,
    to: wholeHour,
    where: z.record(tagKey, tagValue).optional(),
    groupBy: z.array(tagKey).optional(),
    bucketMs: z
      .number()
      .int()
      .positive()
      .refine((ms) => HOUR_MS % ms === 0, "must divide an hour"),
    bucketFn: z.enum(["last", "mean"]),
    series: z.number().int().positive().optional(),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["to"] });

export function checkHourStatsQuery(q: HourStatsQuery): HourStatsQuery {
  const r = hourStatsQuerySchema.safeParse(q);
  if (!r.success) throw new ValidationError("hour statistics query", problemsOf(r.error));
  return r.data;
}

/**
 * Hours of "last" statistics from bucket rows in bucket order per group ([group, bucket start, last value,
 * readings or undefined]): how both stores add the buckets up (a difference() subquery costs InfluxDB 1.6
 * five times the bucket read itself; a window function costs SQLite more than its range read).
 */
export function hoursFromBuckets(
  rows: Iterable<readonly [group: number, bucket: number, value: number, readings: number | undefined]>,
  into: (group: number, hour: HourStats) => void,
): void {
  let hour: HourStats | undefined;
  let prev: [number, number] | undefined; // group and value of the previous bucket
  for (const [grp, bucket, v, n] of rows) {
    const time = bucket - (bucket % HOUR_MS);
    let opens = false;
    if (!hour || hour.time !== time || prev?.[0] !== grp) {
      hour = { time, readings: 0, buckets: 0, last: v, steps: 0, first: v, innerSteps: 0 };
      into(grp, hour);
      opens = true;
    }
    hour.readings += n ?? 0;
    hour.buckets++;
    hour.last = v;
    if (prev?.[0] === grp) {
      const d = v - prev[1];
      hour.steps = (hour.steps ?? 0) + 1;
      hour.minStep = hour.minStep === undefined ? d : Math.min(hour.minStep, d);
      hour.maxStep = hour.maxStep === undefined ? d : Math.max(hour.maxStep, d);
      if (!opens) {
        hour.innerSteps = (hour.innerSteps ?? 0) + 1;
        hour.innerMinStep = hour.innerMinStep === undefined ? d : Math.min(hour.innerMinStep, d);
        hour.innerMaxStep = hour.innerMaxStep === undefined ? d : Math.max(hour.innerMaxStep, d);
      }
    }
    prev = [grp, v];
  }
}

/**
 * "last" hours of one group over a range, oldest first, given `steps`, `minStep` and `maxStep` again from
 * each hour on its own (`first`, `last`, the inner steps) and the hour before it in the list: what
 * hoursFromBuckets gives over the range the list covers, from hours read or kept at other times. The hours
 * are changed in place (a month of them per series and read: a copy each cost the job more than the rest
 * of the kept hours' reading).
 */
export function withRangeSteps(hours: HourStats[]): HourStats[] {
  let prevLast: number | undefined;
  for (const h of hours) {
    let steps = h.innerSteps ?? 0;
    let minStep = h.innerMinStep;
    let maxStep = h.innerMaxStep;
    if (prevLast !== undefined && h.first !== undefined) {
      const d = h.first - prevLast;
      steps++;
      minStep = minStep === undefined ? d : Math.min(minStep, d);
      maxStep = maxStep === undefined ? d : Math.max(maxStep, d);
    }
    h.steps = steps;
    h.minStep = minStep;
    h.maxStep = maxStep;
    prevLast = h.last;
  }
  return hours;
}
