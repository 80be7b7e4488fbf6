/**
 * The shape of the reports' message catalogue: one file per language (fr.ts, ar.ts, en.ts) so that a
 * translator edits one file; i18n.test.ts checks that the three hold the same keys and no empty text.
 */

export const LANGUAGES = ["fr", "ar", "en"] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Every figure a report shows, in the order the renderers show them (see render/metrics.ts). */
export const METRIC_KEYS = [
  "savingsTotal",
  "savingsElectricity",
  "savingsHotWater",
  "exportIncome",
  "butaneSubsidyAvoided",
  "pvEnergy",
  "selfConsumed",
  "selfConsumption",
  "solarHeat",
  "solarFraction",
  "availability",
  "hygieneDays",
  "hygieneCheckedDays",
  "butaneAvoided",
  "co2Avoided",
  "alertsRaised",
  "meanTimeToResolve",
  "completenessEnergy",
  "completenessHotWater",
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export type UnitKey = "mad" | "kwh" | "pct" | "kg" | "days" | "hours" | "count";

export interface Catalogue {
  lang: Lang;
  dir: "ltr" | "rtl";
  /** Intl locale for numbers and dates (Western digits in all three). */
  locale: string;
  /** Decimal separator of plain numbers (CSV); also decides the CSV field separator. */
  decimal: "," | ".";
  title: { programme: string; institution: string };
  /** "4e trimestre 2026"; `q` is 1..4. */
  quarter(q: number, year: number): string;
  year(year: number): string;
  labels: {
    period: string;
    generatedAt: string;
    institution: string;
    id: string;
    month: string;
    total: string;
    programmeTotals: string;
    byInstitution: string;
    byMonth: string;
    notes: string;
    summarySheet: string;
    /** Shown for a figure that could not be computed. */
    noData: string;
    /** Column of the CSV and XLSX rows whose completeness is below the threshold. */
    warning: string;
    incomplete: string;
  };
  metrics: Record<MetricKey, string>;
  units: Record<UnitKey, string>;
  notes: {
    lowCompleteness(name: string, pct: string, threshold: string): string;
    periodNotOver(date: string): string;
    notListed(id: string): string;
    subsidyApart: string;
    co2Source(source: string): string;
    /** For a factor the configuration marks provisional (tag U or C): neutral, never its comment. */
    co2Provisional: string;
  };
}
