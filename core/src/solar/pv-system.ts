// One operating point of a fixed-tilt PV array and its inverter, as a pure function of time: the clear-sky
// output a plant should reach (the alert rules' "expected maximum", DOMAIN.md 4.1), or, with a sky factor,
// what the simulators serve under their clouds.
import { type BeamDiffuse, erbs, haurwitzGhi } from "./clearsky.js";
import { cosAngleOfIncidence, poaIrradiance } from "./poa.js";
import { extraterrestrialWm2, sunPosition } from "./position.js";
import { ambientTemperatureC, moduleTemperatureC } from "./temperature.js";

export interface PvArrayConfig {
  latDeg: number;
  lonDeg: number;
  tiltDeg: number;
  /** Azimuth the modules face, clockwise from north (180 = south). */
  azimuthDeg: number;
  /** DC nameplate at STC, kW. */
  kwp: number;
  /** Maximum AC output, W; above it the inverter clips (leaves the MPP). */
  acRatingW: number;
  /** DC→AC conversion efficiency, 0-1. */
  efficiency: number;
  /** Power temperature coefficient, 1/K (−0.004 = −0.4 %/K). */
  gammaPerK: number;
  noctC: number;
  albedo: number;
}

/** Ben Guerir (Jisr programme area), 30° south-facing, a 96 % inverter sized at DC/AC 1.1. */
export function defaultPvArray(kwp: number): PvArrayConfig {
  return {
    latDeg: 32.23,
    lonDeg: -7.95,
    tiltDeg: 30,
    azimuthDeg: 180,
    kwp,
    acRatingW: (kwp * 1000) / 1.1,
    efficiency: 0.96,
    gammaPerK: -0.004,
    noctC: 45,
    albedo: 0.2,
  };
}

/** Conditions that change a plant's output. All optional: none gives the clear-sky output. */
export interface PvConditions {
  /** Light lost to dust on the modules, percent (0-100). */
  soilingPct?: number;
  /** Share of the array connected to the inverter, 0-1 (less after a string failure). */
  connectedShare?: number;
  /** Factor (0-1) on the clear-sky GHI: clouds, haze. 1 (the default) is a clear sky. */
  skyFactor?: number;
  /** Measured ambient temperature, °C; without it, the Ben Guerir climatology of temperature.ts. */
  ambientC?: number;
}

export interface PvOperatingPoint {
  sunElevationDeg: number;
  sunAzimuthDeg: number;
  ghiWm2: number;
  poaWm2: number;
  ambientC: number;
  moduleC: number;
  /** DC power the array could deliver at its maximum power point, W. */
  dcAvailableW: number;
  /** AC output if the inverter is running, W (after efficiency and clipping). */
  acW: number;
  /** DC power actually drawn from the array, W (less than available when clipping). */
  dcW: number;
  clipped: boolean;
}

function beamDiffuse(ghi: number, zenithDeg: number, distanceAu: number): BeamDiffuse {
  return erbs(ghi, zenithDeg, extraterrestrialWm2(distanceAu));
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** Array and inverter output at the UTC instant `utcMs`. */
export function pvOperatingPoint(utcMs: number, cfg: PvArrayConfig, cond?: PvConditions): PvOperatingPoint {
  const sun = sunPosition(utcMs, cfg.latDeg, cfg.lonDeg);
  const ghi = haurwitzGhi(sun.zenithDeg) * clamp(cond?.skyFactor ?? 1, 0, 1);
  // Clouds scatter the beam into diffuse light: decomposing the attenuated GHI captures that.
  const { dniWm2, dhiWm2 } = beamDiffuse(ghi, sun.zenithDeg, sun.distanceAu);
  const cosAoi = cosAngleOfIncidence(cfg, sun.zenithDeg, sun.azimuthDeg);
  const poa = poaIrradiance({
    ghiWm2: ghi,
    dniWm2,
    dhiWm2,
    cosAoi,
    tiltDeg: cfg.tiltDeg,
    albedo: cfg.albedo,
  });
  const effectivePoa = poa * (1 - clamp(cond?.soilingPct ?? 0, 0, 100) / 100);
  const ambientC = cond?.ambientC ?? ambientTemperatureC(utcMs, cfg.lonDeg);
  const moduleC = moduleTemperatureC(ambientC, poa, cfg.noctC);
  // PVWatts DC model (pvlib `pvwatts_dc`): linear in irradiance and in cell temperature.
  const share = clamp(cond?.connectedShare ?? 1, 0, 1);
  const dcAvailableW = Math.max(share * cfg.kwp * effectivePoa * (1 + cfg.gammaPerK * (moduleC - 25)), 0);
  const clipped = dcAvailableW * cfg.efficiency > cfg.acRatingW;
  const acW = clipped ? cfg.acRatingW : dcAvailableW * cfg.efficiency;
  return {
    sunElevationDeg: sun.elevationDeg,
    sunAzimuthDeg: sun.azimuthDeg,
    ghiWm2: ghi,
    poaWm2: effectivePoa,
    ambientC,
    moduleC,
    dcAvailableW,
    acW,
    dcW: acW / cfg.efficiency,
    clipped,
  };
}
