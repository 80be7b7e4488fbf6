/**
 * The bill a tariff predicts for a reading period (meter reading to meter reading), from the kWh of each
 * register. Same lines and rounding as the monthly `bill` of tariff/bill.ts (brackets, fees, TPPAN, VAT),
 * with two rules made explicit because no source says what the distributor does:
 * - the tables in force are those of the period's FIRST day (the monthly bill's rule), and a table
 *   changing inside the period is reported (`changesInPeriod`), never silently prorated;
 * - bracket edges and the fixed fee are monthly and applied once per bill, unprorated; a period far from
 *   a month is reported by the reconciliation (`period_length`).
 */
import { bracketLines } from "../tariff/brackets.js";
import { feeLines, tppanLines } from "../tariff/charges.js";
import { requireInForce } from "../tariff/effective.js";
import { totalOf } from "../tariff/lines.js";
import { roundTo } from "../tariff/money.js";
import type { Tariff } from "../tariff/schema.js";
import { periodLines } from "../tariff/time-of-use.js";
import type { BillLine } from "../tariff/types.js";

export interface PeriodBill {
  tariffId: string;
  from: string;
  to: string;
  kwh: { total: number; byPeriod?: Record<string, number> };
  vatPct: number;
  lines: BillLine[];
  total: { ht: number; vat: number; ttc: number };
  /** The `from` date of each table used. */
  inForce: Record<string, string>;
  /** Tables with an entry dated inside (from, to): the period straddles a price or VAT change. */
  changesInPeriod: string[];
}

/**
 * `kwh`: the total for a bracket tariff (or `{ total }`), one entry per period for a time-of-use one.
 * Throws a RangeError naming what is missing (a table not in force, a register the tariff needs).
 */
export function pricePeriod(
  kwh: Record<string, number>,
  tariff: Tariff,
  from: string,
  to: string,
): PeriodBill {
  const vat = requireInForce(tariff.vat, from, "VAT rate", tariff.id);
  const lines: BillLine[] = [];
  const inForce: Record<string, string> = { vat: vat.from };
  let billed: PeriodBill["kwh"];
  if (tariff.kind === "bt-domestic" || tariff.kind === "bt-professional") {
    const table = requireInForce(tariff.energy, from, "energy prices", tariff.id);
    const total = roundTo(
      Object.values(kwh).reduce((a, b) => a + b, 0),
      tariff.kwh_decimals,
    );
    lines.push(...bracketLines(total, table, vat.rate_pct, tariff.kwh_decimals));
    inForce.energy = table.from;
    billed = { total };
  } else if (tariff.kind === "bt-two-period") {
    const prices = requireInForce(tariff.energy, from, "energy prices", tariff.id);
    const byPeriod = perPeriod(kwh, ["peak", "normal"], tariff);
    lines.push(...periodLines(byPeriod, prices.prices, prices.basis, vat.rate_pct));
    inForce.energy = prices.from;
    billed = { total: sum(byPeriod, tariff.kwh_decimals), byPeriod };
  } else {
    throw new RangeError(
      `tariff "${tariff.id}" is medium voltage: reading-period bills of MT (power charge, three periods) are not modelled yet`,
    );
  }
  if (tariff.fixed_fees.length > 0) {
    const fees = requireInForce(tariff.fixed_fees, from, "fixed fees", tariff.id);
    lines.push(...feeLines(fees, vat.rate_pct));
    inForce.fixed_fees = fees.from;
  }
  if (tariff.tppan.length > 0) {
    const tppan = requireInForce(tariff.tppan, from, "TPPAN levy", tariff.id);
    lines.push(...tppanLines(billed.total, tppan, vat.rate_pct, tariff.kwh_decimals));
    inForce.tppan = tppan.from;
  }
  const tables: Record<string, readonly { from: string }[]> = {
    vat: tariff.vat,
    energy: tariff.energy,
    fixed_fees: tariff.fixed_fees,
    tppan: tariff.tppan,
  };
  const changesInPeriod = Object.entries(tables)
    .filter(([, list]) => list.some((e) => e.from > from && e.from < to))
    .map(([name]) => name);
  return {
    tariffId: tariff.id,
    from,
    to,
    kwh: billed,
    vatPct: vat.rate_pct,
    lines,
    total: totalOf(lines),
    inForce,
    changesInPeriod,
  };
}

function perPeriod(kwh: Record<string, number>, names: readonly string[], tariff: Tariff) {
  const missing = names.filter((n) => kwh[n] === undefined);
  if (missing.length > 0)
    throw new RangeError(
      `tariff "${tariff.id}" bills by period (${names.join(", ")}): the kWh of ${missing.join(", ")} are missing`,
    );
  return Object.fromEntries(names.map((n) => [n, roundTo(kwh[n] as number, tariff.kwh_decimals)]));
}

function sum(byPeriod: Record<string, number>, decimals: number): number {
  return roundTo(
    Object.values(byPeriod).reduce((a, b) => a + b, 0),
    decimals,
  );
}
