/**
 * `hot_water_daily`: one point per institution and local day (docs/analytics-results.md). An institution
 * may have several solar water heaters: minutes and energies add up over them, and the hygiene check
 * fails if any tank fails. A field that cannot be computed is omitted, never written as 0.
 */
import type { Availability } from "./availability.js";
import { type DayGrid, dayGrid } from "./local-day.js";
import { DECIMALS, round } from "./rounding.js";
import { type SolarSavings, solarSavings } from "./savings.js";
import type { HotWaterSettings } from "./settings-schema.js";
import { type SystemDay, systemDay } from "./system-day.js";
import type { HotWaterReadings, Verdict } from "./types.js";

/** The fields of `hot_water_daily` (snake_case, as written to InfluxDB). */
export interface HotWaterDailyFields {
  availability_pct?: number;
  available_minutes?: number;
  unavailable_minutes?: number;
  unknown_minutes: number;
  hygiene_ok?: boolean;
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

/** Unrounded sums over the systems, kept so the month adds minutes up exactly. */
export interface DayTotals {
  minutes: number;
  systems: number;
  outletKnownMinutes: number;
  windowMinutes: number;
  availableMinutes: number;
  unavailableMinutes: number;
  unknownMinutes: number;
  hygiene: Verdict;
}

export interface HotWaterDaily {
  measurement: "hot_water_daily";
  /** "YYYY-MM-DD", local. */
  day: string;
  /** UTC epoch ms of the local midnight that starts the day: the point's time. */
  time: number;
  fields: HotWaterDailyFields;
  detail: { totals: DayTotals; systems: SystemDay[]; savings?: SolarSavings };
}

function sumOf<T>(items: readonly T[], get: (t: T) => number | undefined): number | undefined {
  const known = items.map(get).filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0);
}

function combinedHygiene(systems: readonly SystemDay[]): Verdict {
  const verdicts = systems.map((s) => s.hygiene.verdict);
  if (verdicts.includes("fail")) return "fail";
  return verdicts.length > 0 && verdicts.every((v) => v === "pass") ? "pass" : "unknown";
}

function totalsOf(systems: readonly SystemDay[], day: DayGrid): DayTotals {
  const sum = (key: keyof Omit<Availability, "windows" | "availabilityPct">) =>
    systems.reduce((acc, s) => acc + s.availability[key], 0);
  return {
    minutes: day.minutes,
    systems: systems.length,
    outletKnownMinutes: systems.reduce((acc, s) => acc + s.outletKnownMinutes, 0),
    windowMinutes: sum("windowMinutes"),
    availableMinutes: sum("availableMinutes"),
    unavailableMinutes: sum("unavailableMinutes"),
    unknownMinutes: sum("unknownMinutes"),
    hygiene: combinedHygiene(systems),
  };
}

/** Availability and hygiene fields, from the totals. */
export function serviceFields(t: DayTotals): HotWaterDailyFields {
  const fields: HotWaterDailyFields = {
    unknown_minutes: t.unknownMinutes,
    completeness: t.systems === 0 ? 0 : round(t.outletKnownMinutes / (t.minutes * t.systems), DECIMALS.ratio),
  };
  const known = t.availableMinutes + t.unavailableMinutes;
  if (known > 0) {
    fields.availability_pct = round((t.availableMinutes / known) * 100, DECIMALS.pct);
    fields.available_minutes = t.availableMinutes;
    fields.unavailable_minutes = t.unavailableMinutes;
  }
  if (t.hygiene !== "unknown") fields.hygiene_ok = t.hygiene === "pass";
  return fields;
}

/** Energy, money and CO2 fields. */
function energyFields(systems: readonly SystemDay[], settings: HotWaterSettings, day: string) {
  const fields: Partial<HotWaterDailyFields> = {};
  const scald = sumOf(systems, (s) => s.scald?.minutes);
  if (scald !== undefined) fields.scald_risk_minutes = scald;
  const solar = sumOf(systems, (s) => s.solarHeat?.wh);
  const backup = sumOf(systems, (s) => s.backup?.wh);
  if (backup !== undefined) fields.backup_energy_wh = round(backup, DECIMALS.wh);
  const both = systems.filter((s) => s.solarHeat && s.backup);
  const fractionBase = sumOf(both, (s) => (s.solarHeat?.wh ?? 0) + (s.backup?.wh ?? 0));
  if (fractionBase !== undefined && fractionBase > 0) {
    const solarOfBoth = sumOf(both, (s) => s.solarHeat?.wh) ?? 0;
    fields.solar_fraction_pct = round((solarOfBoth / fractionBase) * 100, DECIMALS.pct);
  }
  if (solar === undefined) return { fields };
  fields.solar_heat_wh = round(solar, DECIMALS.wh);
  const savings = solarSavings(solar, settings.backup, settings.co2, day);
  fields.backup_avoided_wh = round(savings.avoidedInputWh, DECIMALS.wh);
  if (savings.butaneKg !== undefined) fields.butane_avoided_kg = round(savings.butaneKg, DECIMALS.kg);
  if (savings.savingsMad !== undefined) fields.savings_mad = round(savings.savingsMad, DECIMALS.mad);
  if (savings.subsidyAvoidedMad !== undefined) {
    fields.butane_subsidy_avoided_mad = round(savings.subsidyAvoidedMad, DECIMALS.mad);
  }
  fields.co2_avoided_kg = round(savings.co2AvoidedKg, DECIMALS.kg);
  return { fields, savings };
}

/**
 * The `hot_water_daily` result of one institution for the local day "YYYY-MM-DD" in `timeZone`, from the
 * readings of its solar water heater(s). Pure: the same readings give the same result.
 */
export function hotWaterDaily(
  readings: HotWaterReadings | readonly HotWaterReadings[],
  settings: HotWaterSettings,
  day: string,
  timeZone: string,
): HotWaterDaily {
  const period = dayGrid(day, timeZone);
  const list: readonly HotWaterReadings[] = Array.isArray(readings)
    ? readings
    : [readings as HotWaterReadings];
  const systems = list.map((r) => systemDay(r, settings, period, timeZone));
  const totals = totalsOf(systems, period);
  const energy = energyFields(systems, settings, day);
  const result: HotWaterDaily = {
    measurement: "hot_water_daily",
    day,
    time: period.start,
    fields: { ...serviceFields(totals), ...energy.fields },
    detail: { totals, systems },
  };
  if (energy.savings) result.detail.savings = energy.savings;
  return result;
}
