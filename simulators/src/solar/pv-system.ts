// The simulated plant: the clear-sky model of @jisr/core (shared with the alert rules) under the
// simulators' seeded clouds. Types and defaults keep the names the simulators have always imported.
import {
  defaultPvArray,
  type PvArrayConfig,
  type PvConditions,
  type PvOperatingPoint,
  pvOperatingPoint as pvArrayOperatingPoint,
} from "@jisr/core/solar";
import { cloudFactor } from "./clouds.js";

export type { PvConditions, PvOperatingPoint } from "@jisr/core/solar";

export interface PvSystemConfig extends PvArrayConfig {
  /** Seed of the cloud noise; `null` gives a clear sky. */
  cloudSeed: number | null;
}

/** Ben Guerir (Jisr programme area), 30° south-facing, a 96 % inverter sized at DC/AC 1.1. */
export function defaultPvSystem(kwp: number, cloudSeed: number | null): PvSystemConfig {
  return { ...defaultPvArray(kwp), cloudSeed };
}

/** Array and inverter output at the UTC instant `utcMs`, under the clouds of `cfg.cloudSeed`. */
export function pvOperatingPoint(utcMs: number, cfg: PvSystemConfig, cond?: PvConditions): PvOperatingPoint {
  const skyFactor = cfg.cloudSeed === null ? 1 : cloudFactor(utcMs, cfg.cloudSeed);
  return pvArrayOperatingPoint(utcMs, cfg, { ...cond, skyFactor });
}
