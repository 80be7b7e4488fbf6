/**
 * The expected PV output the rules compare with: the clear-sky model of @jisr/core/solar (an expected
 * MAXIMUM, DOMAIN.md §4.1: dust and haze make real clear days lower), or PVWatts on the measured
 * plane-of-array irradiance when the site has a sensor (DOMAIN.md §4.2).
 */

import {
  ambientTemperatureC,
  moduleTemperatureC,
  type PvArrayConfig,
  pvOperatingPoint,
  sunPosition,
} from "@jisr/core/solar";
import type { RulesConfig } from "../config/schema.js";
import type { InverterInfo, SiteInfo } from "../types.js";

export type PvModel = RulesConfig["pv_model"];

export function arrayOf(site: SiteInfo, inv: InverterInfo, model: PvModel): PvArrayConfig {
  return {
    latDeg: site.latDeg,
    lonDeg: site.lonDeg,
    tiltDeg: inv.tiltDeg,
    azimuthDeg: inv.azimuthDeg,
    kwp: inv.kwp,
    acRatingW: inv.acRatingW ?? (inv.kwp * 1000) / 1.1,
    efficiency: model.efficiency_pct / 100,
    gammaPerK: model.gamma_pct_per_k / 100,
    noctC: model.noct_c,
    albedo: model.albedo,
  };
}

/** Clear-sky AC output, W (before the healthy-plant derate). */
export function clearSkyAcW(t: number, array: PvArrayConfig): number {
  return pvOperatingPoint(t, array).acW;
}

/** Clear-sky plane-of-array irradiance, W/m². */
export function clearSkyPoa(t: number, array: PvArrayConfig): number {
  return pvOperatingPoint(t, array).poaWm2;
}

export function sunElevationDeg(t: number, site: SiteInfo): number {
  return sunPosition(t, site.latDeg, site.lonDeg).elevationDeg;
}

/**
 * PVWatts AC output for a measured plane-of-array irradiance, W: P = kWp · G/1000 · (1 + γ (T_cell − 25)),
 * times the inverter efficiency, clipped at the AC rating. T_cell is the measured module temperature when
 * there is one, else NOCT from the measured (or climatological) ambient.
 */
export function measuredPoaAcW(
  t: number,
  array: PvArrayConfig,
  poaWm2: number,
  moduleC?: number,
  ambientC?: number,
): number {
  const g = Math.max(poaWm2, 0);
  const cell =
    moduleC ?? moduleTemperatureC(ambientC ?? ambientTemperatureC(t, array.lonDeg), g, array.noctC);
  const dc = Math.max(array.kwp * g * (1 + array.gammaPerK * (cell - 25)), 0);
  return Math.min(dc * array.efficiency, array.acRatingW);
}
