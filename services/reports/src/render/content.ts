/**
 * What every renderer writes, in the report's language: the title, the period, one row per institution
 * plus the programme's total, and the notes that qualify the figures (incomplete data, period not over,
 * institutions missing from the file, the subsidy kept apart, the CO2 factor's source).
 */
import { isProvisionalSource } from "@jisr/core";
import { formatDateTime, institutionName, periodLabel } from "../i18n/format.js";
import type { Catalogue } from "../i18n/types.js";
import type { AlertFigures, Figures, InstitutionReport, Report } from "../model/types.js";
import type { Metric } from "./metrics.js";

export interface Row {
  /** Institution id; "" on the total row. */
  id: string;
  name: string;
  figures: Figures;
  alerts?: AlertFigures;
  lowCompleteness: boolean;
  total: boolean;
}

const shareFormats = new Map<string, Intl.NumberFormat>();

/** A share 0..1 as "87,5 %" or "90 %" (at most one decimal) in the report's language. */
export function formatShare(share: number, c: Catalogue): string {
  let f = shareFormats.get(c.locale);
  if (!f) {
    f = new Intl.NumberFormat(c.locale, { style: "percent", maximumFractionDigits: 1 });
    shareFormats.set(c.locale, f);
  }
  return f.format(share);
}

/** The title: the programme's, or the institution's with its name. */
export function titleOf(report: Report, c: Catalogue): string {
  if (report.scope.kind === "programme") return c.title.programme;
  const inst = report.institutions[0];
  return inst ? `${c.title.institution}${sep(c)}${institutionName(inst.name, c.lang)}` : c.title.institution;
}

/** French puts a space before a colon. */
function sep(c: Catalogue): string {
  return c.lang === "fr" ? " : " : ": ";
}

/** "Période : 4e trimestre 2026". */
export function periodLine(report: Report, c: Catalogue): string {
  return `${c.labels.period}${sep(c)}${periodLabel(report.period, c)}`;
}

export function generatedLine(report: Report, c: Catalogue): string {
  return `${c.labels.generatedAt}${sep(c)}${formatDateTime(report.generatedAt, c, report.period.timeZone)}`;
}

/** One row per institution, then the total (for a single institution, its row only). */
export function rowsOf(report: Report, c: Catalogue): Row[] {
  const rows: Row[] = report.institutions.map((i) => institutionRow(i, c));
  if (report.scope.kind === "programme") {
    const lowest = report.totals.completeness.lowest;
    rows.push({
      id: "",
      name: c.labels.total,
      figures: report.totals,
      ...(report.totalAlerts ? { alerts: report.totalAlerts } : {}),
      lowCompleteness: lowest !== undefined && lowest < report.completenessThreshold,
      total: true,
    });
  }
  return rows;
}

function institutionRow(i: InstitutionReport, c: Catalogue): Row {
  return {
    id: i.id,
    name: institutionName(i.name, c.lang),
    figures: i.figures,
    ...(i.alerts ? { alerts: i.alerts } : {}),
    lowCompleteness: i.lowCompleteness,
    total: false,
  };
}

/** Whether the report was made with an alert history (else its alert columns would only be empty). */
export function hasAlerts(report: Report): boolean {
  return report.totalAlerts !== undefined || report.institutions.some((i) => i.alerts !== undefined);
}

/** "Économies totales (MAD)". */
export function headerOf(m: Metric, c: Catalogue): string {
  const unit = c.units[m.unit];
  return unit ? `${c.metrics[m.key]} (${unit})` : c.metrics[m.key];
}

/** The notes that qualify the figures, in the order a reader needs them. */
export function notesOf(report: Report, c: Catalogue): string[] {
  const notes: string[] = [];
  if (!report.periodOver) {
    notes.push(c.notes.periodNotOver(formatDateTime(report.generatedAt, c, report.period.timeZone)));
  }
  const threshold = formatShare(report.completenessThreshold, c);
  for (const i of report.institutions) {
    const lowest = i.figures.completeness.lowest;
    if (i.lowCompleteness && lowest !== undefined) {
      notes.push(c.notes.lowCompleteness(institutionName(i.name, c.lang), formatShare(lowest, c), threshold));
    }
  }
  for (const i of report.institutions) if (!i.listed) notes.push(c.notes.notListed(i.id));
  if (report.totals.money.butaneSubsidyAvoidedMad !== undefined) notes.push(c.notes.subsidyApart);
  // A provisional factor's source is a note to whoever configures the system ("U: placeholder. Confirm
  // with ONEE/AMEE..."): the ministry reads a neutral note in its language instead, once.
  const sources = report.co2Sources;
  if (sources.some(isProvisional)) notes.push(c.notes.co2Provisional);
  for (const source of sources.filter((s) => !isProvisional(s))) notes.push(c.notes.co2Source(source));
  return notes;
}

/** Whether the institutions file marks a figure's source provisional (core's rule, shared with the inventory). */
export const isProvisional = isProvisionalSource;
