/** Building one bill line, and the bill's totals, from rounded integer centimes. */
import { mad, roundHalfAway, splitLine } from "./money.js";
import type { Basis, Label } from "./schema.js";
import type { BillLine, LineKind } from "./types.js";

export interface LineSpec {
  id: string;
  kind: LineKind;
  label: Label;
  quantity: number;
  unit: BillLine["unit"];
  unitPrice: number;
  basis: Basis;
  vatPct: number;
  /** The unrounded amount in `basis`; quantity × unitPrice when omitted. */
  base?: number;
}

export function makeLine(spec: LineSpec): BillLine {
  const { base, ...rest } = spec;
  const amounts = splitLine(base ?? spec.quantity * spec.unitPrice, spec.basis, spec.vatPct);
  return { ...rest, ht: mad(amounts.ht), vat: mad(amounts.vat), ttc: mad(amounts.ttc) };
}

/** Sums in integer centimes, so 0.1 + 0.2 never shows up on a bill. */
export function totalOf(lines: readonly BillLine[]): { ht: number; vat: number; ttc: number } {
  const sum = (pick: (l: BillLine) => number) =>
    mad(lines.reduce((s, l) => s + roundHalfAway(pick(l) * 100), 0));
  return { ht: sum((l) => l.ht), vat: sum((l) => l.vat), ttc: sum((l) => l.ttc) };
}
