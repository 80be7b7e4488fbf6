/**
 * Hour statistics kept in the store: each hour's statistics (hour-stats.ts), once read, are written back
 * as one point of the measurement `jisr_hour_stats`, and later reads take them from there instead of
 * adding the raw readings up again. A kept hour is used only while the readings it was made from are
 * still what the store holds, told by the readings per hour: the one aggregate a reader asks the database
 * for (the cheapest there is, issue 12), whose answer changes as soon as a gateway replays an outage
 * into that hour (the same test as the scheduler's fingerprints, jobs/fingerprint.ts). The other hours are
 * read from the raw readings as before, in as few ranges as cover them, and kept in turn.
 *
 * So the analytics scheduler, which reads today's hours every few minutes, keeps the month's hours as
 * they come, and the month's results at its end (or a month run again for a report) read a month of
 * kept hours and the readings per hour: on InfluxDB 1.6 about a fifth of the database's work for the hour
 * statistics of the raw month.
 *
 * What is kept is each hour on its own (its first and last bucket, the steps between its own buckets):
 * the step into an hour from the hour before depends on the range read, and is worked out again
 * (`withRangeSteps`). Keys: the measurement, field and bucket read, the tag keys the query names, and
 * their values. Not told apart: a reading replaced by another value under the same series and time
 * (InfluxDB's overwrite), which no gateway does; deleting the kept measurement makes every hour read again.
 */
import type { InfluxClient } from "../influx/client.js";
import {
  buildAggregateQuery,
  msLiteral,
  quoteIdentifier,
  quoteTag,
  whereClause,
} from "../influx/influxql.js";
import type { Cell, InfluxSeries } from "../influx/response.js";
import type { Point } from "../point.js";
import { HOUR_MS } from "../time/local-time.js";
import {
  checkHourStatsQuery,
  type HourStats,
  type HourStatsQuery,
  type HourStatsReader,
  type HourStatsResult,
  withRangeSteps,
} from "./hour-stats.js";
import { hourStatsOf } from "./hour-stats-of.js";
import { InfluxStore } from "./influx-store.js";
import { type Store, StoreRejectedError } from "./types.js";
import { compareGroups, groupKey, groupTags } from "./validate.js";

/** The measurement the kept hours are written to. */
export const KEPT_HOUR_STATS = "jisr_hour_stats";

/** Tags naming what a kept hour summarises (beside the query's own tags). */
const OF_TAGS = ["of_measurement", "of_field", "of_bucket", "of_keys", "of_version"] as const;

/** The fields of a kept hour, by bucket function, and the HourStats property each holds. */
const FIELDS = {
  last: [
    ["readings", "readings"],
    ["buckets", "buckets"],
    ["first", "first"],
    ["last", "last"],
    ["inner_steps", "innerSteps"],
    ["inner_min_step", "innerMinStep"],
    ["inner_max_step", "innerMaxStep"],
  ],
  mean: [
    ["readings", "readings"],
    ["buckets", "buckets"],
    ["min", "min"],
    ["max", "max"],
  ],
} as const satisfies Record<HourStatsQuery["bucketFn"], ReadonlyArray<readonly [string, keyof HourStats]>>;

/** Hours between two stale hours up to which they are read again in one range (the hours between too). */
const JOIN_GAP_HOURS = 6;

/** Rows per InfluxQL statement (InfluxDB 1.x answers 10 000 at most). */
const ROWS_PER_STATEMENT = 9_000;

/** Points per write of kept hours. */
const WRITE_BATCH = 5_000;

/**
 * What is written into a kept hour's `of_version` tag: raised when what an hour's statistics hold or how
 * they are worked out changes, so that hours kept before are read again rather than trusted.
 */
export const KEPT_HOUR_STATS_VERSION = "1";

export interface KeepingOptions {
  /**
   * Called when the kept hours could not be written (the store down, a field of `jisr_hour_stats` written
   * with another type by someone else, SQLite busy): the answer is still given, from the readings, and
   * those hours are read again next time. Without it the error is thrown.
   */
  onKeepFailed?: (err: unknown, query: HourStatsQuery) => void;
}

/** The store's hour statistics, kept (see above); undefined for a store without hour statistics. */
export function keptHourStatsOf(store: Store, options: KeepingOptions = {}): HourStatsReader | undefined {
  const base = hourStatsOf(store);
  return base && keepingHourStats(store, base, options);
}

/** `base` (a store's hour statistics) with its hours kept in `store` and read from there while current. */
export function keepingHourStats(
  store: Store,
  base: HourStatsReader,
  options: KeepingOptions = {},
): HourStatsReader {
  return async (query) => {
    const q = checkHourStatsQuery(query);
    const groupBy = q.groupBy ?? [];
    const where = keptWhere(q);
    const { counts, kept } =
      store instanceof InfluxStore ? await probeInflux(store.client, q, where) : await probe(store, q, where);

    // Hours whose kept statistics are missing or were made from other readings: read again.
    const stale: number[] = [];
    for (const [key, group] of counts)
      for (const [time, readings] of group.hours)
        if (kept.get(key)?.get(time)?.readings !== readings) stale.push(time);
    const fresh = new Map<string, { tags: Record<string, string>; hours: Map<number, HourStats> }>();
    const written: Point[] = [];
    for (const [from, to] of rangesOf(stale)) {
      for (const r of await base({ ...q, from, to })) {
        const key = groupKey(r.tags, groupBy);
        const into = fresh.get(key) ?? { tags: r.tags, hours: new Map<number, HourStats>() };
        fresh.set(key, into);
        for (const h of r.hours) {
          into.hours.set(h.time, h);
          written.push(keptPoint(q, where, r.tags, h));
        }
      }
    }
    try {
      for (let i = 0; i < written.length; i += WRITE_BATCH)
        await store.write(written.slice(i, i + WRITE_BATCH));
    } catch (err) {
      if (!options.onKeepFailed) throw err;
      options.onKeepFailed(err, q);
    }

    const results: HourStatsResult[] = [];
    for (const key of new Set([...counts.keys(), ...fresh.keys()])) {
      const counted = counts.get(key);
      const got = fresh.get(key);
      const times = new Set([...(counted?.hours.keys() ?? []), ...(got?.hours.keys() ?? [])]);
      const hours: HourStats[] = [];
      for (const time of [...times].sort((a, b) => a - b)) {
        const h = got?.hours.get(time) ?? kept.get(key)?.get(time);
        if (h) hours.push(h);
      }
      if (hours.length === 0) continue;
      const tags = got?.tags ?? counted?.tags ?? {};
      results.push({ tags, hours: q.bucketFn === "last" ? withRangeSteps(hours) : hours });
    }
    return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
  };
}

interface Probe {
  /** Per group: its tags, and readings per hour as the store holds them now. */
  counts: Map<string, { tags: Record<string, string>; hours: Map<number, number> }>;
  /** Per group: the kept hours, by hour start. */
  kept: Map<string, Map<number, HourStats>>;
}

/** The tags a kept hour of `q` carries besides its group's: what was read, and the query's filters. */
function keptWhere(q: HourStatsQuery): Record<string, string> {
  const keys = [...new Set([...Object.keys(q.where ?? {}), ...(q.groupBy ?? [])])].sort();
  for (const k of keys)
    if ((OF_TAGS as readonly string[]).includes(k))
      throw new StoreRejectedError(`hour statistics: the tag "${k}" is reserved for the kept hours`);
  return {
    ...q.where,
    of_measurement: q.measurement,
    of_field: q.field,
    of_bucket: `${q.bucketFn}-${q.bucketMs}`,
    // The tag keys the query names: a group without a device (groupBy device) is not the whole institution.
    of_keys: keys.join(",") || "-",
    of_version: KEPT_HOUR_STATS_VERSION,
  };
}

function keptPoint(
  q: HourStatsQuery,
  where: Record<string, string>,
  group: Record<string, string>,
  h: HourStats,
): Point {
  const tags = { ...where };
  for (const [k, v] of Object.entries(group)) if (v !== "") tags[k] = v;
  const fields: Record<string, number> = {};
  for (const [field, prop] of FIELDS[q.bucketFn]) {
    const v = h[prop];
    if (typeof v === "number") fields[field] = v;
  }
  return { measurement: KEPT_HOUR_STATS, tags, fields, time: h.time };
}

/** A kept hour from its fields (`cell(field)`), or undefined when it lacks one that must be there. */
function keptHour(
  fn: HourStatsQuery["bucketFn"],
  time: number,
  cell: (field: string) => number | undefined,
): HourStats | undefined {
  const readings = cell("readings");
  const buckets = cell("buckets");
  if (readings === undefined || buckets === undefined) return undefined;
  if (fn === "mean") {
    const [min, max] = [cell("min"), cell("max")];
    return min === undefined || max === undefined ? undefined : { time, readings, buckets, min, max };
  }
  const [first, last, innerSteps] = [cell("first"), cell("last"), cell("inner_steps")];
  if (first === undefined || last === undefined || innerSteps === undefined) return undefined;
  // One shape for every kept hour (the steps are set by withRangeSteps). Without inner steps the least
  // and greatest are not read: a point written again only replaces the fields it has (both stores), so
  // those of an earlier keeping of the hour may still be there.
  return {
    time,
    readings,
    buckets,
    first,
    last,
    innerSteps,
    innerMinStep: innerSteps > 0 ? cell("inner_min_step") : undefined,
    innerMaxStep: innerSteps > 0 ? cell("inner_max_step") : undefined,
    steps: 0,
    minStep: undefined,
    maxStep: undefined,
  };
}

/** Consecutive ranges of whole hours covering `hours`, joined across gaps of up to JOIN_GAP_HOURS. */
function rangesOf(hours: readonly number[]): Array<[number, number]> {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const h of sorted) {
    const last = out[out.length - 1];
    if (last && h - last[1] <= JOIN_GAP_HOURS * HOUR_MS) last[1] = h + HOUR_MS;
    else out.push([h, h + HOUR_MS]);
  }
  return out;
}

/** Any store: the readings per hour by `aggregate`, and each kept field as its hour's last value. */
async function probe(store: Store, q: HourStatsQuery, where: Record<string, string>): Promise<Probe> {
  const groupBy = q.groupBy ?? [];
  const counts: Probe["counts"] = new Map();
  const range = { from: q.from, to: q.to, everyMs: HOUR_MS, groupBy };
  for (const s of await store.aggregate({
    ...range,
    measurement: q.measurement,
    field: q.field,
    fn: "count",
    ...(q.where ? { where: q.where } : {}),
  }))
    counts.set(groupKey(s.tags, groupBy), {
      tags: s.tags,
      hours: new Map(s.points.map((p) => [p.time, p.value])),
    });
  const cells = new Map<string, Map<number, Map<string, number>>>();
  const keptField = async (field: string) => {
    try {
      return await store.aggregate({ ...range, measurement: KEPT_HOUR_STATS, field, fn: "last", where });
    } catch (err) {
      // The field written with another type by someone else: nothing kept can be read (nor written).
      if (err instanceof StoreRejectedError) return [];
      throw err;
    }
  };
  if (counts.size > 0)
    for (const [field] of FIELDS[q.bucketFn])
      for (const s of await keptField(field)) {
        const key = groupKey(s.tags, groupBy);
        const byTime = cells.get(key) ?? new Map<number, Map<string, number>>();
        cells.set(key, byTime);
        for (const p of s.points) {
          const row = byTime.get(p.time) ?? new Map<string, number>();
          byTime.set(p.time, row);
          row.set(field, p.value);
        }
      }
  const kept: Probe["kept"] = new Map();
  for (const [key, byTime] of cells) {
    const hours = new Map<number, HourStats>();
    for (const [time, row] of byTime) {
      const h = keptHour(q.bucketFn, time, (f) => row.get(f));
      if (h) hours.set(time, h);
    }
    kept.set(key, hours);
  }
  return { counts, kept };
}

/**
 * InfluxDB: the readings per hour and the kept hours in one request (the kept hours' fields read raw in
 * one statement, a few hundred rows per series and month, instead of one aggregate per field).
 */
async function probeInflux(
  client: InfluxClient,
  q: HourStatsQuery,
  where: Record<string, string>,
): Promise<Probe> {
  const groupBy = q.groupBy ?? [];
  const tags = groupBy.map(quoteTag);
  const groupByTags = tags.length > 0 ? ` GROUP BY ${tags.join(", ")}` : "";
  const fields = FIELDS[q.bucketFn].map(([f]) => f);
  const hoursPerStatement = Math.max(1, Math.floor(ROWS_PER_STATEMENT / Math.max(1, q.series ?? 1)));
  const counting: string[] = [];
  const keeping: string[] = [];
  for (let start = q.from; start < q.to; start += hoursPerStatement * HOUR_MS) {
    const end = Math.min(q.to, start + hoursPerStatement * HOUR_MS);
    counting.push(
      buildAggregateQuery({
        measurement: q.measurement,
        field: q.field,
        fn: "count",
        from: start,
        to: end,
        everyMs: HOUR_MS,
        groupBy,
        ...(q.where ? { where: q.where } : {}),
      }),
    );
    const span = whereClause([`time >= ${msLiteral(start)}`, `time < ${msLiteral(end)}`], where);
    keeping.push(
      `SELECT ${fields.map(quoteIdentifier).join(", ")} FROM ${quoteIdentifier(KEPT_HOUR_STATS)} ${span}${groupByTags}`,
    );
  }
  const answers = await client.query([...counting, ...keeping].join("; "));
  if (answers.some((a) => a.partial))
    throw new StoreRejectedError(
      `InfluxDB cut the hour statistics of "${q.measurement}" short (max-row-limit): narrow the time range`,
    );
  const keyOf = (s: InfluxSeries) => groupKey(groupTags(s.tags, groupBy), groupBy);
  const num = (cell: Cell | undefined): number | undefined => (typeof cell === "number" ? cell : undefined);
  const counts: Probe["counts"] = new Map();
  const kept: Probe["kept"] = new Map();
  for (const [i, answer] of answers.entries())
    for (const s of answer.series) {
      const key = keyOf(s);
      if (i < counting.length) {
        const group = counts.get(key) ?? { tags: groupTags(s.tags, groupBy), hours: new Map() };
        counts.set(key, group);
        for (const row of s.values) {
          const [time, readings] = [num(row[0]), num(row[1])];
          if (time !== undefined && readings !== undefined) group.hours.set(time, readings);
        }
        continue;
      }
      const hours = kept.get(key) ?? new Map<number, HourStats>();
      kept.set(key, hours);
      const column = new Map(s.columns.map((c, k) => [c, k]));
      for (const row of s.values) {
        const time = num(row[0]);
        if (time === undefined) continue;
        const h = keptHour(q.bucketFn, time, (f) => num(row[column.get(f) ?? -1]));
        if (h) hours.set(time, h);
      }
    }
  return { counts, kept };
}
