/**
 * Hour statistics (hour-stats.ts) on InfluxDB: the InfluxQL statements of buildHourStatsQueries in one
 * request, joined per series and hour. Kept beside InfluxStore (hour-stats-of.ts finds it for one) so the
 * store file stays about writing and plain reads.
 *
 * "mean" statistics are added up here from the raw readings (readings, extremes, and the buckets that
 * hold a reading), read in ranges planned from the readings per hour so that no answer passes InfluxDB's
 * row limit: the same numbers as count/min/max per hour and a `count(mean) GROUP BY time(bucket)`
 * subquery (a reading's bucket is its epoch-aligned start, as GROUP BY time() makes it), for a third of
 * InfluxDB's CPU (issue 12; influx-hour-stats.test.ts runs both on influxd and compares them).
 */
import type { InfluxClient } from "../influx/client.js";
import { buildHourStatsQueries, buildRawReadQuery, HOUR_STATS_ROWS } from "../influx/influxql.js";
import type { Cell, InfluxSeries } from "../influx/response.js";
import { HOUR_MS } from "../time/local-time.js";
import {
  checkHourStatsQuery,
  type HourStats,
  type HourStatsQuery,
  type HourStatsResult,
  hoursFromBuckets,
} from "./hour-stats.js";
import { StoreRejectedError } from "./types.js";
import { compareGroups, groupKey, groupTags } from "./validate.js";

export async function influxHourStats(
  client: InfluxClient,
  query: HourStatsQuery,
): Promise<HourStatsResult[]> {
  const q = checkHourStatsQuery(query);
  const cutShort = () =>
    new StoreRejectedError(
      `InfluxDB cut the hour statistics of "${q.measurement}" short (max-row-limit): narrow the time range`,
    );
  const statements = await client.query(buildHourStatsQueries(q, q.series).join("; "));
  if (statements.some((st) => st.partial)) throw cutShort();
  const groupBy = q.groupBy ?? [];
  const keyOf = (s: InfluxSeries) => groupKey(groupTags(s.tags, groupBy), groupBy);
  const num = (cell: Cell | undefined, column: string): number => {
    if (typeof cell === "number") return cell;
    throw new StoreRejectedError(
      `hour statistics of "${q.field}" on "${q.measurement}": ${column} is ${JSON.stringify(cell)}, not a number ` +
        "(the field must be numeric)",
    );
  };
  const [readings, ...rest] = statements;
  const results: HourStatsResult[] = [];
  if (q.bucketFn === "last") {
    // Buckets of each series over every statement, in time order (the answers' rows as they came, not
    // copied: a month of 5-minute buckets is thousands of rows per series); readings per hour from the first.
    const buckets = new Map<string, Cell[][][]>();
    for (const st of rest)
      for (const s of st.series) {
        const parts = buckets.get(keyOf(s));
        if (parts) parts.push(s.values);
        else buckets.set(keyOf(s), [s.values]);
      }
    for (const s of readings?.series ?? []) {
      const counts = new Map(s.values.map((row) => [num(row[0], "time"), num(row[1], "readings")]));
      const hours: HourStats[] = [];
      hoursFromBuckets(bucketRows(buckets.get(keyOf(s)) ?? [], num), (_g, hour) => hours.push(hour));
      for (const h of hours) h.readings = counts.get(h.time) ?? 0;
      if (hours.length > 0) results.push({ tags: groupTags(s.tags, groupBy), hours });
    }
    return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
  }
  // "mean": the readings per hour (over every group) plan the raw reads; the raw readings give the rest.
  const perHour = new Map<number, number>();
  for (const s of readings?.series ?? [])
    for (const row of s.values) {
      const time = num(row[0], "time");
      perHour.set(time, (perHour.get(time) ?? 0) + num(row[1], "readings"));
    }
  if (perHour.size === 0) return [];
  const ranges = rawRanges(q.from, q.to, perHour, HOUR_STATS_ROWS);
  const raw = await client.query(ranges.map(([a, b]) => buildRawReadQuery(q, a, b)).join("; "));
  if (raw.some((st) => st.partial)) throw cutShort();
  // Each group's rows over the ranges, in range order (each range's rows are oldest first), as they came.
  const rowsOf = new Map<string, { tags: Record<string, string>; parts: Cell[][][] }>();
  for (const st of raw)
    for (const s of st.series) {
      const key = keyOf(s);
      const into = rowsOf.get(key);
      if (into) into.parts.push(s.values);
      else rowsOf.set(key, { tags: groupTags(s.tags, groupBy), parts: [s.values] });
    }
  for (const { tags, parts } of rowsOf.values()) {
    // Plain arrays of numbers: a month is tens of thousands of rows per group, and a pair object each
    // cost this process more than the rest of the hour statistics.
    const n = parts.reduce((sum, rows) => sum + rows.length, 0);
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let i = 0;
    for (const rows of parts)
      for (const row of rows) {
        const t = row[0];
        const v = row[1];
        times[i] = typeof t === "number" ? t : num(t, "time");
        values[i++] = typeof v === "number" ? v : num(v, q.field);
      }
    const hours = meanHours(times, values, q.bucketMs);
    if (hours.length > 0) results.push({ tags, hours });
  }
  return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
}

/** The "last" bucket rows of one series as hoursFromBuckets reads them (one tuple, refilled: read at once). */
function* bucketRows(
  parts: readonly Cell[][][],
  num: (cell: Cell | undefined, column: string) => number,
): Generator<[number, number, number, undefined]> {
  const row: [number, number, number, undefined] = [0, 0, 0, undefined];
  for (const rows of parts)
    for (const r of rows) {
      row[1] = num(r[0], "time");
      row[2] = num(r[1], "last");
      yield row;
    }
}

/**
 * Consecutive ranges covering [from, to), each holding at most `limit` readings by `perHour` (readings per
 * epoch-aligned hour): whole hours, except that an hour holding more than `limit` is cut into equal parts
 * with twice the room each (its readings are not known to be spread evenly; a part still too full comes
 * back cut short and is refused).
 */
export function rawRanges(
  from: number,
  to: number,
  perHour: ReadonlyMap<number, number>,
  limit: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = from;
  let rows = 0;
  for (const hour of [...perHour.keys()].sort((a, b) => a - b)) {
    const n = perHour.get(hour) ?? 0;
    if (hour < from || hour >= to || n === 0) continue;
    if (rows + n > limit && rows > 0) {
      out.push([start, hour]);
      [start, rows] = [hour, 0];
    }
    if (n > limit) {
      const parts = Math.min(HOUR_MS, Math.ceil((2 * n) / limit));
      const edge = (i: number) => hour + Math.floor((i * HOUR_MS) / parts);
      if (start < hour) out.push([start, hour]);
      for (let i = 0; i < parts - 1; i++) out.push([edge(i), edge(i + 1)]);
      [start, rows] = [edge(parts - 1), 0];
      continue;
    }
    rows += n;
  }
  out.push([start, to]);
  return out;
}

/**
 * "mean" hours from one group's raw readings (`times[i]`, `values[i]`; oldest first, sorted here if not):
 * the readings, their least and greatest value and the distinct epoch-aligned buckets of `bucketMs` that
 * hold one, per epoch-aligned hour with readings, oldest first.
 */
export function meanHours(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  bucketMs: number,
): HourStats[] {
  let order: number[] | undefined;
  for (let i = 1; i < times.length; i++)
    if ((times[i] as number) < (times[i - 1] as number)) {
      order = Array.from({ length: times.length }, (_, k) => k).sort(
        (a, b) => (times[a] as number) - (times[b] as number),
      );
      break;
    }
  const hours: HourStats[] = [];
  let hour: (HourStats & { min: number; max: number }) | undefined;
  let bucket = Number.NaN;
  for (let k = 0; k < times.length; k++) {
    const i = order ? (order[k] as number) : k;
    const time = times[i] as number;
    const value = values[i] as number;
    const start = time - mod(time, HOUR_MS);
    if (hour?.time !== start) {
      hour = { time: start, readings: 0, buckets: 0, min: value, max: value };
      hours.push(hour);
    }
    hour.readings++;
    if (value < hour.min) hour.min = value;
    if (value > hour.max) hour.max = value;
    const b = time - mod(time, bucketMs);
    if (b !== bucket) {
      hour.buckets++;
      bucket = b;
    }
  }
  return hours;
}

/** `a mod m` in [0, m), also for instants before 1970 (GROUP BY time() floors them too). */
function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}
