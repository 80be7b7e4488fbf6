/**
 * Which tariff reproduces an institution's bills: each base tariff (the shipped files, the institution's
 * own) and its variants are priced on the kWh each bill states, and compared with the bill's total and
 * lines. Pure: the tariffs and the bills come in, a ranking with residuals goes out.
 *
 * Variants are the open questions of DOMAIN.md section 7: the selective bracket edges (151-210… in one
 * source, 151-200… in another), the fixed fee (the shipped figure, none, or the one the bills print) and
 * the TPPAN levy (as in the file, or none). The category (domestic or professional) is the base file's.
 */
import type { Bracket, Tariff } from "../tariff/schema.js";
import { compareLines, type LineDiff } from "./compare.js";
import { pricePeriod } from "./price.js";
import { billedKwh, type StoredBill } from "./schema.js";

export interface Candidate {
  /** e.g. "srm-bt-domestic", "srm-bt-domestic+edges-200+fee-none". */
  id: string;
  /** What differs from the base file, in words. */
  changes: string[];
  base: string;
  tariff: Tariff;
}

export interface BillResidual {
  billId: string;
  from: string;
  to: string;
  kwh: number;
  billed: number;
  /** Predicted total TTC; undefined when this tariff cannot price the bill (`error` says why). */
  predicted?: number;
  /** billed − predicted, MAD. */
  residual?: number;
  lines?: LineDiff[];
  error?: string;
}

export interface CandidateFit {
  candidate: Candidate;
  /** Bills whose total is reproduced within the tolerance. */
  reproduced: number;
  priced: number;
  /** Σ |residual| over the bills priced, MAD. */
  sumAbsResidual: number;
  maxAbsResidual: number;
  bills: BillResidual[];
}

export interface FitResult {
  bills: number;
  toleranceMad: number;
  /** Best first. */
  ranking: CandidateFit[];
  /** The best candidate when it reproduces every bill within the tolerance. */
  reproducing?: CandidateFit;
}

/** Selective edges of a bracket tariff, swapped between the two conventions (210 ↔ 200, 310 ↔ 300…). */
function otherEdges(selective: readonly Bracket[]): Bracket[] | undefined {
  const bounded = selective.filter((b) => b.up_to_kwh !== undefined);
  if (bounded.length === 0) return undefined;
  const swap = (e: number) => (e % 100 === 10 ? e - 10 : e % 100 === 0 ? e + 10 : undefined);
  if (bounded.some((b) => swap(b.up_to_kwh as number) === undefined)) return undefined;
  return selective.map((b) =>
    b.up_to_kwh === undefined ? b : { ...b, up_to_kwh: swap(b.up_to_kwh) as number },
  );
}

function edgesText(selective: readonly Bracket[]): string {
  return selective
    .filter((b) => b.up_to_kwh !== undefined)
    .map((b) => b.up_to_kwh)
    .join("/");
}

/** The fee the bills print, when they agree on one: the most frequent Σ of their fixed-fee lines. */
export function feeFromBills(
  bills: readonly StoredBill[],
): { amount: number; basis: "ht" | "ttc"; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const { bill } of bills) {
    const fees = bill.lines.filter((l) => l.kind === "fixed_fee");
    if (fees.length === 0) continue;
    const amount = Math.round(fees.reduce((s, l) => s + l.amount * 100, 0)) / 100;
    const key = `${amount}|${fees[0]?.basis ?? "ht"}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best) return undefined;
  const [amount, basis] = best[0].split("|");
  return { amount: Number(amount), basis: basis as "ht" | "ttc", count: best[1] };
}

/** The base tariffs and their variants (bracket edges × fee × levy). */
export function candidates(bases: readonly Tariff[], bills: readonly StoredBill[]): Candidate[] {
  const billedFee = feeFromBills(bills);
  const out: Candidate[] = [];
  for (const base of bases) {
    const edges: Array<{ tag?: string; text?: string; tariff: Tariff }> = [{ tariff: base }];
    if (base.kind === "bt-domestic" || base.kind === "bt-professional") {
      const swapped = base.energy.map((t) => otherEdges(t.selective));
      if (swapped.every((s) => s !== undefined)) {
        const tariff = {
          ...base,
          energy: base.energy.map((t, i) => ({ ...t, selective: swapped[i] as Bracket[] })),
        };
        const text = edgesText(tariff.energy.at(-1)?.selective ?? []);
        edges.push({ tag: `edges-${text.split("/")[0]}`, text: `selective bracket edges ${text}`, tariff });
      }
    }
    const fees: Array<{ tag?: string; text?: string; apply: (t: Tariff) => Tariff }> = [{ apply: (t) => t }];
    if (base.fixed_fees.length > 0)
      fees.push({ tag: "fee-none", text: "no fixed fee", apply: (t) => ({ ...t, fixed_fees: [] }) });
    if (billedFee) {
      const fee = billedFee;
      fees.push({
        tag: "fee-billed",
        text: `fixed fee as the bills print it: ${fee.amount.toFixed(2)} MAD ${fee.basis.toUpperCase()} (${fee.count} bill(s))`,
        apply: (t) => ({
          ...t,
          fixed_fees: [
            {
              from: "2000-01-01",
              fees: [
                {
                  id: "billed-fee",
                  label: { fr: "Redevances (facture)", en: "Fees (as billed)" },
                  amount: fee.amount,
                  basis: fee.basis,
                  vat_applies: true,
                },
              ],
            },
          ],
        }),
      });
    }
    const levies: Array<{ tag?: string; text?: string; apply: (t: Tariff) => Tariff }> = [
      { apply: (t) => t },
    ];
    if (base.tppan.length > 0)
      levies.push({ tag: "tppan-none", text: "no TPPAN levy", apply: (t) => ({ ...t, tppan: [] }) });
    for (const e of edges)
      for (const f of fees)
        for (const l of levies) {
          const tags = [e.tag, f.tag, l.tag].filter((t): t is string => t !== undefined);
          out.push({
            id: [base.id, ...tags].join("+"),
            base: base.id,
            changes: [e.text, f.text, l.text].filter((t): t is string => t !== undefined),
            tariff: l.apply(f.apply(e.tariff)),
          });
        }
  }
  return out;
}

export function residuals(candidate: Candidate, bills: readonly StoredBill[]): BillResidual[] {
  return bills.map(({ id, bill }) => {
    const kwh = billedKwh(bill);
    const total = Object.values(kwh).reduce((a, b) => a + b, 0);
    const row: BillResidual = { billId: id, from: bill.from, to: bill.to, kwh: total, billed: bill.total };
    try {
      const predicted = pricePeriod(kwh, candidate.tariff, bill.from, bill.to);
      row.predicted = predicted.total.ttc;
      row.residual = Math.round((bill.total - predicted.total.ttc) * 100) / 100;
      row.lines = compareLines(bill, predicted);
    } catch (err) {
      row.error = (err as Error).message;
    }
    return row;
  });
}

/** Ranks every candidate: most bills reproduced, then most priced, then smallest residuals, then fewest changes. */
export function fitTariff(
  bases: readonly Tariff[],
  bills: readonly StoredBill[],
  toleranceMad = 0.05,
): FitResult {
  const ranking = candidates(bases, bills).map((candidate): CandidateFit => {
    const rows = residuals(candidate, bills);
    const priced = rows.filter((r) => r.residual !== undefined);
    const abs = priced.map((r) => Math.abs(r.residual as number));
    return {
      candidate,
      reproduced: abs.filter((a) => a <= toleranceMad + 1e-9).length,
      priced: priced.length,
      sumAbsResidual: Math.round(abs.reduce((a, b) => a + b, 0) * 100) / 100,
      maxAbsResidual: Math.max(0, ...abs),
      bills: rows,
    };
  });
  ranking.sort(
    (a, b) =>
      b.reproduced - a.reproduced ||
      b.priced - a.priced ||
      a.sumAbsResidual - b.sumAbsResidual ||
      a.candidate.changes.length - b.candidate.changes.length,
  );
  const best = ranking[0];
  const result: FitResult = { bills: bills.length, toleranceMad, ranking };
  if (best && bills.length > 0 && best.reproduced === bills.length) result.reproducing = best;
  return result;
}

export function formatFit(fit: FitResult, institution: string, top = 5): string {
  const out: string[] = [];
  out.push(
    `Tariff fit for ${institution}: ${fit.bills} bill(s), tolerance ${fit.toleranceMad.toFixed(2)} MAD on the total`,
  );
  if (fit.bills === 0) return `${out[0]}\nNo bill recorded: nothing to fit (jisr bill add|import).`;
  out.push(
    fit.reproducing
      ? `REPRODUCES ALL BILLS: ${fit.reproducing.candidate.id}${describe(fit.reproducing)}`
      : "No candidate reproduces every bill: the tariff is NOT confirmed. Closest first:",
  );
  for (const f of fit.ranking.slice(0, top)) {
    out.push(
      `\n${f.candidate.id}: ${f.reproduced}/${fit.bills} reproduced, ${f.priced} priced, Σ|residual| ${f.sumAbsResidual.toFixed(2)} MAD, max ${f.maxAbsResidual.toFixed(2)} MAD${describe(f)}`,
    );
    for (const b of f.bills) {
      out.push(
        b.residual === undefined
          ? `  ${b.from}..${b.to} ${b.kwh} kWh: not priced (${b.error})`
          : `  ${b.from}..${b.to} ${b.kwh} kWh: billed ${b.billed.toFixed(2)}, predicted ${(b.predicted ?? 0).toFixed(2)}, residual ${b.residual.toFixed(2)} MAD`,
      );
    }
  }
  if (fit.reproducing)
    out.push(
      "\nTo pin it: copy the base tariff file with these changes, set `institution`, raise the confidence of the confirmed figures, and point the institution's `tariff` at it.",
    );
  return out.join("\n");
}

function describe(f: CandidateFit): string {
  return f.candidate.changes.length > 0
    ? ` (${f.candidate.base} with ${f.candidate.changes.join("; ")})`
    : "";
}
