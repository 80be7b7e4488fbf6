/**
 * From metered energy to the fields of `energy_*` and `savings_*` (docs/analytics-results.md). Pure.
 * A field that cannot be computed is left out, never written as 0.
 */
import type { LocalPeriod } from "@jisr/core";
import { HOUR_MS } from "@jisr/core";
import { bill } from "../tariff/bill.js";
import { centimes, mad } from "../tariff/money.js";
import { type Savings, savings, type YearBefore } from "../tariff/savings.js";
import type { Tariff } from "../tariff/schema.js";
import type { HourlyKwh } from "../tariff/types.js";
import {
  hourRange,
  type MeteredCounter,
  type MeteredEnergy,
  meteredCompleteness,
  selfConsumption,
  selfKnownAt,
  sumWh,
} from "./metered.js";

export type Fields = Record<string, number | boolean>;

const round = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};

/** The fields of `energy_daily` / `energy_monthly` over [from, to). */
export function energyFields(m: MeteredEnergy, from: number, to: number, co2KgPerKwh: number): Fields {
  const pv = sumWh(m.pv, m, from, to);
  const imported = sumWh(m.import, m, from, to);
  const exported = sumWh(m.export, m, from, to);
  // Over the hours where PV and export are both known only, so that a month is the sum of its days and
  // a grid meter's outage does not turn the PV of its hours into self-consumption.
  const self = selfConsumption(m, from, to);
  const fields: Fields = { completeness: round(meteredCompleteness(m, from, to), 4) };
  const anomalies = counterAnomalies(m, from, to);
  if (anomalies !== undefined) fields.counter_anomalies = anomalies;
  if (pv !== undefined) fields.pv_energy_wh = round(pv, 1);
  if (imported !== undefined) fields.import_wh = round(imported, 1);
  if (exported !== undefined) fields.export_wh = round(exported, 1);
  if (self !== undefined) {
    fields.self_consumed_wh = round(self.selfWh, 1);
    if (self.pvWh > 0) fields.self_consumption_pct = round((self.selfWh / self.pvWh) * 100, 2);
    // Every PV kWh, used on site or exported, is a kWh the grid did not generate.
    fields.co2_avoided_kg = round(((self.selfWh + self.exportWh) / 1000) * co2KgPerKwh, 3);
    if (self.consumptionWh !== undefined) fields.consumption_wh = round(self.consumptionWh, 1);
  } else if (pv !== undefined && m.export === undefined) {
    // No grid meter: PV energy is still known, and avoids the same CO2 whether used or exported.
    fields.co2_avoided_kg = round((pv / 1000) * co2KgPerKwh, 3);
  }
  return fields;
}

/**
 * How many counter decisions (energy/counter.ts ANOMALY_KINDS) the readings of [from, to) needed, over the
 * PV, import and export counters; undefined without any counter. Stored with the energy so that a figure
 * shows it was corrected, and the job's log says how (one line per decision).
 */
function counterAnomalies(m: MeteredEnergy, from: number, to: number): number | undefined {
  const counters = [m.pv, m.import, m.export].filter((c) => c !== undefined);
  if (counters.length === 0) return undefined;
  const [first, last] = hourRange(m, from, to);
  let n = 0;
  for (const c of counters) for (let h = first; h < last; h++) n += c.energy.anomalies?.[h] ?? 0;
  return n;
}

/** The kWh of `c` per hour of [from, to), in the hours `keep` accepts (default: all). */
function hourlyKwh(
  c: MeteredCounter | undefined,
  m: MeteredEnergy,
  from: number,
  to: number,
  keep: (h: number) => boolean = () => true,
): HourlyKwh[] {
  if (!c) return [];
  const [first, last] = hourRange(m, from, to);
  const out: HourlyKwh[] = [];
  for (let h = first; h < last; h++) {
    if (keep(h)) out.push({ start: m.from + h * HOUR_MS, kwh: (c.energy.wh[h] as number) / 1000 });
  }
  return out;
}

/**
 * The month to date [monthFrom, to) through the tariff: both bills and the savings, or what is known.
 * The bill with solar is that of every metered import; self-consumption and export (their income, the
 * export cap's share) count only the hours where PV and export are both known, as the energy fields do:
 * an hour without one of them adds nothing to the savings.
 */
export function monthToDate(
  m: MeteredEnergy,
  tariff: Tariff,
  month: LocalPeriod,
  to: number,
  yearBefore: YearBefore,
): { savings?: Savings; billWithSolar?: number } {
  if (sumWh(m.import, m, month.from, to) === undefined) return {};
  const imports = hourlyKwh(m.import, m, month.from, to);
  const known = (h: number) => selfKnownAt(m, h);
  const production = hourlyKwh(m.pv, m, month.from, to, known);
  if (production.length === 0) return { billWithSolar: bill(imports, tariff, month.label).total.ttc };
  const metered = { import: imports, export: hourlyKwh(m.export, m, month.from, to, known), production };
  const s = savings(metered, tariff, month.label, yearBefore);
  return { savings: s, billWithSolar: s.withSolar.total.ttc };
}

/**
 * The fields of `savings_daily` for one day from the month to date at its end and at the end of the day
 * before (undefined on the 1st): the day's saving is the increase, so a month's days add up to its total.
 */
export function savingsDailyFields(
  mtd: ReturnType<typeof monthToDate>,
  before: ReturnType<typeof monthToDate> | undefined,
  completeness: number,
  partial: boolean,
): Fields | undefined {
  if (mtd.billWithSolar === undefined) return undefined;
  const fields: Fields = { bill_with_solar_mad: mtd.billWithSolar, completeness: round(completeness, 4) };
  const s = mtd.savings;
  if (!s) return fields;
  fields.partial = partial;
  const prev = before?.savings;
  fields.bill_without_solar_mad = s.withoutSolar.total.ttc;
  fields.savings_mtd_mad = s.total;
  fields.savings_mad = mad(centimes(s.total) - centimes(prev?.total ?? 0));
  fields.export_income_mad = mad(centimes(s.exportIncome.amount) - centimes(prev?.exportIncome.amount ?? 0));
  if (s.exportCap.sharePct !== null) fields.export_share_pct = round(s.exportCap.sharePct, 2);
  return fields;
}

/**
 * The fields of `savings_monthly` from the month to date at its last computed day. `partial` (here and
 * daily): the period has hours the savings left out (metered.ts, leavesOutHours).
 */
export function savingsMonthlyFields(
  mtd: ReturnType<typeof monthToDate>,
  completeness: number,
  partial: boolean,
): Fields | undefined {
  if (mtd.billWithSolar === undefined) return undefined;
  const fields: Fields = { bill_with_solar_mad: mtd.billWithSolar, completeness: round(completeness, 4) };
  const s = mtd.savings;
  if (!s) return fields;
  fields.partial = partial;
  fields.bill_without_solar_mad = s.withoutSolar.total.ttc;
  fields.savings_mad = s.total;
  fields.export_income_mad = s.exportIncome.amount;
  if (s.exportCap.sharePct !== null) fields.export_share_pct = round(s.exportCap.sharePct, 2);
  return fields;
}
