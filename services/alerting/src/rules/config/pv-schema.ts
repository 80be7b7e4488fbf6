/**
 * Thresholds of the PV rules. Figures from DOMAIN.md §4-5 with their reliability tags (A official or the
 * reference library, B reputable, C third party, D derived here, U unconfirmed: configuration, never a
 * constant). The rules compare readings with the clear-sky model of @jisr/core/solar.
 */

import { strictObject } from "@jisr/core";
import { bounded, enabled, severitySchema, whole } from "./zod-helpers.js";

export const pvModelSchema = strictObject({
  efficiency_pct: bounded(80, 100, "%")
    .default(96)
    .describe("Inverter DC→AC efficiency of the model (typical string inverter, U: take the datasheet's)."),
  gamma_pct_per_k: bounded(-1, 0, "%/K")
    .default(-0.4)
    .describe("Power temperature coefficient (DOMAIN.md §4.2, A: −0.2 to −0.5 %/K; pvanalytics −0.433)."),
  noct_c: bounded(30, 60, "°C")
    .default(45)
    .describe("Nominal operating cell temperature of the modules (datasheet; 42-48 °C typical)."),
  albedo: bounded(0, 1, "").default(0.2).describe("Ground reflectance for the plane-of-array model."),
  expected_derate_pct: bounded(50, 100, "%")
    .default(91)
    .describe(
      "Share of the modelled output (temperature and inverter losses already in) a healthy, clean plant " +
        "delivers: PVWatts losses without shading and availability (DOMAIN.md §4.2, A): soiling 2, " +
        "mismatch 2, wiring 2, connections 0.5, LID 1.5, nameplate 1 → 1 − Π(1 − L) ≈ 91 %.",
    ),
});

export const pvZeroProductionSchema = strictObject({
  enabled: enabled(),
  for_min: whole(5, 24 * 60, "min")
    .default(30)
    .describe("The zero must last this long with the sun up (one cloud or a restart is not a fault)."),
  min_sun_elevation_deg: bounded(0, 60, "°")
    .default(10)
    .describe("Only judge while the sun is at least this high, all along the interval."),
  min_expected_pct_of_kwp: bounded(1, 100, "%")
    .default(20)
    .describe(
      "...and while the clear-sky model expects at least this share of kWp, all along (DOMAIN.md §5.1: " +
        "clear-sky POA above ~200 W/m² ≈ 20 % of kWp, A/D).",
    ),
  zero_pct_of_kwp: bounded(0, 10, "%")
    .default(1)
    .describe("AC power at or below this share of kWp counts as zero (heavy overcast still gives ~5 %)."),
  dark_irradiance_w_per_m2: bounded(0, 300, "W/m²")
    .default(50)
    .describe("When the site's irradiance sensor reads below this, it is dark (storm, dust): no alert."),
  min_readings: whole(2, 10_000, "readings")
    .default(3)
    .describe("Power readings needed in the interval; fewer is missing data (the silence rule's business)."),
  severity: severitySchema.default("critical"),
});

export const pvDailySchema = strictObject({
  max_gap_min: whole(1, 180, "min")
    .default(20)
    .describe("Power readings further apart than this leave a hole: that time counts neither way."),
  min_coverage_pct: bounded(10, 100, "%")
    .default(80)
    .describe("A day is judged only if readings cover this share of its clear-sky energy."),
  min_clear_sky_index: bounded(0.3, 1.2, "")
    .default(0.8)
    .describe(
      "With an irradiance sensor: a day is clear when its measured plane-of-array energy is at least " +
        "this share of the clear-sky model's (clear-sky index; Haurwitz is an upper bound, DOMAIN.md §4.1).",
    ),
  max_shape_cv_pct: bounded(1, 100, "%")
    .default(12)
    .describe(
      "Without a sensor: a day is clear when power follows the clear-sky curve's shape, i.e. the ratio " +
        "power / clear-sky power varies by at most this (coefficient of variation) over the day. A soiled " +
        "or failed-string plant keeps a steady ratio; clouds make it jump.",
    ),
  shape_min_elevation_deg: bounded(0, 60, "°")
    .default(15)
    .describe("The shape test ignores low sun (model and shading errors are largest there)."),
  shape_min_samples: whole(3, 10_000, "readings").default(12).describe("Readings needed for the shape test."),
});

export const pvUnderperformanceSchema = strictObject({
  enabled: enabled(),
  major_below_pct: bounded(1, 100, "%")
    .default(60)
    .describe(
      "Major: output below this share of expected on major_days clear days in a row (DOMAIN.md §5.1, B).",
    ),
  major_days: whole(1, 30, "days").default(3),
  major_severity: severitySchema.default("major"),
  minor_below_pct: bounded(1, 100, "%")
    .default(80)
    .describe("Minor: below this share on minor_days clear days in a row (DOMAIN.md §5.1, B)."),
  minor_days: whole(1, 60, "days").default(7),
  minor_severity: severitySchema.default("minor"),
  lookback_days: whole(1, 90, "days")
    .default(14)
    .describe(
      "Clear days are looked for in this many past local days (cloudy days are skipped, not failed).",
    ),
});

export const pvInputMismatchSchema = strictObject({
  enabled: enabled(),
  window_h: whole(1, 7 * 24, "h")
    .default(24)
    .describe("Past hours compared (only those with enough light)."),
  bucket_min: whole(1, 120, "min")
    .default(15)
    .describe("Readings are averaged per input in buckets of this."),
  min_buckets: whole(1, 1000, "buckets")
    .default(8)
    .describe("Bright buckets needed to judge (8 × 15 min = 2 h)."),
  min_irradiance_w_per_m2: bounded(50, 1200, "W/m²")
    .default(300)
    .describe("With an irradiance sensor: a bucket is bright enough above this."),
  min_expected_pct_of_kwp: bounded(1, 100, "%")
    .default(30)
    .describe("Without a sensor: the clear-sky model must expect at least this share of kWp..."),
  min_inverter_pct_of_kwp: bounded(1, 100, "%")
    .default(10)
    .describe("...and the inverter must be producing at least this share (a dead inverter is another rule)."),
  degraded_below_pct: bounded(1, 100, "%")
    .default(70)
    .describe(
      "An input below this share of its siblings' median (per kWp) is degraded: bypass diode, shading, " +
        "a failing string (DOMAIN.md §5.1: group comparison, C).",
    ),
  failed_below_pct: bounded(0, 50, "%")
    .default(5)
    .describe("Below this share it has failed (open string, blown fuse, disconnected connector)."),
  failed_severity: severitySchema.default("major"),
  degraded_severity: severitySchema.default("minor"),
});

export const pvSoilingSchema = strictObject({
  enabled: enabled(),
  window_days: whole(7, 180, "days")
    .default(30)
    .describe("Past local days over which the slow loss is fitted."),
  min_clear_days: whole(3, 60, "days")
    .default(6)
    .describe("Clear days needed since the last cleaning to judge."),
  recovery_step_pct: bounded(1, 50, "% points")
    .default(5)
    .describe("A jump up of the daily ratio by this much between clear days is a cleaning or a rain."),
  min_loss_pct: bounded(1, 50, "%")
    .default(5)
    .describe("Recommend cleaning from this estimated loss since the last cleaning."),
  major_loss_pct: bounded(1, 80, "%")
    .default(15)
    .describe(
      "Major from this loss (Ben Guerir Green Energy Park: 13-15 % a year uncleaned, DOMAIN.md §5.1, B).",
    ),
  min_loss_rate_pct_per_day: bounded(0.01, 5, "%/day")
    .default(0.08)
    .describe(
      "The fitted loss must grow at least this fast (Kimber: 0.15 %/day, A); ageing is ~0.0014 %/day.",
    ),
  max_step_down_pct: bounded(1, 50, "% points")
    .default(6)
    .describe("A drop larger than this between clear days is sudden (a fault), not dust."),
  price_mad_per_kwh: bounded(0, 10, "MAD/kWh")
    .default(1.2)
    .describe(
      "Average price of a kWh the PV avoids, for the MAD estimate only: BT brackets run 0.90-1.60 MAD TTC " +
        "(DOMAIN.md §1.1), the institutions' own category is unknown (§1.4), so 1.2 is U. The savings " +
        "job has the real tariff.",
    ),
  severity: severitySchema.default("minor"),
  major_severity: severitySchema.default("major"),
});
