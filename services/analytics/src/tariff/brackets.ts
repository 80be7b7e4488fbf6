/**
 * Bracket pricing of low-voltage energy (DOMAIN.md 1.1). While the month stays within the progressive
 * part (≤ 150 kWh by default), each slice's kWh pay the slice's price: 130 kWh = 100 × 0.9010 +
 * 30 × 1.0732. Above it the selective rule applies: the WHOLE month is billed at the price of the bracket
 * its total falls in (520 kWh = 520 × 1.5958), which is why a saved kWh is not worth one price.
 */
import { progressiveLabel, rangeText, selectiveLabel } from "./labels.js";
import { makeLine } from "./lines.js";
import { roundTo } from "./money.js";
import type { Bracket, BracketTable } from "./schema.js";
import type { BillLine } from "./types.js";

export interface Slice {
  /** 1-based position of the slice. */
  index: number;
  lower: number;
  upper: number | undefined;
  kwh: number;
  price: number;
}

/** The month's kWh cut into progressive slices; slices the month does not reach are left out. */
export function slicesOf(kwh: number, brackets: readonly Bracket[], decimals: number): Slice[] {
  const out: Slice[] = [];
  let lower = 0;
  brackets.forEach((b, i) => {
    const upper = b.up_to_kwh;
    const inSlice = roundTo(Math.min(kwh, upper ?? Number.POSITIVE_INFINITY) - lower, decimals);
    if (inSlice > 0) out.push({ index: i + 1, lower, upper, kwh: inSlice, price: b.price });
    lower = upper ?? lower;
  });
  return out;
}

/** The energy lines of a bracket tariff for a month of `kwh` (already rounded to the billed decimals). */
export function bracketLines(kwh: number, table: BracketTable, vatPct: number, decimals: number): BillLine[] {
  const progressiveEnd = table.progressive.at(-1)?.up_to_kwh;
  if (table.selective.length === 0 || progressiveEnd === undefined || kwh <= progressiveEnd) {
    return slicesOf(kwh, table.progressive, decimals).map((s) =>
      makeLine({
        id: `energy.progressive.${s.index}`,
        kind: "energy",
        label: progressiveLabel(s.index, rangeText(s.lower, s.upper)),
        quantity: s.kwh,
        unit: "kWh",
        unitPrice: s.price,
        basis: table.basis,
        vatPct,
      }),
    );
  }
  const { index, lower, bracket } = selectiveBracket(kwh, table.selective, progressiveEnd);
  return [
    makeLine({
      id: `energy.selective.${index}`,
      kind: "energy",
      label: selectiveLabel(rangeText(lower, bracket.up_to_kwh)),
      quantity: kwh,
      unit: "kWh",
      unitPrice: bracket.price,
      basis: table.basis,
      vatPct,
    }),
  ];
}

/** The selective bracket (lower, up_to_kwh] holding `kwh`; the schema guarantees the last one is open. */
function selectiveBracket(kwh: number, selective: readonly Bracket[], progressiveEnd: number) {
  let lower = progressiveEnd;
  for (const [i, bracket] of selective.entries()) {
    if (bracket.up_to_kwh === undefined || kwh <= bracket.up_to_kwh) return { index: i + 1, lower, bracket };
    lower = bracket.up_to_kwh;
  }
  throw new RangeError(`no selective bracket holds ${kwh} kWh: the last bracket must be open`);
}
