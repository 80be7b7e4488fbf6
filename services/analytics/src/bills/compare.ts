/**
 * A recorded bill against the bill a tariff predicts for the same kWh, line kind by line kind. Bills
 * word and split their lines in their own way (one line per fee or one "redevances" line), so lines are
 * matched by kind: energy, fixed fees, levy, VAT, other, and the total. Each kind is compared in the
 * basis the bill prints it in (HT or TTC); the VAT line against the predicted VAT of the HT-printed kinds.
 */
import type { PeriodBill } from "./price.js";
import type { BillInput, LineKindOnBill } from "./schema.js";

export type CompareKind = LineKindOnBill | "total";

export interface LineDiff {
  kind: CompareKind;
  basis: "ht" | "ttc" | "vat";
  /** Σ of the bill's lines of this kind, MAD; 0 when the bill has none. */
  billed: number;
  predicted: number;
  /** billed − predicted, MAD. */
  diff: number;
  /** kWh on the bill's lines of this kind when printed (energy, levy), and those predicted. */
  billedKwh?: number;
  predictedKwh?: number;
}

const KINDS: LineKindOnBill[] = ["energy", "fixed_fee", "levy", "other"];
const PREDICTED_KIND: Record<string, string> = { energy: "energy", fixed_fee: "fixed_fee", levy: "levy" };

const c = (x: number) => Math.round(x * 100);

export function compareLines(bill: BillInput, predicted: PeriodBill): LineDiff[] {
  const hasVatLine = bill.lines.some((l) => l.kind === "vat");
  const basisOf = (kind: LineKindOnBill): "ht" | "ttc" => {
    const first = bill.lines.find((l) => l.kind === kind);
    return first ? first.basis : hasVatLine ? "ht" : "ttc";
  };
  const out: LineDiff[] = [];
  let predictedVatOfHt = 0;
  for (const kind of KINDS) {
    const basis = basisOf(kind);
    const lines = bill.lines.filter((l) => l.kind === kind);
    const mine = predicted.lines.filter((l) => l.kind === PREDICTED_KIND[kind]);
    const billedC = lines.reduce((s, l) => s + c(l.amount), 0);
    const predictedC = mine.reduce((s, l) => s + c(basis === "ht" ? l.ht : l.ttc), 0);
    if (basis === "ht") predictedVatOfHt += mine.reduce((s, l) => s + c(l.vat), 0);
    if (lines.length === 0 && mine.length === 0) continue;
    const row: LineDiff = {
      kind,
      basis,
      billed: billedC / 100,
      predicted: predictedC / 100,
      diff: (billedC - predictedC) / 100,
    };
    const printedKwh = lines.filter((l) => l.kwh !== undefined);
    if (kind === "energy") {
      if (printedKwh.length > 0) row.billedKwh = printedKwh.reduce((s, l) => s + (l.kwh ?? 0), 0);
      row.predictedKwh = predicted.kwh.total;
    }
    out.push(row);
  }
  const vatBilled = bill.lines.filter((l) => l.kind === "vat").reduce((s, l) => s + c(l.amount), 0);
  if (hasVatLine || predictedVatOfHt !== 0)
    out.push({
      kind: "vat",
      basis: "vat",
      billed: vatBilled / 100,
      predicted: predictedVatOfHt / 100,
      diff: (vatBilled - predictedVatOfHt) / 100,
    });
  out.push({
    kind: "total",
    basis: "ttc",
    billed: bill.total,
    predicted: predicted.total.ttc,
    diff: (c(bill.total) - c(predicted.total.ttc)) / 100,
  });
  return out;
}
