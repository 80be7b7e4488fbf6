/**
 * `hot_water_monthly`: the local month's days added up. Minutes add up exactly (from the days' unrounded
 * totals) and percentages are recomputed from the sums, never averaged. Energies, money and CO2 are the
 * sums of the daily fields as written, so a report that adds the days finds the month's figure. Solar
 * fraction counts only the days where both solar and backup heat are known.
 */

import { daysOfMonth, localMonth } from "@jisr/core";
import { type DayTotals, type HotWaterDaily, hotWaterDaily, serviceFields } from "./daily.js";
import { DECIMALS, round } from "./rounding.js";
import type { HotWaterSettings } from "./settings-schema.js";
import type { HotWaterReadings } from "./types.js";

export interface HotWaterMonthlyFields {
  availability_pct?: number;
  available_minutes?: number;
  unavailable_minutes?: number;
  unknown_minutes: number;
  /** Days whose hygiene check passed, out of `hygiene_checked_days` with a verdict. */
  hygiene_days?: number;
  hygiene_checked_days?: number;
  scald_risk_minutes?: number;
  solar_heat_wh?: number;
  backup_energy_wh?: number;
  solar_fraction_pct?: number;
  backup_avoided_wh?: number;
  butane_avoided_kg?: number;
  savings_mad?: number;
  butane_subsidy_avoided_mad?: number;
  co2_avoided_kg?: number;
  completeness: number;
}

export interface HotWaterMonthly {
  measurement: "hot_water_monthly";
  /** "YYYY-MM". */
  month: string;
  /** UTC epoch ms of local midnight on the 1st. */
  time: number;
  fields: HotWaterMonthlyFields;
  days: HotWaterDaily[];
}

type Summed =
  | "scald_risk_minutes"
  | "solar_heat_wh"
  | "backup_energy_wh"
  | "backup_avoided_wh"
  | "butane_avoided_kg";
const SUMMED: [Summed | "savings_mad" | "butane_subsidy_avoided_mad" | "co2_avoided_kg", number][] = [
  ["scald_risk_minutes", 0],
  ["solar_heat_wh", DECIMALS.wh],
  ["backup_energy_wh", DECIMALS.wh],
  ["backup_avoided_wh", DECIMALS.wh],
  ["butane_avoided_kg", DECIMALS.kg],
  ["savings_mad", DECIMALS.mad],
  ["butane_subsidy_avoided_mad", DECIMALS.mad],
  ["co2_avoided_kg", DECIMALS.kg],
];

function monthTotals(days: readonly HotWaterDaily[]): DayTotals {
  const sum = (key: Exclude<keyof DayTotals, "hygiene" | "systems">) =>
    days.reduce((acc, d) => acc + d.detail.totals[key], 0);
  return {
    // Per-system minutes: completeness = known / (minutes × systems), so fold systems into minutes here.
    minutes: days.reduce((acc, d) => acc + d.detail.totals.minutes * d.detail.totals.systems, 0),
    systems: days.some((d) => d.detail.totals.systems > 0) ? 1 : 0,
    outletKnownMinutes: sum("outletKnownMinutes"),
    windowMinutes: sum("windowMinutes"),
    availableMinutes: sum("availableMinutes"),
    unavailableMinutes: sum("unavailableMinutes"),
    unknownMinutes: sum("unknownMinutes"),
    hygiene: "unknown",
  };
}

function solarFraction(days: readonly HotWaterDaily[]): number | undefined {
  let solar = 0;
  let base = 0;
  for (const d of days) {
    const [s, b] = [d.fields.solar_heat_wh, d.fields.backup_energy_wh];
    if (s === undefined || b === undefined) continue;
    solar += s;
    base += s + b;
  }
  return base > 0 ? round((solar / base) * 100, DECIMALS.pct) : undefined;
}

/** The month from its days (all of them, or the days so far for a month to date). */
export function monthlyFromDays(
  month: string,
  days: readonly HotWaterDaily[],
  timeZone: string,
): HotWaterMonthly {
  const { hygiene_ok: _daily, ...service } = serviceFields(monthTotals(days));
  const fields: HotWaterMonthlyFields = service;
  const checked = days.filter((d) => d.fields.hygiene_ok !== undefined);
  if (checked.length > 0) {
    fields.hygiene_days = checked.filter((d) => d.fields.hygiene_ok).length;
    fields.hygiene_checked_days = checked.length;
  }
  for (const [key, decimals] of SUMMED) {
    const values = days.map((d) => d.fields[key]).filter((v): v is number => v !== undefined);
    if (values.length > 0)
      fields[key] = round(
        values.reduce((a, b) => a + b, 0),
        decimals,
      );
  }
  const fraction = solarFraction(days);
  if (fraction !== undefined) fields.solar_fraction_pct = fraction;
  return {
    measurement: "hot_water_monthly",
    month,
    time: localMonth(month, timeZone).from,
    fields,
    days: [...days],
  };
}

/** The `hot_water_monthly` result of one institution for the local month "YYYY-MM" in `timeZone`. */
export function hotWaterMonthly(
  readings: HotWaterReadings | readonly HotWaterReadings[],
  settings: HotWaterSettings,
  month: string,
  timeZone: string,
): HotWaterMonthly {
  const days = daysOfMonth(month).map((day) => hotWaterDaily(readings, settings, day, timeZone));
  return monthlyFromDays(month, days, timeZone);
}
