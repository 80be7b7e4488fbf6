/**
 * The rules config (`services/alerting/rules.example.yaml`): ONE strict zod schema, one section per rule
 * (named as the rule) plus the shared PV model, daily PV and hot-water sections. Every object is strict
 * (an unknown key is a typo), every field is described and has a default, so `{}` is a complete config.
 * Units are in the key names (`_min`, `_pct`, `_c`, `_w_per_m2`); percentages are 0-100.
 */

import { strictObject } from "@jisr/core";
import { z } from "zod";
import {
  hotWaterCommonSchema,
  swhBackupOnlySchema,
  swhNoHeatGainSchema,
  swhOverheatingSchema,
  swhReverseCirculationSchema,
  swhSensorFaultSchema,
  swhTankColdSchema,
} from "./hot-water-schema.js";
import {
  pvDailySchema,
  pvInputMismatchSchema,
  pvModelSchema,
  pvSoilingSchema,
  pvUnderperformanceSchema,
  pvZeroProductionSchema,
} from "./pv-schema.js";
import {
  deviceSilentSchema,
  gatewayBacklogSchema,
  inverterFaultSchema,
  siteSilentSchema,
} from "./site-health-schema.js";

/** `.prefault({})`: a missing section is parsed from `{}`, so it gets every default. */
const section = <T extends z.ZodType>(schema: T, what: string) =>
  schema.prefault({} as z.input<T>).describe(what);

export const rulesConfigSchema = strictObject({
  site_silent: section(siteSilentSchema, "A gateway stopped sending (no gateway_health)."),
  device_silent: section(deviceSilentSchema, "A device stopped answering while its gateway still reports."),
  gateway_backlog: section(gatewayBacklogSchema, "Readings pile up in a gateway's queue (uplink down)."),
  inverter_fault: section(inverterFaultSchema, "Inverter in a fault state or with event/alarm bits set."),
  pv_model: section(pvModelSchema, "The clear-sky PV model the PV rules compare with."),
  pv_daily: section(
    pvDailySchema,
    "How daily PV ratios and clear days are computed (underperformance, soiling).",
  ),
  pv_zero_production: section(
    pvZeroProductionSchema,
    "No output in daylight when the clear sky promises some.",
  ),
  pv_underperformance: section(
    pvUnderperformanceSchema,
    "Output well below expected over several clear days.",
  ),
  pv_input_mismatch: section(pvInputMismatchSchema, "One MPPT input or string well below its siblings."),
  pv_soiling: section(pvSoilingSchema, "Slow loss that a cleaning or a rain recovers: recommend cleaning."),
  hot_water: section(hotWaterCommonSchema, "Settings shared by the solar water heater rules."),
  swh_no_heat_gain: section(
    swhNoHeatGainSchema,
    "Pump on but no heat reaches the tank (pump or flow failure).",
  ),
  swh_overheating: section(swhOverheatingSchema, "Collector stagnating, or the pump off while it is hot."),
  swh_sensor_fault: section(swhSensorFaultSchema, "Temperature sensor open, short, missing or stuck."),
  swh_reverse_circulation: section(
    swhReverseCirculationSchema,
    "Night thermosiphon draining the tank's heat.",
  ),
  swh_tank_cold: section(swhTankColdSchema, "Tank below the service temperature in a demand window."),
  swh_backup_only: section(swhBackupOnlySchema, "The backup heater does the work on a sunny day."),
})
  .superRefine((c, ctx) => {
    const pairs: [string, number, string, number][] = [
      [
        "pv_underperformance.major_below_pct",
        c.pv_underperformance.major_below_pct,
        "minor_below_pct",
        c.pv_underperformance.minor_below_pct,
      ],
      [
        "pv_input_mismatch.failed_below_pct",
        c.pv_input_mismatch.failed_below_pct,
        "degraded_below_pct",
        c.pv_input_mismatch.degraded_below_pct,
      ],
      ["pv_soiling.min_loss_pct", c.pv_soiling.min_loss_pct, "major_loss_pct", c.pv_soiling.major_loss_pct],
    ];
    for (const [path, low, other, high] of pairs) {
      if (low > high) {
        ctx.addIssue({
          code: "custom",
          path: path.split("."),
          message: `must not be above ${other} (${high})`,
        });
      }
    }
    if (c.pv_underperformance.major_days > c.pv_underperformance.lookback_days) {
      ctx.addIssue({
        code: "custom",
        path: ["pv_underperformance", "major_days"],
        message: "must not exceed lookback_days",
      });
    }
    if (c.pv_underperformance.minor_days > c.pv_underperformance.lookback_days) {
      ctx.addIssue({
        code: "custom",
        path: ["pv_underperformance", "minor_days"],
        message: "must not exceed lookback_days",
      });
    }
  })
  .describe("Thresholds of the alerting fault rules (services/alerting/src/rules).");

export type RulesConfigInput = z.input<typeof rulesConfigSchema>;
export type RulesConfig = z.output<typeof rulesConfigSchema>;

/** Every default: what `{}` parses to. */
export function defaultRulesConfig(): RulesConfig {
  return rulesConfigSchema.parse({});
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How far back `RuleInput.from` must reach for every enabled rule to see what it needs: the engine
 * queries [now − lookbackMs(config), now]. Days are counted with one spare for the local day boundary.
 */
export function lookbackMs(c: RulesConfig): number {
  const spans = [
    c.site_silent.enabled ? c.site_silent.after_min * 60_000 * 2 : 0,
    c.device_silent.enabled ? Math.max(c.device_silent.after_min * 60_000 * 2, DAY_MS) : 0,
    c.gateway_backlog.enabled ? c.gateway_backlog.growth_window_min * 60_000 : 0,
    c.inverter_fault.enabled ? c.inverter_fault.max_age_min * 60_000 : 0,
    c.pv_zero_production.enabled ? c.pv_zero_production.for_min * 60_000 : 0,
    c.pv_underperformance.enabled ? (c.pv_underperformance.lookback_days + 1) * DAY_MS : 0,
    c.pv_input_mismatch.enabled ? c.pv_input_mismatch.window_h * HOUR_MS : 0,
    c.pv_soiling.enabled ? (c.pv_soiling.window_days + 1) * DAY_MS : 0,
    c.swh_no_heat_gain.enabled ? c.swh_no_heat_gain.window_min * 60_000 : 0,
    c.swh_overheating.enabled ? c.swh_overheating.for_min * 60_000 : 0,
    c.swh_sensor_fault.enabled
      ? Math.max(c.swh_sensor_fault.stuck_hours * HOUR_MS, c.swh_sensor_fault.missing_after_min * 120_000)
      : 0,
    c.swh_reverse_circulation.enabled ? c.swh_reverse_circulation.lookback_h * HOUR_MS : 0,
    c.swh_tank_cold.enabled ? c.swh_tank_cold.for_min * 60_000 : 0,
    c.swh_backup_only.enabled ? 2 * DAY_MS : 0,
  ];
  return Math.max(...spans);
}

/** JSON Schema of the file as written, for editor completion. */
export function rulesConfigJsonSchema(): unknown {
  return z.toJSONSchema(rulesConfigSchema, { io: "input", unrepresentable: "any" });
}
