/**
 * `bill(consumption, tariff, month)`: the month's bill with every line, as a pure function of its inputs.
 * Samples outside the month (local calendar of the tariff's time zone) are ignored, so a caller may pass
 * a longer series. Every table is read as in force on the month's 1st day (effective.ts).
 */
import { bracketLines } from "./brackets.js";
import { feeLines, tppanLines } from "./charges.js";
import { billingDate, requireInForce } from "./effective.js";
import { POWER_LABEL } from "./labels.js";
import { makeLine, totalOf } from "./lines.js";
import { monthBounds } from "./local-time.js";
import { roundTo } from "./money.js";
import { MT_PERIODS, type MtTariff, type PeriodTable, type Tariff, TWO_PERIODS } from "./schema.js";
import { kwhByPeriod, periodLines } from "./time-of-use.js";
import type { Bill, BillLine, HourlyKwh } from "./types.js";

interface EnergyPart {
  lines: BillLine[];
  kwh: Bill["kwh"];
  inForce: Record<string, string>;
}

export function bill(consumption: readonly HourlyKwh[], tariff: Tariff, month: string): Bill {
  const { startMs, endMs } = monthBounds(month, tariff.time_zone);
  const samples = samplesInMonth(consumption, startMs, endMs);
  const date = billingDate(month);
  const vat = requireInForce(tariff.vat, date, "VAT rate", tariff.id);
  const energy = energyPart(samples, tariff, date, vat.rate_pct);
  const lines = [...energy.lines];
  const used: Record<string, string> = { vat: vat.from, ...energy.inForce };
  if (tariff.kind === "mt") {
    const power = powerPart(tariff, date, vat.rate_pct);
    lines.push(power.line);
    Object.assign(used, power.inForce);
  }
  if (tariff.fixed_fees.length > 0) {
    const fees = requireInForce(tariff.fixed_fees, date, "fixed fees", tariff.id);
    lines.push(...feeLines(fees, vat.rate_pct));
    used.fixed_fees = fees.from;
  }
  if (tariff.tppan.length > 0) {
    const tppan = requireInForce(tariff.tppan, date, "TPPAN levy", tariff.id);
    lines.push(...tppanLines(energy.kwh.total, tppan, vat.rate_pct, tariff.kwh_decimals));
    used.tppan = tppan.from;
  }
  return {
    tariffId: tariff.id,
    kind: tariff.kind,
    month,
    startUtc: new Date(startMs).toISOString(),
    endUtc: new Date(endMs).toISOString(),
    kwh: energy.kwh,
    vatPct: vat.rate_pct,
    lines,
    total: totalOf(lines),
    inForce: used,
  };
}

/** The samples of [startMs, endMs), after checking each one: a bad sample is a caller's bug, not a 0. */
function samplesInMonth(consumption: readonly HourlyKwh[], startMs: number, endMs: number): HourlyKwh[] {
  // While the samples come in increasing order (the job's hours), none can repeat an earlier one: the set
  // of starts seen is only built once they do not (the job bills a month to date for every day).
  let seen: Set<number> | undefined;
  let previous = Number.NEGATIVE_INFINITY;
  const out: HourlyKwh[] = [];
  for (let i = 0; i < consumption.length; i++) {
    const s = consumption[i] as HourlyKwh;
    if (!Number.isFinite(s.start)) throw new RangeError(`consumption[${i}].start is not a UTC instant in ms`);
    if (!Number.isFinite(s.kwh) || s.kwh < 0)
      throw new RangeError(`consumption[${i}].kwh is ${s.kwh}: must be a finite number ≥ 0`);
    if (seen === undefined && s.start > previous) previous = s.start;
    else {
      seen ??= new Set(consumption.slice(0, i).map((x) => x.start));
      if (seen.has(s.start))
        throw new RangeError(`consumption has two samples starting at ${new Date(s.start).toISOString()}`);
      seen.add(s.start);
    }
    if (s.start >= startMs && s.start < endMs) out.push(s);
  }
  return out;
}

function energyPart(samples: readonly HourlyKwh[], tariff: Tariff, date: string, vatPct: number): EnergyPart {
  const decimals = tariff.kwh_decimals;
  if (tariff.kind === "bt-domestic" || tariff.kind === "bt-professional") {
    const table = requireInForce(tariff.energy, date, "energy prices", tariff.id);
    const total = roundTo(
      samples.reduce((sum, s) => sum + s.kwh, 0),
      decimals,
    );
    return {
      lines: bracketLines(total, table, vatPct, decimals),
      kwh: { total },
      inForce: { energy: table.from },
    };
  }
  const periods = requireInForce<PeriodTable>(tariff.periods, date, "period table", tariff.id);
  const prices = requireInForce<{ from: string; basis: "ttc" | "ht"; prices: Record<string, number> }>(
    tariff.energy,
    date,
    "energy prices",
    tariff.id,
  );
  const names = tariff.kind === "mt" ? MT_PERIODS : TWO_PERIODS;
  const byPeriod = kwhByPeriod(samples, periods, names, tariff.time_zone, decimals);
  const total = roundTo(
    Object.values(byPeriod).reduce((a, b) => a + b, 0),
    decimals,
  );
  return {
    lines: periodLines(byPeriod, prices.prices, prices.basis, vatPct),
    kwh: { total, byPeriod },
    inForce: { periods: periods.from, energy: prices.from },
  };
}

/** The yearly power charge billed by twelfths: subscribed kVA × MAD/kVA/yr ÷ 12, rounded once. */
function powerPart(tariff: MtTariff, date: string, vatPct: number) {
  const charge = requireInForce(tariff.power_charge, date, "power charge", tariff.id);
  const power = requireInForce(tariff.subscribed_power, date, "subscribed power", tariff.id);
  const line = makeLine({
    id: "power",
    kind: "power",
    label: POWER_LABEL,
    quantity: power.kva,
    unit: "kVA",
    unitPrice: roundTo(charge.mad_per_kva_year / 12, 4),
    basis: charge.basis,
    vatPct,
    base: (power.kva * charge.mad_per_kva_year) / 12,
  });
  return { line, inForce: { power_charge: charge.from, subscribed_power: power.from } };
}
