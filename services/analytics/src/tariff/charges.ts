/** The lines that do not depend on when energy was used: fixed monthly fees and the TPPAN levy. */
import { slicesOf } from "./brackets.js";
import { rangeText, tppanLabel } from "./labels.js";
import { makeLine } from "./lines.js";
import type { FeeTable, TppanTable } from "./schema.js";
import type { BillLine } from "./types.js";

/** One line per fixed fee of the table in force, quantity one month. */
export function feeLines(table: FeeTable, vatPct: number): BillLine[] {
  return table.fees.map((fee) =>
    makeLine({
      id: `fee.${fee.id}`,
      kind: "fixed_fee",
      label: fee.label,
      quantity: 1,
      unit: "month",
      unitPrice: fee.amount,
      basis: fee.basis,
      vatPct: fee.vat_applies ? vatPct : 0,
    }),
  );
}

/**
 * The audiovisual levy: nothing up to `exempt_up_to_kwh`, otherwise one line per progressive slice of the
 * month's kWh (DOMAIN.md 1.3, from a third-party calculator: confirm on a real bill).
 */
export function tppanLines(kwh: number, table: TppanTable, vatPct: number, decimals: number): BillLine[] {
  if (kwh <= table.exempt_up_to_kwh) return [];
  return slicesOf(kwh, table.slices, decimals).map((s) =>
    makeLine({
      id: `tppan.${s.index}`,
      kind: "levy",
      label: tppanLabel(rangeText(s.lower, s.upper)),
      quantity: s.kwh,
      unit: "kWh",
      unitPrice: s.price,
      basis: table.basis,
      vatPct: table.vat_applies ? vatPct : 0,
    }),
  );
}
