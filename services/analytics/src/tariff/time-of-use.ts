/**
 * Energy lines of the time-of-use tariffs (two-period BT, MT): each hourly sample goes to the period of
 * its start instant (periods.ts), each period's kWh is rounded to the billed decimals and priced. Every
 * period gets a line, even at 0 kWh, as each has its own register on the meter.
 */
import { periodLabel } from "./labels.js";
import { makeLine } from "./lines.js";
import { roundTo } from "./money.js";
import { periodAt } from "./periods.js";
import type { Basis, PeriodTable } from "./schema.js";
import type { BillLine, HourlyKwh } from "./types.js";

/** kWh per period, each rounded to `decimals`, in the order of `periods`. */
export function kwhByPeriod(
  samples: readonly HourlyKwh[],
  table: PeriodTable,
  periods: readonly string[],
  timeZone: string,
  decimals: number,
): Record<string, number> {
  const sums: Record<string, number> = Object.fromEntries(periods.map((p) => [p, 0]));
  for (const s of samples) {
    const period = periodAt(s.start, table, timeZone);
    sums[period] = (sums[period] ?? 0) + s.kwh;
  }
  return Object.fromEntries(periods.map((p) => [p, roundTo(sums[p] ?? 0, decimals)]));
}

export function periodLines(
  byPeriod: Record<string, number>,
  prices: Record<string, number>,
  basis: Basis,
  vatPct: number,
): BillLine[] {
  return Object.entries(byPeriod).map(([period, kwh]) =>
    makeLine({
      id: `energy.${period}`,
      kind: "energy",
      label: periodLabel(period),
      quantity: kwh,
      unit: "kWh",
      unitPrice: prices[period] ?? 0,
      basis,
      vatPct,
    }),
  );
}
