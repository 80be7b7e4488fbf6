/**
 * What the solar heat saved (DOMAIN.md §2.3, D): had there been no sun, the backup would have supplied
 * the same heat, so it avoided Q_solar / η_backup of backup energy. Butane is priced here, at the bottle
 * price in force on the day, with the state subsidy avoided reported apart. Electric backup is NOT priced
 * here: the kWh avoided go to the savings job, which prices them through the bill counterfactual, after
 * the PV's self-consumption (jobs/hot-water-step.ts; progressive and selective brackets make a flat kWh
 * price wrong, and make two savings priced against the same bill not add up).
 */
import { type BackupSettings, bottlePriceOn } from "./backup-schema.js";

export interface Co2Factors {
  gridKgPerKwh: number;
  butaneKgPerKg: number;
}

export interface SolarSavings {
  /** Backup energy the solar heat avoided, Wh: electricity, or butane's gas energy. */
  avoidedInputWh: number;
  /** Butane only. */
  butaneKg?: number;
  bottles?: number;
  /** Butane only: bottles × the retail price paid; absent before the first configured price. */
  savingsMad?: number;
  /** Butane only: bottles × the state subsidy per bottle, when the subsidy is known. */
  subsidyAvoidedMad?: number;
  co2AvoidedKg: number;
}

/** Savings of `solarHeatWh` of solar heat delivered on the local day `day` ("YYYY-MM-DD"). */
export function solarSavings(
  solarHeatWh: number,
  backup: BackupSettings,
  co2: Co2Factors,
  day: string,
): SolarSavings {
  const avoidedInputWh = solarHeatWh / backup.efficiency;
  if (backup.kind === "electric") {
    return { avoidedInputWh, co2AvoidedKg: (avoidedInputWh / 1000) * co2.gridKgPerKwh };
  }
  const butaneKg = (avoidedInputWh / 1000) * backup.kgPerKwh;
  const bottles = butaneKg / backup.bottleKg;
  const result: SolarSavings = {
    avoidedInputWh,
    butaneKg,
    bottles,
    co2AvoidedKg: butaneKg * co2.butaneKgPerKg,
  };
  const price = bottlePriceOn(backup.prices, day);
  if (price) result.savingsMad = bottles * price.retailMad;
  if (price?.subsidyMad !== undefined) result.subsidyAvoidedMad = bottles * price.subsidyMad;
  return result;
}
