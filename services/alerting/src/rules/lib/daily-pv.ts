/**
 * Daily performance of one inverter against the model, shared by the underperformance and soiling rules.
 *
 * ratio = measured AC energy / (modelled AC energy × expected_derate), both integrated over the same
 * covered intervals (consecutive readings at most max_gap_min apart), so a hole in the data lowers the
 * coverage, never the ratio. The model is PVWatts on the measured plane-of-array irradiance when the site
 * has a sensor, else the clear-sky model (then a cloudy day has a low ratio, which is why only clear days
 * are judged).
 *
 * Clear-day heuristic (DOMAIN.md §4.1 recommends clear-sky filtering for PR and fault rules):
 * - with a sensor: clear-sky index = measured POA irradiation / clear-sky POA irradiation ≥ min_clear_sky_index;
 * - without: the day's SHAPE. On a clear day power follows the clear-sky curve, so power / clear-sky power
 *   is nearly constant through the day, whatever its level (a soiled or half-failed plant is steady too);
 *   clouds make it jump. Clear when its coefficient of variation, over readings with the sun above
 *   shape_min_elevation_deg, is at most max_shape_cv_pct. A day at ≈ 0 all day has no shape: not clear
 *   (the zero-production rule covers it).
 */
import { addDays, localDay, localDayOf } from "@jisr/core";
import { type PvArrayConfig, type PvOperatingPoint, pvOperatingPoint } from "@jisr/core/solar";
import type { RulesConfig } from "../config/schema.js";
import type { RuleInput } from "../types.js";
import { mean, nearest, readingsOf, type Sample, series } from "./readings.js";
import { arrayOf, clearSkyAcW, measuredPoaAcW, sunElevationDeg } from "./solar.js";

export interface PvDay {
  day: string;
  /** Measured AC energy over the covered intervals, Wh. */
  actualWh: number;
  /** Healthy-plant energy expected over the same intervals, Wh (derate applied). */
  expectedWh: number;
  /** Share of the day's clear-sky energy the readings cover, 0-1. */
  coverage: number;
  /** actual / expected; undefined when the day is not covered enough to judge. */
  ratio: number | undefined;
  /** Clear day by the heuristic above; undefined when it cannot be told. */
  clear: boolean | undefined;
  /** Clear-sky index (sensor) or shape CV (no sensor), the number behind `clear`. */
  clearness: number | undefined;
  method: "irradiance_sensor" | "clear_sky";
}

interface Ctx {
  array: PvArrayConfig;
  power: Sample[];
  poa: Sample[] | undefined;
  moduleC: Sample[];
  ambientC: Sample[];
  cfg: RulesConfig;
}

/** The last `days` complete local days before `input.now`, oldest first, for `inverter`. */
export function dailyPv(input: RuleInput, inverter: string, cfg: RulesConfig, days: number): PvDay[] {
  const info = input.site.inverters[inverter];
  if (!info) return [];
  const sensor = input.site.irradianceSensor;
  const power = series(readingsOf(input.readings, "pv_inverter", inverter), "power_w");
  const weather = sensor ? readingsOf(input.readings, "weather", sensor) : [];
  const poa = series(weather, "irradiance_w_per_m2");
  const ctx: Ctx = {
    array: arrayOf(input.site, info, cfg.pv_model),
    power,
    poa: poa.length > 0 ? poa : undefined,
    moduleC: series(weather, "module_temperature_c"),
    ambientC: series(weather, "ambient_temperature_c"),
    cfg,
  };
  const today = localDayOf(input.now, input.site.timeZone);
  const out: PvDay[] = [];
  for (let i = days; i >= 1; i--) {
    const period = localDay(addDays(today, -i), input.site.timeZone);
    if (period.to <= input.from) continue;
    out.push(dayOf(ctx, period.label, period.from, period.to, input));
  }
  return out;
}

function dayOf(ctx: Ctx, day: string, from: number, to: number, input: RuleInput): PvDay {
  const { cfg, array } = ctx;
  const maxGap = cfg.pv_daily.max_gap_min * 60_000;
  const samples = ctx.power.filter((s) => s.t >= from && s.t < to);
  const sky = samples.map((s) => pvOperatingPoint(s.t, array));
  const clearSky = sky.map((p) => p.acW);
  const model = samples.map((s, i) => expectedAt(ctx, s.t, maxGap, sky[i] as PvOperatingPoint));
  let actual = 0;
  let expected = 0;
  let coveredClearSky = 0;
  let poaMeasured = 0;
  let poaClear = 0;
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1] as Sample, samples[i] as Sample];
    const dtH = (b.t - a.t) / 3_600_000;
    const [ma, mb] = [model[i - 1], model[i]];
    if (b.t - a.t > maxGap || !ma || !mb) continue;
    actual += ((a.v + b.v) / 2) * dtH;
    expected += ((ma.acW + mb.acW) / 2) * dtH;
    coveredClearSky += (((clearSky[i - 1] as number) + (clearSky[i] as number)) / 2) * dtH;
    poaMeasured += (((ma.poa ?? 0) + (mb.poa ?? 0)) / 2) * dtH;
    poaClear += (((sky[i - 1] as PvOperatingPoint).poaWm2 + (sky[i] as PvOperatingPoint).poaWm2) / 2) * dtH;
  }
  const fullClearSky = clearSkyEnergyWh(array, from, to);
  const coverage = fullClearSky > 0 ? coveredClearSky / fullClearSky : 0;
  const derated = expected * (cfg.pv_model.expected_derate_pct / 100);
  const judged = coverage >= cfg.pv_daily.min_coverage_pct / 100 && derated > 0;
  const method = ctx.poa ? "irradiance_sensor" : "clear_sky";
  const clearness = ctx.poa
    ? poaClear > 0
      ? poaMeasured / poaClear
      : undefined
    : shapeCv(samples, clearSky, input, cfg);
  const clear =
    clearness === undefined || !judged
      ? undefined
      : ctx.poa
        ? clearness >= cfg.pv_daily.min_clear_sky_index
        : clearness <= cfg.pv_daily.max_shape_cv_pct / 100;
  return {
    day,
    actualWh: actual,
    expectedWh: derated,
    coverage,
    ratio: judged ? actual / derated : undefined,
    clear,
    clearness,
    method,
  };
}

/** Modelled AC power at `t` (before derate) and the POA irradiance behind it; undefined without data. */
function expectedAt(
  ctx: Ctx,
  t: number,
  maxGap: number,
  sky: PvOperatingPoint,
): { acW: number; poa?: number } | undefined {
  if (!ctx.poa) return { acW: sky.acW };
  const g = nearest(ctx.poa, t, maxGap);
  if (!g) return undefined;
  const moduleC = nearest(ctx.moduleC, t, maxGap)?.v;
  const ambientC = nearest(ctx.ambientC, t, maxGap)?.v;
  return { acW: measuredPoaAcW(t, ctx.array, g.v, moduleC, ambientC), poa: g.v };
}

/**
 * Clear-sky energies already computed, by array and day: every evaluation looks at the same past days
 * again, and a day's clear-sky energy never changes. Bounded: emptied when full.
 */
const clearSkyEnergies = new Map<string, number>();
const MAX_CLEAR_SKY_ENERGIES = 10_000;

/** Clear-sky AC energy of [from, to), Wh, in 5-minute steps. */
function clearSkyEnergyWh(array: PvArrayConfig, from: number, to: number): number {
  const key = `${JSON.stringify(array)}|${from}|${to}`;
  const known = clearSkyEnergies.get(key);
  if (known !== undefined) return known;
  const step = 300_000;
  let wh = 0;
  for (let t = from + step / 2; t < to; t += step) wh += clearSkyAcW(t, array) * (step / 3_600_000);
  if (clearSkyEnergies.size >= MAX_CLEAR_SKY_ENERGIES) clearSkyEnergies.clear();
  clearSkyEnergies.set(key, wh);
  return wh;
}

/** Coefficient of variation of power / clear-sky power with the sun high enough; undefined if no shape. */
function shapeCv(
  samples: Sample[],
  clearSky: number[],
  input: RuleInput,
  cfg: RulesConfig,
): number | undefined {
  const ratios: number[] = [];
  samples.forEach((s, i) => {
    const cs = clearSky[i] as number;
    if (cs > 0 && sunElevationDeg(s.t, input.site) >= cfg.pv_daily.shape_min_elevation_deg)
      ratios.push(s.v / cs);
  });
  const m = mean(ratios);
  if (m === undefined || ratios.length < cfg.pv_daily.shape_min_samples || m < 0.02) return undefined;
  const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - m) ** 2, 0) / ratios.length);
  return sd / m;
}
