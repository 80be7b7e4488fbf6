/**
 * Thresholds of the solar water heater rules (measurement `hot_water`, and `heat_meter` when the heat is
 * metered apart). Figures from DOMAIN.md §3 and §5.2 with their tags: controller ΔT_on 6-8 K and store
 * maximum 60 °C (B), emergency shut-off 120-140 °C (U), stagnation up to ~160 °C (B).
 */

import { strictObject } from "@jisr/core";
import { z } from "zod";
import { bounded, enabled, severitySchema, whole, windowSchema } from "./zod-helpers.js";

export const hotWaterCommonSchema = strictObject({
  demand_windows: z
    .array(windowSchema)
    .min(1, "must have at least one window")
    .default([
      { start: "06:00", end: "09:00" },
      { start: "18:00", end: "22:00" },
    ])
    .describe("When residents draw hot water, local legal time (DOMAIN.md §3.1, D; per institution)."),
  max_gap_min: whole(1, 120, "min")
    .default(10)
    .describe("A reading holds for at most this long when counting minutes (pump on, backup on)."),
});

export const swhNoHeatGainSchema = strictObject({
  enabled: enabled(),
  window_min: whole(15, 24 * 60, "min")
    .default(60)
    .describe("Past minutes judged."),
  min_pump_on_min: whole(5, 24 * 60, "min")
    .default(30)
    .describe("The pump relay must have been on at least this long in the window."),
  min_delta_k: bounded(2, 100, "K")
    .default(15)
    .describe(
      "...while collector − tank bottom stayed at least this (median): heat was there to take. With flow, " +
        "ΔT falls towards the controller's ΔT_off (4 K) and nominal 10 K (DOMAIN.md §5.2, B).",
    ),
  min_tank_rise_k: bounded(0, 20, "K")
    .default(1)
    .describe("No heat gain: the tank bottom rose by less than this (used when there is no heat counter)."),
  min_heat_wh: bounded(0, 100_000, "Wh")
    .default(100)
    .describe("No heat gain: the heat counter (heat_energy_wh, or the heat meter) rose by less than this."),
  severity: severitySchema.default("major"),
});

export const swhOverheatingSchema = strictObject({
  enabled: enabled(),
  for_min: whole(1, 24 * 60, "min")
    .default(15)
    .describe("The condition must hold over this many past minutes."),
  collector_max_c: bounded(80, 250, "°C")
    .default(120)
    .describe("Stagnation: collector at or above this (emergency shut-off is typically 120-140 °C, U)."),
  pump_off_delta_k: bounded(5, 100, "K")
    .default(20)
    .describe(
      "Pump not running: pump off while collector − tank bottom is at least this, far above ΔT_on " +
        "(6-8 K, DOMAIN.md §5.2, B), so the controller should be pumping.",
    ),
  pump_off_min_collector_c: bounded(20, 150, "°C")
    .default(60)
    .describe("...and the collector is at least this hot."),
  tank_max_c: bounded(40, 95, "°C")
    .default(60)
    .describe(
      "...and the tank bottom is below the store maximum (RESOL factory 60 °C, B): at Tmax it stops on purpose.",
    ),
  severity: severitySchema.default("major"),
});

const rangeSchema = strictObject({
  min_c: bounded(-100, 50, "°C").describe("Lowest possible reading, °C."),
  max_c: bounded(50, 400, "°C").describe("Highest possible reading, °C."),
});

export const swhSensorFaultSchema = strictObject({
  enabled: enabled(),
  fields: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*_c$/, "must be a hot_water field in °C (name ending _c)"))
    .default([
      "collector_temperature_c",
      "tank_top_temperature_c",
      "tank_bottom_temperature_c",
      "outlet_temperature_c",
      "cold_water_temperature_c",
    ])
    .describe("Temperature fields checked."),
  collector_fields: z
    .array(z.string())
    .default(["collector_temperature_c"])
    .describe("Fields with the collector's range (it can stagnate at ~160 °C, DOMAIN.md §5.2, B)."),
  collector_range: rangeSchema
    .prefault({ min_c: -30, max_c: 200 })
    .describe("Possible collector readings; outside is an open or shorted sensor."),
  water_range: rangeSchema
    .prefault({ min_c: -10, max_c: 110 })
    .describe("Possible tank and pipe readings (pressurised water stays below ~110 °C)."),
  sentinels: z
    .array(z.number())
    .default([-999, -999.9, 999, 999.9, 3276.7, -3276.8, 6553.5, -127])
    .describe("Values controllers send for a missing sensor (int16 limits in 0.1 °C, DS18B20's −127)."),
  controller_error_pattern: z
    .string()
    .default("_(OPEN|SHORT)$")
    .refine(isRegExp, "must be a regular expression")
    .describe(
      "Names in hot_water.errors that report a sensor (S1_OPEN, S3_SHORT... in the generic profile).",
    ),
  missing_after_min: whole(5, 24 * 60, "min")
    .default(30)
    .describe("A field absent this long while the device keeps reporting: the gateway dropped a sentinel."),
  stuck_hours: bounded(1, 72, "h").default(6).describe("Stuck: exactly the same value for this long..."),
  stuck_min_sun_h: bounded(0.5, 12, "h")
    .default(2)
    .describe("...while what drives it moved. A collector: the sun stood above 20° for this long."),
  stuck_min_heat_wh: bounded(100, 100_000, "Wh")
    .default(1000)
    .describe(
      "A tank sensor: this much solar heat went in (heat counter; without one, an hour of pumping with " +
        "flow from a collector 10 K hotter), or the backup ran stuck_min_backup_min (top and outlet). " +
        "A tank at mains temperature with no heat coming in may honestly read one value for hours.",
    ),
  stuck_min_backup_min: whole(5, 600, "min")
    .default(30)
    .describe("Backup run time that must move the tank top."),
  stuck_others_move_k: bounded(0.5, 50, "K")
    .default(3)
    .describe(
      "Any other field, or a tank without pump or counter data: another temperature moved this much.",
    ),
  stuck_min_samples: whole(3, 10_000, "readings")
    .default(12)
    .describe("Readings needed to call a value stuck."),
  severity: severitySchema
    .default("major")
    .describe("Open, short or missing sensor (the controller may run blind)."),
  stuck_severity: severitySchema.default("minor"),
});

export const swhReverseCirculationSchema = strictObject({
  enabled: enabled(),
  lookback_h: whole(6, 72, "h").default(24).describe("The latest night within this many hours is judged."),
  night_below_elevation_deg: bounded(-18, 0, "°")
    .default(-6)
    .describe("Night: sun below this (civil twilight), so the collector gets no light."),
  min_night_h: bounded(1, 12, "h")
    .default(3)
    .describe("Quiet night hours needed (outside demand windows, when nobody draws water)."),
  max_tank_loss_k_per_h: bounded(0.1, 10, "K/h")
    .default(1)
    .describe(
      "Tank top cooling faster than this is more than standing loss (a 300 L tank loses ~0.25 K/h, D; " +
        "U: set from the tank's datasheet).",
    ),
  collector_above_ambient_k: bounded(0, 30, "K")
    .default(3)
    .describe("With an ambient sensor: the collector kept this much above ambient (warm water reached it)."),
  max_pump_on_night_min: whole(1, 600, "min")
    .default(15)
    .describe("Pump on at night longer than this, with a collector colder than the tank, pumps heat out."),
  antifreeze_below_c: bounded(-10, 15, "°C")
    .default(4)
    .describe("Night pumping with the collector below this is antifreeze circulation (DOMAIN.md §5.2, B)."),
  severity: severitySchema.default("minor"),
});

export const swhTankColdSchema = strictObject({
  enabled: enabled(),
  service_temperature_c: bounded(30, 70, "°C")
    .default(45)
    .describe("Hot water is available at or above this (DOMAIN.md §3.1, D: 41-43 °C after the mixer)."),
  fields: z
    .array(z.string())
    .min(1, "must list at least one field")
    .default(["outlet_temperature_c", "tank_top_temperature_c"])
    .describe("The first of these fields the device reports is the service temperature."),
  for_min: whole(1, 240, "min")
    .default(20)
    .describe("Below the service temperature for this long inside a demand window."),
  severity: severitySchema.default("major"),
});

export const swhBackupOnlySchema = strictObject({
  enabled: enabled(),
  day_elevation_deg: bounded(0, 60, "°").default(15).describe("The solar part of the day: sun above this."),
  min_daylight_h: bounded(1, 12, "h")
    .default(4)
    .describe("Judge today once it has this many sunny-part hours of readings, else yesterday."),
  min_backup_min: whole(5, 12 * 60, "min")
    .default(60)
    .describe("The backup heater ran at least this long in the solar part of the day..."),
  max_solar_gain_wh: bounded(0, 1_000_000, "Wh")
    .default(500)
    .describe("...and solar gain ≈ 0: the heat counter rose by less than this..."),
  max_pump_on_min: whole(0, 600, "min")
    .default(15)
    .describe("...or, without a heat counter, the solar pump ran less than this."),
  min_clear_sky_index: bounded(0.3, 1.2, "")
    .default(0.6)
    .describe("Sunny day with an irradiance sensor: measured / clear-sky irradiation at least this."),
  sunny_collector_delta_k: bounded(5, 100, "K")
    .default(20)
    .describe("Sunny day without a sensor: the collector got this much hotter than the tank bottom."),
  hot_collector_delta_k: bounded(5, 100, "K")
    .default(10)
    .describe("Also a fault: backup on for min_backup_min while the collector is this much above the tank."),
  severity: severitySchema.default("major"),
});

function isRegExp(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}
