/**
 * Which readings the rules get, as data: the numeric fields read as time buckets through
 * `Store.aggregate`, with the aggregate that keeps their meaning (a counter's last value, a power's mean),
 * and the tags that tell series apart. Text and boolean fields (state, events, pump_on) cannot be
 * aggregated by the Store: they come from `Store.latest`, the newest point of each series, whole.
 * Names as the gateway writes them (gateway/src/drivers/sunspec/README.md, gateway/src/run/README.md,
 * gateway/profiles/**).
 */
import type { AggregateFn } from "@jisr/core/store";

export interface MeasurementPlan {
  measurement: string;
  /** Tags besides institution and device that split series (mppt, string). */
  tags: string[];
  fields: Record<string, AggregateFn>;
  /**
   * Read over the rules' whole lookback (31 days by default: the daily PV rules); the others only over
   * the short span (readings.short_span), which keeps an evaluation's memory in bounds.
   */
  long?: true;
}

const mean = "mean" as const;
const last = "last" as const;

export const READING_PLAN: MeasurementPlan[] = [
  // Daily energy and ratios (underperformance, soiling) need a month of AC power and irradiance.
  { measurement: "pv_inverter", tags: [], fields: { power_w: mean, energy_wh: last }, long: true },
  {
    measurement: "weather",
    tags: [],
    fields: { irradiance_w_per_m2: mean, module_temperature_c: mean, ambient_temperature_c: mean },
    long: true,
  },
  {
    measurement: "pv_inverter",
    tags: [],
    fields: {
      dc_power_w: mean,
      dc_voltage_v: mean,
      dc_current_a: mean,
      event_bits: last,
      state_code: last,
      heatsink_temperature_c: mean,
    },
  },
  {
    measurement: "pv_mppt",
    tags: ["mppt"],
    fields: { dc_power_w: mean, dc_voltage_v: mean, dc_current_a: mean, energy_wh: last },
  },
  {
    measurement: "pv_string",
    tags: ["string"],
    fields: { dc_power_w: mean, dc_voltage_v: mean, dc_current_a: mean },
  },
  {
    measurement: "hot_water",
    tags: [],
    fields: {
      collector_temperature_c: mean,
      tank_top_temperature_c: mean,
      tank_bottom_temperature_c: mean,
      outlet_temperature_c: mean,
      cold_water_temperature_c: mean,
      pump_speed_pct: mean,
      flow_l_per_h: mean,
      heat_energy_wh: last,
      error_bits: last,
    },
  },
  { measurement: "heat_meter", tags: [], fields: { energy_wh: last, power_w: mean, flow_l_per_h: mean } },
  // No rule judges the grid meter's values yet, but "device silent" judges every device by its last
  // reading: a measurement left out here makes its devices look silent.
  { measurement: "grid_meter", tags: [], fields: { power_w: mean, energy_import_wh: last } },
  {
    measurement: "gateway_health",
    tags: [],
    fields: {
      queue_points: last,
      oldest_queued_age_s: last,
      dropped_points_total: last,
      devices_online: last,
      devices_offline: last,
    },
  },
  { measurement: "device_health", tags: [], fields: { errors_total: last, last_success_age_s: last } },
];
