/**
 * Hour statistics (hour-stats.ts) on InfluxDB: the InfluxQL statements of buildHourStatsQueries in one
 * request, joined per series and hour. Kept beside InfluxStore (hour-stats-of.ts finds it for one) so the
 * store file stays about writing and plain reads.
 */
import type { InfluxClient } from "../influx/client.js";
import { buildHourStatsQueries } from "../influx/influxql.js";
import type { Cell, InfluxSeries } from "../influx/response.js";
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
  const statements = await client.query(buildHourStatsQueries(q, q.series).join("; "));
  if (statements.some((st) => st.partial)) {
    throw new StoreRejectedError(
      `InfluxDB cut the hour statistics of "${q.measurement}" short (max-row-limit): narrow the time range`,
    );
  }
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
    // Buckets of each series over every statement, in time order; readings per hour from the first.
    const buckets = new Map<string, Cell[][]>();
    for (const st of rest)
      for (const s of st.series) buckets.set(keyOf(s), [...(buckets.get(keyOf(s)) ?? []), ...s.values]);
    for (const s of readings?.series ?? []) {
      const counts = new Map(s.values.map((row) => [num(row[0], "time"), num(row[1], "readings")]));
      const hours: HourStats[] = [];
      hoursFromBuckets(
        (buckets.get(keyOf(s)) ?? []).map(
          (row) => [0, num(row[0], "time"), num(row[1], "last"), undefined] as const,
        ),
        (_g, hour) => hours.push(hour),
      );
      for (const h of hours) h.readings = counts.get(h.time) ?? 0;
      if (hours.length > 0) results.push({ tags: groupTags(s.tags, groupBy), hours });
    }
    return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
  }
  const bucketsOf = new Map<string, InfluxSeries>();
  for (const s of rest[0]?.series ?? []) bucketsOf.set(keyOf(s), s);
  for (const s of readings?.series ?? []) {
    const tags = groupTags(s.tags, groupBy);
    const byHour = new Map<number, Cell[]>();
    for (const row of bucketsOf.get(keyOf(s))?.values ?? []) byHour.set(num(row[0], "time"), row);
    const hours = s.values.map((row): HourStats => {
      // Columns as selected: time, readings, min, max | time, buckets.
      const time = num(row[0], "time");
      const b = byHour.get(time);
      if (!b)
        throw new StoreRejectedError(
          `InfluxDB gave readings but no buckets at ${new Date(time).toISOString()}`,
        );
      return {
        time,
        readings: num(row[1], "readings"),
        buckets: num(b[1], "buckets"),
        min: num(row[2], "min"),
        max: num(row[3], "max"),
      };
    });
    if (hours.length > 0) results.push({ tags, hours });
  }
  return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
}
