/**
 * Hour statistics (hour-stats.ts) on InfluxDB: the two InfluxQL statements of buildHourStatsQueries in one
 * request, joined per series and hour. Kept beside InfluxStore (whose `hourStats` calls it) so the store
 * file stays about writing and plain reads.
 */
import type { InfluxClient } from "../influx/client.js";
import { buildHourStatsQueries } from "../influx/influxql.js";
import type { Cell, InfluxSeries } from "../influx/response.js";
import {
  checkHourStatsQuery,
  type HourStats,
  type HourStatsQuery,
  type HourStatsResult,
} from "./hour-stats.js";
import { StoreRejectedError } from "./types.js";
import { compareGroups, groupKey, groupTags } from "./validate.js";

export async function influxHourStats(
  client: InfluxClient,
  query: HourStatsQuery,
): Promise<HourStatsResult[]> {
  const q = checkHourStatsQuery(query);
  const [readings, buckets] = await client.query(buildHourStatsQueries(q).join("; "));
  if (readings?.partial || buckets?.partial) {
    throw new StoreRejectedError(
      `InfluxDB cut the hour statistics of "${q.measurement}" short (max-row-limit): narrow the time range`,
    );
  }
  const groupBy = q.groupBy ?? [];
  const bucketsOf = new Map<string, InfluxSeries>();
  for (const s of buckets?.series ?? []) bucketsOf.set(groupKey(groupTags(s.tags, groupBy), groupBy), s);
  const num = (cell: Cell | undefined, column: string): number => {
    if (typeof cell === "number") return cell;
    throw new StoreRejectedError(
      `hour statistics of "${q.field}" on "${q.measurement}": ${column} is ${JSON.stringify(cell)}, not a number ` +
        "(the field must be numeric)",
    );
  };
  const results: HourStatsResult[] = [];
  for (const s of readings?.series ?? []) {
    const tags = groupTags(s.tags, groupBy);
    const byHour = new Map<number, Cell[]>();
    for (const row of bucketsOf.get(groupKey(tags, groupBy))?.values ?? [])
      byHour.set(num(row[0], "time"), row);
    const hours = s.values.map((row): HourStats => {
      // Columns as selected: time, readings[, min, max] | time, buckets[, last, steps, min_step, max_step].
      const time = num(row[0], "time");
      const b = byHour.get(time);
      if (!b)
        throw new StoreRejectedError(
          `InfluxDB gave readings but no buckets at ${new Date(time).toISOString()}`,
        );
      const hour: HourStats = { time, readings: num(row[1], "readings"), buckets: num(b[1], "buckets") };
      if (q.bucketFn === "mean") {
        hour.min = num(row[2], "min");
        hour.max = num(row[3], "max");
      } else {
        hour.last = num(b[2], "last");
        hour.steps = num(b[3], "steps");
        if (typeof b[4] === "number") hour.minStep = b[4];
        if (typeof b[5] === "number") hour.maxStep = b[5];
      }
      return hour;
    });
    if (hours.length > 0) results.push({ tags, hours });
  }
  return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
}
