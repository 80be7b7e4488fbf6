/**
 * The report's bill reconciliation section: every recorded bill whose reading period overlaps the
 * report's period, against our meter and tariff (@jisr/analytics bills), and the IPMVP Option B savings
 * of those billing periods with their band and marks. Bills follow reading dates, not calendar months,
 * so a bill is listed whole in every period it overlaps, with its own dates: nothing is prorated.
 */
import { bills, type InstitutionsConfig } from "@jisr/analytics";
import type { Store } from "@jisr/core/store";
import type { ReportPeriod } from "../period.js";

export interface ReconciliationSource {
  /** Where bills are kept (`jisr bill` / the web page's directory). */
  dir: string;
  /** The institutions file, loaded: meters and tariffs. */
  institutions: InstitutionsConfig;
  tolerances?: bills.Tolerances;
  mv?: bills.MvConfig;
}

export interface ReconciliationRow {
  institution: string;
  billId: string;
  reference?: string;
  from: string;
  to: string;
  days: number;
  estimated: boolean;
  billedKwh: number;
  meteredKwh?: number;
  diffKwh?: number;
  billedTtc: number;
  predictedTtc?: number;
  diffTtc?: number;
  /** Flag codes (reconcile.ts) and their messages. */
  flags: Array<{ code: string; message: string }>;
  savingsTtc: number | null;
  band: { low: number; high: number } | null;
  savingsMarks: string[];
}

export interface ReconciliationInstitution {
  institution: string;
  tariff: string;
  tariffConfirmed: boolean;
  bills: number;
  flagged: number;
  savingsTtc: number;
  band: { low: number; high: number };
}

export interface ReconciliationSection {
  boundary: string;
  method: string;
  meters: Array<{ institution: string; role: string; devices: string[]; accuracyClassPct: number }>;
  assumptions: string[];
  rows: ReconciliationRow[];
  institutions: ReconciliationInstitution[];
}

export async function buildReconciliationSection(
  store: Store,
  period: ReportPeriod,
  source: ReconciliationSource,
  only?: string,
): Promise<ReconciliationSection> {
  const billStore = new bills.BillStore(source.dir);
  const shipped = bills.loadTariffDir(bills.SHIPPED_TARIFFS_DIR).tariffs;
  const section: ReconciliationSection = {
    boundary: "",
    method: "",
    meters: [],
    assumptions: [],
    rows: [],
    institutions: [],
  };
  const first = period.months[0] ?? "";
  const last = period.months.at(-1) ?? "";
  // Reading dates are local days; the period's months bound them: a bill overlaps when it starts before
  // the day after the period and ends after its first day.
  const periodFrom = `${first}-01`;
  const periodTo = nextMonth(last);
  for (const inst of source.institutions.institutions) {
    if (only !== undefined && inst.id !== only) continue;
    const r = await bills.institutionBills(store, source.institutions, inst, billStore, {
      shipped,
      ...(source.tolerances ? { tolerances: source.tolerances } : {}),
      ...(source.mv ? { mv: source.mv } : {}),
    });
    const inPeriod = r.reconciliation.filter((b) => b.from < periodTo && b.to > periodFrom);
    if (inPeriod.length === 0) continue;
    section.boundary = r.savings.boundary;
    section.method = r.savings.method;
    section.assumptions = inPeriod[0]?.assumptions ?? [];
    section.meters.push(...r.savings.meters.map((m) => ({ institution: inst.id, ...m })));
    let savings = 0;
    let low = 0;
    let high = 0;
    for (const b of inPeriod) {
      const total = b.lines.find((l) => l.kind === "total");
      const s = r.savings.periods.find((p) => p.billId === b.billId);
      savings += s?.savingsTtc ?? 0;
      low += s?.band?.low ?? 0;
      high += s?.band?.high ?? 0;
      section.rows.push({
        institution: inst.id,
        billId: b.billId,
        ...(b.reference ? { reference: b.reference } : {}),
        from: b.from,
        to: b.to,
        days: b.days,
        estimated: b.estimated,
        billedKwh: b.kwh.billed,
        ...(b.kwh.metered !== undefined ? { meteredKwh: b.kwh.metered } : {}),
        ...(b.kwh.diff !== undefined ? { diffKwh: b.kwh.diff } : {}),
        billedTtc: total?.billed ?? 0,
        ...(total ? { predictedTtc: total.predicted, diffTtc: total.diff } : {}),
        flags: b.flags.map((f) => ({ code: f.code, message: f.message })),
        savingsTtc: s?.savingsTtc ?? null,
        band: s?.band ?? null,
        savingsMarks: s?.marks ?? [],
      });
    }
    const round = (x: number) => Math.round(x * 100) / 100;
    section.institutions.push({
      institution: inst.id,
      tariff: r.pricingTariff.id,
      tariffConfirmed: r.pricingTariff.confirmed,
      bills: inPeriod.length,
      flagged: inPeriod.filter((b) => b.flags.length > 0).length,
      savingsTtc: round(savings),
      band: { low: round(low), high: round(high) },
    });
  }
  return section;
}

function nextMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}
