/**
 * The I/O around the pure bill code, shared by the CLI, the web API and the reports: an institution's
 * recorded bills, the metering of each reading period from the Store, the tariff fit, the reconciliation
 * and the IPMVP savings, in one call; and the programme's table, one row per institution.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "@jisr/core/store";
import type { Institution, InstitutionsConfig } from "../config/load.js";
import { loadTariff } from "../tariff/load.js";
import type { Tariff } from "../tariff/schema.js";
import { candidates, type FitResult, fitTariff } from "./fit.js";
import { meterPeriod, type PeriodMetering } from "./meter.js";
import { type BillReconciliation, reconcileBills, type Tolerances } from "./reconcile.js";
import { type MvConfig, type SavingsStatement, savingsStatement } from "./savings.js";
import type { BillStore } from "./store.js";

/** The shipped tariff files (services/analytics/tariffs). */
export const SHIPPED_TARIFFS_DIR = fileURLToPath(new URL("../../tariffs/", import.meta.url));

/** Every valid tariff file of a directory; invalid ones are returned by name with their error. */
export function loadTariffDir(dir: string): {
  tariffs: Tariff[];
  skipped: Array<{ file: string; error: string }>;
} {
  const tariffs: Tariff[] = [];
  const skipped: Array<{ file: string; error: string }> = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    try {
      tariffs.push(loadTariff(join(dir, file)));
    } catch (err) {
      skipped.push({ file, error: (err as Error).message });
    }
  }
  return { tariffs, skipped };
}

/** The institution's own tariff first, then the shipped ones not already there (by id). */
export function fitBases(inst: Institution, shipped: readonly Tariff[]): Tariff[] {
  return [inst.tariff, ...shipped.filter((t) => t.id !== inst.tariff.id)];
}

export interface InstitutionBills {
  institution: string;
  tariffId: string;
  fit: FitResult;
  /** The tariff the savings are priced with: the fit's when it reproduces every bill. */
  pricingTariff: { id: string; confirmed: boolean; changes: string[] };
  reconciliation: BillReconciliation[];
  savings: SavingsStatement;
}

export interface ReconcileOptions {
  tolerances?: Tolerances;
  mv?: MvConfig;
  /** Base tariffs of the fit besides the institution's own; the shipped files by default. */
  shipped?: readonly Tariff[];
}

export async function institutionBills(
  store: Store,
  config: InstitutionsConfig,
  inst: Institution,
  bills: BillStore,
  options: ReconcileOptions = {},
): Promise<InstitutionBills> {
  const list = bills.list(inst.id);
  const shipped = options.shipped ?? loadTariffDir(SHIPPED_TARIFFS_DIR).tariffs;
  const bases = fitBases(inst, shipped);
  const fit = fitTariff(bases, list, options.tolerances?.mad_total);
  const metering = new Map<string, PeriodMetering>();
  for (const b of list) metering.set(b.id, await meterPeriod(store, inst, config, b.bill.from, b.bill.to));
  const reconciliation = reconcileBills({
    bills: list,
    metering,
    tariff: inst.tariff,
    alternatives: candidates(bases, list),
    ...(options.tolerances ? { tolerances: options.tolerances } : {}),
  });
  const confirmed = fit.reproducing?.candidate;
  const pricing = confirmed?.tariff ?? inst.tariff;
  const savings = savingsStatement({
    periods: list.map((bill) => ({ bill, metering: metering.get(bill.id) as PeriodMetering })),
    tariff: pricing,
    tariffConfirmed: confirmed !== undefined,
    ...(options.mv ? { config: options.mv } : {}),
  });
  return {
    institution: inst.id,
    tariffId: inst.tariff.id,
    fit,
    pricingTariff: {
      id: confirmed?.id ?? inst.tariff.id,
      confirmed: confirmed !== undefined,
      changes: confirmed?.changes ?? [],
    },
    reconciliation,
    savings,
  };
}

/** One row per institution of the programme: bills, kWh and MAD differences, flags, savings. */
export interface ProgrammeRow {
  institution: string;
  bills: number;
  billedKwh: number;
  meteredKwh: number;
  billedTtc: number;
  predictedTtc: number;
  flagged: number;
  tariff: string;
  tariffConfirmed: boolean;
  savingsTtc: number;
  band: { low: number; high: number };
}

export function programmeRow(r: InstitutionBills): ProgrammeRow {
  const sum = (f: (b: BillReconciliation) => number) =>
    Math.round(r.reconciliation.reduce((s, b) => s + f(b), 0) * 100) / 100;
  return {
    institution: r.institution,
    bills: r.reconciliation.length,
    billedKwh: sum((b) => b.kwh.billed),
    meteredKwh: sum((b) => b.kwh.metered ?? 0),
    billedTtc: sum((b) => b.lines.find((l) => l.kind === "total")?.billed ?? 0),
    predictedTtc: sum((b) => b.predicted?.total.ttc ?? 0),
    flagged: r.reconciliation.filter((b) => b.flags.length > 0).length,
    tariff: r.pricingTariff.id,
    tariffConfirmed: r.pricingTariff.confirmed,
    savingsTtc: r.savings.total.savingsTtc,
    band: r.savings.total.band,
  };
}
