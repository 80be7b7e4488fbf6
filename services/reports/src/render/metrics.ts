/**
 * The figures every renderer shows, as data: one entry per metric with its unit, decimals and where it
 * is in the model. CSV and XLSX show them all; the PDF's table by institution shows the `pdfSummary` ones.
 */
import { decimalsThatAddUp } from "../i18n/numbers.js";
import type { MetricKey, UnitKey } from "../i18n/types.js";
import type { AlertFigures, Figures } from "../model/types.js";

export interface Metric {
  key: MetricKey;
  unit: UnitKey;
  decimals: number;
  /** Shown as a percentage; `share` means the model holds 0..1 (completeness), else 0..100. */
  percent?: "pct" | "share";
  /** In the PDF's table by institution. */
  pdfSummary?: boolean;
  /** From the alert history: left out of a report made without one. */
  fromAlerts?: boolean;
  value(f: Figures, alerts?: AlertFigures): number | undefined;
}

export const METRICS: readonly Metric[] = [
  { key: "savingsTotal", unit: "mad", decimals: 2, pdfSummary: true, value: (f) => f.money.totalMad },
  { key: "savingsElectricity", unit: "mad", decimals: 2, value: (f) => f.money.electricityMad },
  { key: "savingsHotWater", unit: "mad", decimals: 2, value: (f) => f.money.hotWaterMad },
  { key: "exportIncome", unit: "mad", decimals: 2, value: (f) => f.money.exportIncomeMad },
  { key: "butaneSubsidyAvoided", unit: "mad", decimals: 2, value: (f) => f.money.butaneSubsidyAvoidedMad },
  { key: "pvEnergy", unit: "kwh", decimals: 1, pdfSummary: true, value: (f) => f.energy.pvKwh },
  { key: "selfConsumed", unit: "kwh", decimals: 1, value: (f) => f.energy.selfConsumedKwh },
  {
    key: "selfConsumption",
    unit: "pct",
    decimals: 1,
    percent: "pct",
    value: (f) => f.energy.selfConsumptionPct,
  },
  { key: "solarHeat", unit: "kwh", decimals: 1, pdfSummary: true, value: (f) => f.hotWater.solarHeatKwh },
  {
    key: "solarFraction",
    unit: "pct",
    decimals: 1,
    percent: "pct",
    value: (f) => f.hotWater.solarFractionPct,
  },
  {
    key: "availability",
    unit: "pct",
    decimals: 1,
    percent: "pct",
    pdfSummary: true,
    value: (f) => f.hotWater.availabilityPct,
  },
  { key: "hygieneDays", unit: "days", decimals: 0, value: (f) => f.hotWater.hygieneDays },
  { key: "hygieneCheckedDays", unit: "days", decimals: 0, value: (f) => f.hotWater.hygieneCheckedDays },
  { key: "butaneAvoided", unit: "kg", decimals: 1, value: (f) => f.hotWater.butaneAvoidedKg },
  { key: "co2Avoided", unit: "kg", decimals: 1, pdfSummary: true, value: (f) => f.co2.totalKg },
  { key: "alertsRaised", unit: "count", decimals: 0, fromAlerts: true, value: (_f, a) => a?.raised },
  {
    key: "meanTimeToResolve",
    unit: "hours",
    decimals: 1,
    fromAlerts: true,
    value: (_f, a) => a?.meanTimeToResolveHours,
  },
  {
    key: "completenessEnergy",
    unit: "pct",
    decimals: 1,
    percent: "share",
    pdfSummary: true,
    value: (f) => f.completeness.energy,
  },
  {
    key: "completenessHotWater",
    unit: "pct",
    decimals: 1,
    percent: "share",
    pdfSummary: true,
    value: (f) => f.completeness.hotWater,
  },
];

/** The metrics a report shows: without an alert history, the alert columns would only be empty. */
export function metricsFor(withAlerts: boolean): readonly Metric[] {
  return withAlerts ? METRICS : METRICS.filter((m) => !m.fromAlerts);
}

/** Figures that add up from rows to a total (a percentage or a mean does not). */
const ADDITIVE_UNITS: ReadonlySet<UnitKey> = new Set(["mad", "kwh", "kg", "days", "count"]);

/**
 * The metrics of a table whose last row is the total of the others, each with the decimals that make its
 * displayed rows add up to its displayed total (numbers.ts): 2,60 + 1,50 + 0,60 = 4,70, never
 * 3 + 2 + 1 = 5.
 */
export function columnMetrics(
  metrics: readonly Metric[],
  rows: ReadonlyArray<{ figures: Figures; alerts?: AlertFigures }>,
  total: { figures: Figures; alerts?: AlertFigures },
): Metric[] {
  return metrics.map((m) => {
    const t = m.value(total.figures, total.alerts);
    if (!ADDITIVE_UNITS.has(m.unit) || m.percent || t === undefined) return m;
    const values = rows.map((r) => m.value(r.figures, r.alerts)).filter((v): v is number => v !== undefined);
    return { ...m, decimals: decimalsThatAddUp(values, t, m.decimals) };
  });
}

/** The value as a percentage 0..100 for percent metrics, as is otherwise. */
export function displayValue(m: Metric, v: number): number {
  return m.percent === "share" ? v * 100 : v;
}
