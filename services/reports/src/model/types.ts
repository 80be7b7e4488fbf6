/**
 * The report as data: what every renderer (CSV, XLSX, PDF, the web page) shows, computed once by
 * buildReport from the analytics job's monthly results (docs/analytics-results.md). A figure that could
 * not be computed is absent (undefined), never 0: "no data" and "nothing saved" are different answers.
 */
import type { ReportPeriod } from "../period.js";
import type { ReconciliationSection } from "./reconciliation.js";

export interface MoneyFigures {
  /** PV: electricity bill saved plus export income (`savings_monthly.savings_mad`), MAD TTC. */
  electricityMad?: number;
  /** Solar hot water: the backup energy it avoided, butane or electricity (`hot_water_monthly.savings_mad`). */
  hotWaterMad?: number;
  /** electricity + hot water. */
  totalMad?: number;
  /** The part of `electricityMad` paid for exported kWh. */
  exportIncomeMad?: number;
  /** The state's butane subsidy avoided: reported apart, never in `totalMad` (it is not the institution's money). */
  butaneSubsidyAvoidedMad?: number;
}

export interface EnergyFigures {
  pvKwh?: number;
  selfConsumedKwh?: number;
  /** Self-consumed / produced, over the months where both are known. */
  selfConsumptionPct?: number;
  importKwh?: number;
  exportKwh?: number;
}

export interface HotWaterFigures {
  solarHeatKwh?: number;
  backupKwh?: number;
  /** Solar heat / (solar heat + backup): the months' fractions weighted by their heat (see tally.ts). */
  solarFractionPct?: number;
  /** Demand-window minutes at service temperature / minutes with data. */
  availabilityPct?: number;
  availableMinutes?: number;
  unavailableMinutes?: number;
  unknownMinutes?: number;
  /** Days whose Legionella check passed, out of `hygieneCheckedDays` with a verdict. */
  hygieneDays?: number;
  hygieneCheckedDays?: number;
  butaneAvoidedKg?: number;
}

export interface Co2Figures {
  pvKg?: number;
  hotWaterKg?: number;
  totalKg?: number;
}

export interface CompletenessFigures {
  /** Share (0..1) of the expected PV and grid-meter readings present; absent without PV or grid meter. */
  energy?: number;
  /** Share (0..1) of minutes with a tank outlet reading; absent without solar water heater. */
  hotWater?: number;
  /** The lower of the two: what the low-completeness flag looks at. */
  lowest?: number;
}

export interface Figures {
  money: MoneyFigures;
  energy: EnergyFigures;
  hotWater: HotWaterFigures;
  co2: Co2Figures;
  completeness: CompletenessFigures;
}

export interface AlertFigures {
  /** Alerts that started firing in the period. */
  raised: number;
  /** Of those, how many are resolved (whenever that was). */
  resolved: number;
  /** Mean time from firing to resolution of the resolved ones, in hours. */
  meanTimeToResolveHours?: number;
}

export interface InstitutionName {
  fr: string;
  ar: string;
  en?: string;
}

export interface MonthFigures {
  /** "2026-10". */
  month: string;
  figures: Figures;
}

export interface InstitutionReport {
  id: string;
  name: InstitutionName;
  /** False for an institution found in the results but not in the institutions file. */
  listed: boolean;
  figures: Figures;
  /** Month by month (one entry per month of the period, in order). */
  months: MonthFigures[];
  alerts?: AlertFigures;
  /** True when `figures.completeness.lowest` is below the report's threshold. */
  lowCompleteness: boolean;
}

export type ReportScope = { kind: "programme" } | { kind: "institution"; id: string };

export interface Report {
  period: ReportPeriod;
  scope: ReportScope;
  /** Epoch ms. */
  generatedAt: number;
  /** False while the period is still running at `generatedAt`: the figures are to date. */
  periodOver: boolean;
  /** Completeness below this (0..1) is flagged. */
  completenessThreshold: number;
  institutions: InstitutionReport[];
  /** Sums over `institutions` (for one institution, its own figures). */
  totals: Figures;
  totalAlerts?: AlertFigures;
  /** Where the CO2 grid factor comes from, as the institutions file says. */
  co2Sources: string[];
  /** The bills recorded over the period, reconciled (model/reconciliation.ts); absent unless asked for. */
  reconciliation?: ReconciliationSection;
}
