/**
 * What `jisr savings` prints: one institution's month (to date), computed from the raw readings as the
 * job does, with both bills line by line. The job's stored results hold totals only; the lines are what
 * a facility manager compares with the paper bill.
 */
import { daysOfMonth, localDay, localDayOf, localMonth } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import type { Institution, InstitutionsConfig } from "../config/load.js";
import type { Savings } from "../tariff/savings.js";
import type { Bill } from "../tariff/types.js";
import { monthToDate } from "./fields.js";
import { meteredCompleteness, readMetered, sumWh } from "./metered.js";
import { readYearBefore } from "./month.js";

export interface SavingsReport {
  institution: string;
  name: string;
  month: string;
  /** Last local day included (the month's last, or today). */
  through: string;
  /** Share of the expected PV and grid-meter readings present. */
  completeness: number;
  /** kWh metered: absent when the meter had no data. */
  energy: { pvKwh?: number; importKwh?: number; exportKwh?: number };
  /** Present when PV, import and export are all known. */
  savings?: Savings;
  /** The bill with solar alone, when PV data is missing. */
  billWithSolar?: number;
}

export async function savingsReport(
  store: Store,
  config: InstitutionsConfig,
  inst: Institution,
  month: string,
  now: number,
): Promise<SavingsReport> {
  const tz = config.timeZone;
  const period = localMonth(month, tz);
  const today = localDayOf(now, tz);
  const last = daysOfMonth(month).at(-1) as string;
  const through = [last, today].sort()[0] as string;
  if (through < `${month}-01`) throw new RangeError(`${month} has not started yet (today is ${today})`);
  const to = localDay(through, tz).to;
  const metered = await readMetered(store, inst, config, period.from, to);
  const mtd = monthToDate(metered, inst.tariff, period, to, await readYearBefore(store, inst.id, month, tz));
  const kwh = (wh: number | undefined) => (wh === undefined ? undefined : wh / 1000);
  const report: SavingsReport = {
    institution: inst.id,
    name: inst.name.fr,
    month,
    through,
    completeness: meteredCompleteness(metered, period.from, to),
    energy: {
      pvKwh: kwh(sumWh(metered.pv, metered, period.from, to)),
      importKwh: kwh(sumWh(metered.import, metered, period.from, to)),
      exportKwh: kwh(sumWh(metered.export, metered, period.from, to)),
    },
  };
  if (mtd.savings) report.savings = mtd.savings;
  if (mtd.billWithSolar !== undefined) report.billWithSolar = mtd.billWithSolar;
  return report;
}

const mad = (x: number) => `${x.toFixed(2)} MAD`;
const num = (x: number | undefined, digits = 1) => (x === undefined ? "no data" : x.toFixed(digits));

function billLines(title: string, b: Bill, lang: "fr" | "en" | "ar"): string[] {
  const rows = b.lines.map((l) => {
    const label = l.label[lang] ?? l.label.fr;
    const qty = `${l.quantity} ${l.unit}`;
    return `  ${label.padEnd(52)} ${qty.padStart(12)} × ${String(l.unitPrice).padEnd(7)} ${l.basis.toUpperCase()}  HT ${l.ht.toFixed(2).padStart(9)}  TVA ${l.vat.toFixed(2).padStart(8)}  TTC ${l.ttc.toFixed(2).padStart(9)}`;
  });
  return [
    `${title}: ${b.kwh.total} kWh billed, VAT ${b.vatPct} %`,
    ...rows,
    `  ${"Total".padEnd(52)} ${"".padStart(12)}   ${"".padEnd(7)}      HT ${b.total.ht.toFixed(2).padStart(9)}  TVA ${b.total.vat.toFixed(2).padStart(8)}  TTC ${b.total.ttc.toFixed(2).padStart(9)}`,
  ];
}

/** The report as text, for a person (labels in the bill's language by default). */
export function formatSavingsReport(r: SavingsReport, lang: "fr" | "en" | "ar" = "fr"): string {
  const out = [
    `Savings of ${r.institution} (${r.name}), ${r.month}, through ${r.through}`,
    `Readings present: ${(r.completeness * 100).toFixed(1)} % of those expected (PV and grid meter)`,
    "",
    "Energy (kWh)",
    `  PV production      ${num(r.energy.pvKwh)}`,
    `  Grid import        ${num(r.energy.importKwh)}`,
    `  Grid export        ${num(r.energy.exportKwh)}`,
  ];
  const s = r.savings;
  if (!s) {
    out.push("");
    out.push(
      r.billWithSolar === undefined
        ? "No grid-meter data this month: no bill can be computed."
        : `Bill with solar: ${mad(r.billWithSolar)}. No PV or export data: the bill without solar is unknown.`,
    );
    return out.join("\n");
  }
  out.push(
    `  Self-consumed      ${num(s.energy.selfConsumedKwh)}`,
    `  Import without PV  ${num(s.energy.counterfactualImportKwh)}`,
    "",
    ...billLines("Bill with solar (metered import)", s.withSolar, lang),
    "",
    ...billLines("Bill without solar (import + self-consumed PV)", s.withoutSolar, lang),
    "",
    `Bill savings        ${mad(s.billSavings)}`,
    `Export income       ${mad(s.exportIncome.amount)} (${num(s.exportIncome.paidKwh, 3)} of ${num(s.exportIncome.exportedKwh, 3)} kWh paid at ${s.exportIncome.priceMadPerKwh} MAD/kWh)`,
    `Savings             ${mad(s.total)}`,
    `Export share        ${s.exportCap.sharePct === null ? "no production yet" : `${s.exportCap.sharePct.toFixed(1)} %`} of the year's production (cap ${s.exportCap.capPct} %: ${s.exportCap.status})`,
  );
  if (s.energy.clampedHours > 0)
    out.push(
      `Note: ${s.energy.clampedHours} hour(s) exported more than PV produced (meters not aligned); counted as 0 self-consumption.`,
    );
  return out.join("\n");
}
