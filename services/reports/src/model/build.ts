/**
 * buildReport: the figures of one institution or of the whole programme for a month, quarter or year,
 * from the monthly points the job wrote (the ones the dashboards and `jisr savings` read), so the three
 * agree. Reads only; computes nothing the job already computed.
 */
import { localMonth } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { ERR } from "../errors.js";
import { parsePeriod, type ReportPeriod } from "../period.js";
import { type AlertHistory, alertFigures, readAlerts } from "./alerts.js";
import { type MonthlyResults, type MonthValues, readMonthlyResults } from "./read.js";
import { buildReconciliationSection, type ReconciliationSource } from "./reconciliation.js";
import { type Expected, figuresOf, mergeTallies, monthTally, type Tally } from "./tally.js";
import type { InstitutionName, InstitutionReport, Report } from "./types.js";

/** What a report needs of an institution; `Institution` of @jisr/analytics fits as it is. */
export interface ReportInstitution {
  id: string;
  name: InstitutionName;
  pv?: unknown;
  gridMeter?: unknown;
  hotWater?: unknown;
  co2?: { source: string };
}

/** What a report needs of the institutions file; `InstitutionsConfig` of @jisr/analytics fits as it is. */
export interface ReportInstitutions {
  timeZone: string;
  institutions: readonly ReportInstitution[];
}

export interface BuildReportOptions {
  store: Store;
  /** "2026-10", "2026-Q4", "2026", or a parsed period. */
  period: string | ReportPeriod;
  /** One institution's report; the whole programme when absent. */
  institution?: string;
  institutions: ReportInstitutions;
  /** The alert history (the alerting API's client, alertingClient); without it the report has no alert figures. */
  alerts?: AlertHistory;
  /** When the report is made (epoch ms); default now. */
  now?: number;
  /** Completeness below this share is flagged; default 0.9. */
  completenessThreshold?: number;
  /** The recorded bills: adds the reconciliation section (model/reconciliation.ts). */
  bills?: ReconciliationSource;
}

export const DEFAULT_COMPLETENESS_THRESHOLD = 0.9;

export async function buildReport(o: BuildReportOptions): Promise<Report> {
  const period = typeof o.period === "string" ? parsePeriod(o.period, o.institutions.timeZone) : o.period;
  const now = o.now ?? Date.now();
  const threshold = o.completenessThreshold ?? DEFAULT_COMPLETENESS_THRESHOLD;
  const listed = o.institutions.institutions;
  if (o.institution !== undefined && !listed.some((i) => i.id === o.institution)) {
    throw ERR.UNKNOWN_INSTITUTION(
      o.institution,
      listed.map((i) => i.id),
    );
  }
  const results = await readMonthlyResults(o.store, period, o.institution);
  const alerts = o.alerts
    ? await readAlerts(o.alerts, period.from, period.to, o.institution ? [o.institution] : undefined)
    : undefined;
  const subjects = subjectsOf(listed, results, o.institution);
  const tallies = new Map<string, Tally>();
  const institutions = subjects.map((inst) => {
    const { report, tally } = institutionReport(inst, results, period, now, threshold);
    tallies.set(inst.id, tally);
    if (alerts) report.alerts = alertFigures(alerts.get(inst.id) ?? []);
    return report;
  });
  const totals = figuresOf(mergeTallies([...tallies.values()]));
  const report: Report = {
    period,
    scope: o.institution ? { kind: "institution", id: o.institution } : { kind: "programme" },
    generatedAt: now,
    periodOver: now >= period.to,
    completenessThreshold: threshold,
    institutions,
    totals,
    co2Sources: [...new Set(subjects.flatMap((i) => (i.co2 ? [i.co2.source] : [])))],
  };
  // The institutions shown only, so that the total row adds up the rows above it.
  if (alerts) report.totalAlerts = alertFigures(subjects.flatMap((i) => alerts.get(i.id) ?? []));
  if (o.bills)
    report.reconciliation = await buildReconciliationSection(o.store, period, o.bills, o.institution);
  return report;
}

/**
 * The institutions of the file (or the one asked for), then any other institution that has results:
 * the dashboards add up every institution in the database, and so must the programme's totals.
 */
function subjectsOf(
  listed: readonly ReportInstitution[],
  results: MonthlyResults,
  only: string | undefined,
): Array<ReportInstitution & { listed: boolean }> {
  if (only) return listed.filter((i) => i.id === only).map((i) => ({ ...i, listed: true }));
  const known = new Set(listed.map((i) => i.id));
  const others = [...results.keys()]
    .filter((id) => !known.has(id))
    .sort()
    .map((id) => ({ id, name: { fr: id, ar: id }, listed: false }));
  return [...listed.map((i) => ({ ...i, listed: true })), ...others];
}

function expectedOf(
  inst: ReportInstitution & { listed: boolean },
  months: Map<string, MonthValues>,
): Expected {
  if (inst.listed) {
    return {
      energy: inst.pv !== undefined || inst.gridMeter !== undefined,
      hotWater: inst.hotWater !== undefined,
    };
  }
  // Not in the file: it owes what it has sent at least once.
  const values = [...months.values()];
  return {
    energy: values.some((v) => Object.keys(v.energy).length + Object.keys(v.savings).length > 0),
    hotWater: values.some((v) => Object.keys(v.hotWater).length > 0),
  };
}

function institutionReport(
  inst: ReportInstitution & { listed: boolean },
  results: MonthlyResults,
  period: ReportPeriod,
  now: number,
  threshold: number,
): { report: InstitutionReport; tally: Tally } {
  const months = results.get(inst.id) ?? new Map<string, MonthValues>();
  const expected = expectedOf(inst, months);
  const monthTallies = period.months.map((month) => {
    const { from, to } = localMonth(month, period.timeZone);
    // A month that had not begun owes no data yet; the one running owes what the job says it does.
    const weight = from >= now ? 0 : to - from;
    return { month, tally: monthTally(months.get(month), expected, weight) };
  });
  const tally = mergeTallies(monthTallies.map((m) => m.tally));
  const figures = figuresOf(tally);
  const lowest = figures.completeness.lowest;
  return {
    tally,
    report: {
      id: inst.id,
      name: inst.name,
      listed: inst.listed,
      figures,
      months: monthTallies.map((m) => ({ month: m.month, figures: figuresOf(m.tally) })),
      lowCompleteness: lowest !== undefined && lowest < threshold,
    },
  };
}
