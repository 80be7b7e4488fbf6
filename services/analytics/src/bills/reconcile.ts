/**
 * Reconciliation of recorded bills, pure: for each bill, over exactly its reading period, our metered
 * grid import against the utility's billed kWh, and our tariff's bill for the BILLED kWh against the
 * printed bill, line kind by line kind. Pricing the billed kWh (not ours) keeps the two questions apart:
 * a kWh difference is about meters and readings, a MAD difference is about the tariff.
 *
 * Differences beyond the tolerances are flagged, with the likely cause where the data can tell it:
 * a meter gap, an estimated reading (and the bill that corrects it), another tariff category, other
 * bracket edges, another fee or levy, a price change inside the period. Nothing is assumed silently:
 * the reading-time convention and the tariff tables used are part of every result.
 */
import { z } from "zod";
import { requireInForce } from "../tariff/effective.js";
import { type Tariff, TWO_PERIODS } from "../tariff/schema.js";
import { kwhByPeriod } from "../tariff/time-of-use.js";
import { compareLines, type LineDiff } from "./compare.js";
import type { Candidate } from "./fit.js";
import { type PeriodMetering, READING_TIME_ASSUMPTION } from "./meter.js";
import { type PeriodBill, pricePeriod } from "./price.js";
import { billedKwh, billedTotalKwh, daysBetween, type StoredBill } from "./schema.js";

export const tolerancesSchema = z
  .strictObject({
    kwh_pct: z
      .number()
      .min(0)
      .default(2)
      .describe("kWh difference (ours vs the utility's) flagged above this %."),
    kwh_abs: z.number().min(0).default(2).describe("…and above this many kWh (both must be exceeded)."),
    mad_line: z.number().min(0).default(0.05).describe("MAD difference flagged on a line kind."),
    mad_total: z.number().min(0).default(0.05).describe("MAD difference flagged on the total."),
    completeness_min: z
      .number()
      .min(0)
      .max(1)
      .default(0.98)
      .describe("Share of expected grid-meter readings below which the period has a meter gap."),
    month_days: z
      .tuple([z.number().int(), z.number().int()])
      .default([27, 35])
      .describe("Reading periods outside [min, max] days are flagged: brackets and fees are monthly."),
  })
  .prefault({});
export type Tolerances = z.output<typeof tolerancesSchema>;
export const DEFAULT_TOLERANCES: Tolerances = tolerancesSchema.parse(undefined);

export type FlagCode =
  | "meter_gap"
  | "no_meter_data"
  | "estimated_reading"
  | "after_estimated_reading"
  | "meter_mismatch"
  | "other_category"
  | "other_bracket_edges"
  | "other_fee"
  | "other_levy"
  | "other_vat"
  | "other_line"
  | "tariff_mismatch"
  | "tariff_change_in_period"
  | "period_length"
  | "not_priced";

export interface Flag {
  code: FlagCode;
  /** What the flag is about: kWh, a line kind, the total, the period. */
  on: "kwh" | "energy" | "fixed_fee" | "levy" | "vat" | "other" | "total" | "period";
  message: string;
}

export interface BillReconciliation {
  billId: string;
  reference?: string;
  from: string;
  to: string;
  days: number;
  hours: number;
  estimated: boolean;
  kwh: {
    billed: number;
    metered?: number;
    /** billed − metered, kWh and % of metered. */
    diff?: number;
    diffPct?: number;
    /** Hours of the period with grid-meter data, and the share of expected readings. */
    meteredHours: number;
    completeness: number;
  };
  tariffId: string;
  /** Our tariff on the billed kWh (undefined when it cannot price the bill: `error`). */
  predicted?: PeriodBill;
  /** Our tariff on our metered import: what the bill would be by our meter. */
  predictedOnMetered?: { kwh: number; ttc: number };
  lines: LineDiff[];
  /** When the previous bill closed on an estimated reading: both periods together. */
  chain?: { from: string; billedKwh: number; meteredKwh: number; diff: number };
  flags: Flag[];
  error?: string;
  assumptions: string[];
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export interface ReconcileInput {
  /** The bills in force, sorted by reading date (BillStore.list). */
  bills: readonly StoredBill[];
  metering: ReadonlyMap<string, PeriodMetering>;
  tariff: Tariff;
  /** Other tariffs (fit.ts candidates) tried to name the cause of a MAD difference. */
  alternatives?: readonly Candidate[];
  tolerances?: Tolerances;
}

export function reconcileBills(input: ReconcileInput): BillReconciliation[] {
  const tol = input.tolerances ?? DEFAULT_TOLERANCES;
  return input.bills.map((stored, i) => {
    const prev = i > 0 ? input.bills[i - 1] : undefined;
    return reconcileOne(stored, prev, input, tol);
  });
}

function reconcileOne(
  stored: StoredBill,
  prev: StoredBill | undefined,
  input: ReconcileInput,
  tol: Tolerances,
): BillReconciliation {
  const { bill } = stored;
  const metering = input.metering.get(stored.id);
  const billed = billedTotalKwh(bill);
  const flags: Flag[] = [];
  const out: BillReconciliation = {
    billId: stored.id,
    from: bill.from,
    to: bill.to,
    days: daysBetween(bill.from, bill.to),
    hours: metering?.hours ?? 0,
    estimated: bill.estimated,
    kwh: {
      billed,
      meteredHours: metering?.importHours ?? 0,
      completeness: metering?.importCompleteness ?? 0,
    },
    tariffId: input.tariff.id,
    lines: [],
    flags,
    assumptions: [
      READING_TIME_ASSUMPTION,
      "tariff tables in force on the opening reading date; monthly bracket edges and fees applied once per bill, unprorated",
    ],
  };
  if (bill.reference) out.reference = bill.reference;

  // kWh: our meter against the utility's.
  const gap =
    metering !== undefined &&
    (metering.importHours < metering.hours || metering.importCompleteness < tol.completeness_min);
  if (metering?.importKwh === undefined) {
    flags.push({
      code: "no_meter_data",
      on: "kwh",
      message: "no grid-meter reading over the period: kWh not checked",
    });
  } else {
    const metered = round(metering.importKwh);
    out.kwh.metered = metered;
    out.kwh.diff = round(billed - metered);
    out.kwh.diffPct = metered > 0 ? round(((billed - metered) / metered) * 100, 2) : undefined;
    if (gap)
      flags.push({
        code: "meter_gap",
        on: "kwh",
        message: `grid meter: ${metering.importHours}/${metering.hours} h with data, ${(metering.importCompleteness * 100).toFixed(1)} % of expected readings: metered kWh may be short`,
      });
    const beyond = Math.abs(out.kwh.diff) > tol.kwh_abs && Math.abs(out.kwh.diffPct ?? 100) > tol.kwh_pct;
    if (beyond) {
      const follows = prev?.bill.estimated && prev.bill.to === bill.from;
      if (bill.estimated)
        flags.push({
          code: "estimated_reading",
          on: "kwh",
          message: `billed ${billed} kWh on an ESTIMATED closing reading, metered ${metered} kWh (${signed(out.kwh.diff)} kWh): the next bill on a real reading should correct it`,
        });
      if (follows) {
        const prevMeter = input.metering.get(prev.id);
        if (prevMeter?.importKwh !== undefined) {
          const chainBilled = billedTotalKwh(prev.bill) + billed;
          const chainMetered = round(prevMeter.importKwh + metering.importKwh);
          out.chain = {
            from: prev.bill.from,
            billedKwh: chainBilled,
            meteredKwh: chainMetered,
            diff: round(chainBilled - chainMetered),
          };
        }
        flags.push({
          code: "after_estimated_reading",
          on: "kwh",
          message:
            `opens on the previous bill's ESTIMATED reading (${prev.bill.to}): it corrects that estimate` +
            (out.chain
              ? `; both periods together: billed ${out.chain.billedKwh} kWh, metered ${out.chain.meteredKwh} kWh (${signed(out.chain.diff)})`
              : ""),
        });
      }
      if (!bill.estimated && !follows && !gap)
        flags.push({
          code: "meter_mismatch",
          on: "kwh",
          message: `billed ${billed} kWh, metered ${metered} kWh (${signed(out.kwh.diff)} kWh, ${signed(out.kwh.diffPct ?? 0)} %): check the meter constant (CT ratio), the reading dates and our meter's calibration`,
        });
    }
  }
  if (out.days < tol.month_days[0] || out.days > tol.month_days[1])
    flags.push({
      code: "period_length",
      on: "period",
      message: `reading period of ${out.days} days: monthly bracket edges and fees were applied once, unprorated; the distributor may prorate them`,
    });

  // MAD: our tariff on the billed kWh, line kind by line kind.
  let predicted: PeriodBill;
  try {
    predicted = pricePeriod(billedKwh(bill), input.tariff, bill.from, bill.to);
  } catch (err) {
    out.error = (err as Error).message;
    flags.push({
      code: "not_priced",
      on: "total",
      message: `our tariff cannot price this bill: ${out.error}`,
    });
    return out;
  }
  out.predicted = predicted;
  out.lines = compareLines(bill, predicted);
  if (predicted.changesInPeriod.length > 0)
    flags.push({
      code: "tariff_change_in_period",
      on: "period",
      message: `the tariff's ${predicted.changesInPeriod.join(", ")} change(s) inside the period: priced with the tables of ${bill.from}`,
    });
  if (metering?.importKwh !== undefined) {
    try {
      const onMetered = pricePeriod(
        meteredKwh(metering, input.tariff, bill.from),
        input.tariff,
        bill.from,
        bill.to,
      );
      out.predictedOnMetered = { kwh: onMetered.kwh.total, ttc: onMetered.total.ttc };
    } catch {
      // The billed-kWh price above already said why this tariff cannot price the period.
    }
  }
  flags.push(...lineFlags(stored, input.tariff, out.lines, input.alternatives ?? [], tol));
  return out;
}

/** The metered import in the registers the tariff bills: one total, or per time-of-use period. */
function meteredKwh(m: PeriodMetering, tariff: Tariff, from: string): Record<string, number> {
  if (tariff.kind === "bt-two-period") {
    const table = requireInForce(tariff.periods, from, "period table", tariff.id);
    return kwhByPeriod(m.hourlyImport, table, TWO_PERIODS, tariff.time_zone, 3);
  }
  return { total: m.importKwh ?? 0 };
}

function lineFlags(
  stored: StoredBill,
  tariff: Tariff,
  lines: LineDiff[],
  alternatives: readonly Candidate[],
  tol: Tolerances,
): Flag[] {
  const flags: Flag[] = [];
  const off = (l: LineDiff) => Math.abs(l.diff) > (l.kind === "total" ? tol.mad_total : tol.mad_line) + 1e-9;
  const offKinds = lines.filter((l) => l.kind !== "total" && off(l));
  const total = lines.find((l) => l.kind === "total");
  // Which alternative tariffs reproduce the lines ours gets wrong.
  const explains = (kind: string) =>
    alternatives.filter((alt) => {
      try {
        const diffs = compareLines(
          stored.bill,
          pricePeriod(billedKwh(stored.bill), alt.tariff, stored.bill.from, stored.bill.to),
        );
        const row = diffs.find((d) => d.kind === kind);
        return row !== undefined && Math.abs(row.diff) <= tol.mad_line + 1e-9;
      } catch {
        return false;
      }
    });
  for (const l of offKinds) {
    const money = `billed ${l.billed.toFixed(2)}, our tariff ${l.predicted.toFixed(2)} MAD ${l.basis.toUpperCase()} (${signed(l.diff)})`;
    if (l.kind === "energy") {
      const alts = explains("energy");
      const edges = alts.find(
        (a) => a.base === tariff.id && a.changes.some((c) => c.startsWith("selective bracket edges")),
      );
      const category =
        alts.find((a) => a.tariff.kind !== tariff.kind) ?? alts.find((a) => a.base !== tariff.id);
      if (edges)
        flags.push({
          code: "other_bracket_edges",
          on: "energy",
          message: `energy ${money}: reproduced by ${edges.id} (${edges.changes.join("; ")})`,
        });
      else if (category)
        flags.push({
          code: "other_category",
          on: "energy",
          message: `energy ${money}: reproduced by tariff ${category.id} (${category.tariff.kind})`,
        });
      else
        flags.push({
          code: "tariff_mismatch",
          on: "energy",
          message: `energy ${money}: no known tariff reproduces it`,
        });
    } else if (l.kind === "fixed_fee") {
      flags.push({
        code: "other_fee",
        on: "fixed_fee",
        message: `fixed fees ${money}: the distributor's fee differs from the tariff file's`,
      });
    } else if (l.kind === "levy") {
      flags.push({ code: "other_levy", on: "levy", message: `TPPAN levy ${money}` });
    } else if (l.kind === "vat") {
      flags.push({ code: "other_vat", on: "vat", message: `VAT ${money}` });
    } else {
      flags.push({ code: "other_line", on: "other", message: `other lines ${money}: not in the tariff` });
    }
  }
  if (total && off(total) && offKinds.length === 0)
    flags.push({
      code: "tariff_mismatch",
      on: "total",
      message: `total billed ${total.billed.toFixed(2)}, our tariff ${total.predicted.toFixed(2)} MAD (${signed(total.diff)})`,
    });
  return flags;
}

function signed(x: number): string {
  return `${x > 0 ? "+" : ""}${Number.isInteger(x) ? x : x.toFixed(2)}`;
}
