/** The hour-statistics reader of a store (hour-stats.ts), or undefined when it has none. */
import type { HourStatsReader, HourStatsStore } from "./hour-stats.js";
import { influxHourStats } from "./influx-hour-stats.js";
import { InfluxStore } from "./influx-store.js";
import type { Store } from "./types.js";

export function hourStatsOf(store: Store): HourStatsReader | undefined {
  if (store instanceof InfluxStore) return (q) => influxHourStats(store.client, q);
  const s = store as Partial<HourStatsStore>;
  return typeof s.hourStats === "function"
    ? (q) => (s.hourStats as HourStatsStore["hourStats"]).call(store, q)
    : undefined;
}
