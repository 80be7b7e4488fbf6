/**
 * What to downsample and for how long to keep it: ONE strict zod schema, with defaults that fit the
 * measurements of the README's data model. Optional YAML file (`examples/downsampling.yaml` shows every
 * key); without one, the defaults apply.
 *
 * Why the raw data is kept forever by default: the analytics results (`energy_daily`, `savings_*`, ...) are
 * written into the database's default retention policy, like the raw readings (shared code never names a
 * retention policy). Shortening the default policy also expires those results, so it is a deliberate
 * choice (`raw_retention`), never a default.
 */
import { readFileSync } from "node:fs";
import { measurementName, parseDuration, tagKey } from "@jisr/core";
import { problemsOf, ValidationError } from "@jisr/core/errors";
import { parse } from "yaml";
import { z } from "zod";

const influxDuration = z
  .string()
  .regex(/^(INF|\d+[hdw])$/, 'must be "INF" or a whole number of hours, days or weeks, e.g. "90d", "52w"')
  .describe("InfluxQL duration: INF (keep forever), or e.g. 90d, 52w.");

const fieldList = z.array(tagKey).default([]);

const measurementSchema = z
  .strictObject({
    mean: fieldList.describe("Fields averaged per bucket; the rollup keeps their names (power_w → power_w)."),
    last: fieldList.describe("Fields whose last value is kept: lifetime counters (energy_wh → energy_wh)."),
    max: fieldList.describe("Fields whose maximum is kept, as <field>_max (power_w → power_w_max)."),
    min: fieldList.describe("Fields whose minimum is kept, as <field>_min."),
  })
  .refine(
    (m) => m.mean.length + m.last.length + m.max.length + m.min.length > 0,
    "must list at least one field",
  );

const rollupSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be snake_case")
      .describe('Name of the retention policy that holds the rollup, e.g. "rp_1h".'),
    every: z
      .string()
      .regex(/^\d+[mhd]$/, 'must be e.g. "1h" or "1d"')
      .describe("Bucket width of the rollup (GROUP BY time(...))."),
    duration: influxDuration.describe("How long the rollup is kept."),
    resample_for: z
      .string()
      .regex(/^\d+[mhd]$/, 'must be e.g. "6h"')
      .describe(
        "How far back each run of the continuous query recomputes (RESAMPLE FOR): readings arriving later " +
          "than this are rolled up only by `jisr influx downsample --from --to` (e.g. after a gateway outage).",
      ),
    measurements: z
      .record(measurementName, measurementSchema)
      .describe("Per raw measurement, the fields to roll up and how."),
  })
  .refine((r) => (parseDuration(r.resample_for) ?? 0) >= (parseDuration(r.every) ?? 0), {
    message: "must be at least `every` (InfluxDB refuses a shorter RESAMPLE FOR)",
    path: ["resample_for"],
  });

export const downsamplingSchema = z.strictObject({
  raw_retention: influxDuration
    .default("INF")
    .describe(
      "Duration of the database's default retention policy (raw readings AND analytics results). INF keeps " +
        "everything; a finite value also expires the results (see the file comment).",
    ),
  rollups: z
    .array(rollupSchema)
    .min(1)
    .describe("The rollups, each a retention policy with continuous queries."),
});

export type DownsamplingConfig = z.output<typeof downsamplingSchema>;
export type Rollup = DownsamplingConfig["rollups"][number];

/**
 * Hourly means, maxima and last counter values of the main fields, and the gateways' health, kept forever
 * (a year+ of dashboards).
 */
export const DEFAULT_DOWNSAMPLING: z.input<typeof downsamplingSchema> = {
  raw_retention: "INF",
  rollups: [
    {
      name: "rp_1h",
      every: "1h",
      duration: "INF",
      resample_for: "6h",
      measurements: {
        pv_inverter: {
          mean: [
            "power_w",
            "dc_power_w",
            "ac_voltage_v",
            "frequency_hz",
            "cabinet_temperature_c",
            "heatsink_temperature_c",
          ],
          max: ["power_w"],
          last: ["energy_wh"],
        },
        pv_mppt: { mean: ["dc_power_w", "dc_voltage_v", "dc_current_a"], last: ["energy_wh"] },
        grid_meter: {
          mean: ["power_w", "voltage_v"],
          max: ["power_w"],
          last: ["energy_import_wh", "energy_export_wh"],
        },
        hot_water: {
          mean: [
            "collector_temperature_c",
            "tank_top_temperature_c",
            "tank_bottom_temperature_c",
            "outlet_temperature_c",
            "mixed_outlet_temperature_c",
          ],
          max: ["collector_temperature_c", "outlet_temperature_c", "mixed_outlet_temperature_c"],
          min: ["outlet_temperature_c"],
          last: ["heat_energy_wh", "backup_energy_wh"],
        },
        heat_meter: {
          mean: ["flow_l_per_h", "supply_temperature_c", "return_temperature_c"],
          last: ["energy_wh"],
        },
        // The gateways' own health, for the fleet-health dashboard over more than a day: the last report
        // of each hour (its stat and table panels read the latest value) and each hour's maxima (its
        // charts show the worst of an interval; drops are counted from the counter's maxima).
        gateway_health: {
          last: [
            "queue_points",
            "oldest_queued_age_s",
            "dropped_points_total",
            "devices_offline",
            "uptime_s",
          ],
          max: ["queue_points", "oldest_queued_age_s", "dropped_points_total"],
        },
      },
    },
  ],
};

export function parseDownsampling(input: unknown, subject = "downsampling config"): DownsamplingConfig {
  const parsed = downsamplingSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(subject, problemsOf(parsed.error));
  return parsed.data;
}

/** The defaults, or a YAML file written with the keys of `downsamplingSchema`. */
export function loadDownsampling(path?: string): DownsamplingConfig {
  if (!path) return parseDownsampling(DEFAULT_DOWNSAMPLING);
  return parseDownsampling(parse(readFileSync(path, "utf8")), `downsampling config ${path}`);
}
