/**
 * The inputs of the hot-water analytics: plain time series per field, as read back from InfluxDB by the
 * job (no I/O here). Field names are the ones the gateway writes, so a query result maps 1:1.
 */

/** One reading: `time` in epoch milliseconds (UTC). A non-finite value means "invalid reading". */
export interface Sample<V = number> {
  time: number;
  value: V;
}

export type Series = readonly Sample<number>[];
/** On/off fields (`pump_on`, `backup_heater_on`): booleans, or 0/1 if a device writes numbers. */
export type SwitchSeries = readonly Sample<boolean | number>[];

/** The temperature fields of measurement `hot_water` (tags institution, device). */
export const TANK_TEMPERATURE_FIELDS = [
  "outlet_temperature_c",
  "tank_top_temperature_c",
  "tank_bottom_temperature_c",
] as const;
export type TankTemperatureField = (typeof TANK_TEMPERATURE_FIELDS)[number];

/** Measurement `hot_water`: one tank and its solar controller. Every field is optional. */
export interface HotWaterFields {
  collector_temperature_c?: Series;
  tank_top_temperature_c?: Series;
  tank_bottom_temperature_c?: Series;
  /** Tank outlet, before any mixing valve. */
  outlet_temperature_c?: Series;
  /** After the thermostatic mixing valve (TMV), when measured: the scald-risk check reads it. */
  mixed_outlet_temperature_c?: Series;
  pump_on?: SwitchSeries;
  pump_speed_pct?: Series;
  /** The controller's own heat counter (lifetime, Wh), e.g. a RESOL HQM. */
  heat_energy_wh?: Series;
  /** Electric element on, or butane burner on (same field, by the backup kind in the settings). */
  backup_heater_on?: SwitchSeries;
  /** Electric backup meter (lifetime, Wh). */
  backup_energy_wh?: Series;
}

/** Measurement `heat_meter` on the solar loop (M-Bus or Modbus heat meter, EN 1434). */
export interface HeatMeterFields {
  /** Lifetime counter, Wh. */
  energy_wh?: Series;
  flow_l_per_h?: Series;
  supply_temperature_c?: Series;
  return_temperature_c?: Series;
}

/** The readings of one solar water heater (one `hot_water` device and, if any, its heat meter). */
export interface HotWaterReadings {
  /** Device id, for the per-system detail only. */
  device?: string;
  hotWater: HotWaterFields;
  heatMeter?: HeatMeterFields;
}

/** A stretch of time, UTC epoch ms, end excluded; `minutes` = (end − start) / 60 000. */
export interface Interval {
  start: number;
  end: number;
  minutes: number;
}

/** The outcome of a check when data may be missing: "unknown" is never turned into pass or fail. */
export type Verdict = "pass" | "fail" | "unknown";
