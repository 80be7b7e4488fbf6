/**
 * The clauses every dashboard query shares. Only InfluxQL that runs on 1.x and on the v1 compatibility of
 * 2.x and 3.x is used: SELECT with aggregates and selectors, subqueries, GROUP BY time/tags, fill();
 * no INTO, no SLIMIT/SOFFSET, no tz(), no retention policy in FROM (see README).
 */
import { INSTITUTION_FILTER } from "./model.js";

/** `WHERE` with the institution filter, any extra conditions, and Grafana's `$timeFilter` last. */
export function where(...conditions: string[]): string {
  return `WHERE ${[INSTITUTION_FILTER, ...conditions, "$timeFilter"].join(" AND ")}`;
}

/**
 * Results of the analytics job carry only the `institution` tag (docs/analytics-results.md). Tags are
 * grouped as `::tag` so that a field of the same name can never be what the query means.
 */
export const BY_INSTITUTION = 'GROUP BY "institution"::tag';

/** Raw series: one per device of each institution. */
export const BY_DEVICE = 'GROUP BY "institution"::tag, "device"::tag';

/** Time buckets of Grafana's interval, one series per device. */
export const BY_INTERVAL_DEVICE = 'GROUP BY time($__interval), "institution"::tag, "device"::tag';

/**
 * Hot-water availability over a period, from hot_water_daily: available minutes over minutes with data.
 * Not the mean of the daily percentages, which would weigh a day with one measured minute like a full
 * one (docs/analytics-results.md: percentages are recomputed from sums, never averaged).
 */
export const AVAILABILITY =
  'sum("available_minutes") / (sum("available_minutes") + sum("unavailable_minutes")) * 100';

export const DEVICE_ALIAS = "$tag_institution · $tag_device";
export const INSTITUTION_ALIAS = "$tag_institution";
