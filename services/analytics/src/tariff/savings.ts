/**
 * What the sun saved in a month: the bill had the self-consumed PV energy been imported, minus the bill
 * actually due, plus what the exported kWh earn (DOMAIN.md 1.1 and 1.6). Because of the selective
 * brackets a saved kWh is not worth one price, so the bill is computed twice, never "kWh × price".
 *
 * Per hour: self-consumption = production − export (the PV energy used on site), and the counterfactual
 * import = import + self-consumption. An hour where export exceeds production (meters not aligned)
 * counts 0 self-consumption and is reported in `clampedHours`.
 *
 * With solar water heaters on an electric backup too, `jointSavings` splits one joint counterfactual
 * between the two, PV first; its PV part is this file's `billSavings`, to the centime.
 */
import { bill } from "./bill.js";
import { billingDate, inForce } from "./effective.js";
import { monthBounds } from "./local-time.js";
import { centimes, mad, roundTo } from "./money.js";
import type { Tariff } from "./schema.js";
import type { Bill, HourlyKwh } from "./types.js";

/** The month's metered hours: grid import, grid export and PV production (all kWh ≥ 0). */
export interface MeteredHours {
  import: readonly HourlyKwh[];
  export: readonly HourlyKwh[];
  production: readonly HourlyKwh[];
}

/** Produced and exported kWh of the calendar year BEFORE the billed month (0 and 0 for January). */
export interface YearBefore {
  producedKwh: number;
  exportedKwh: number;
}

export interface ExportCap {
  capPct: number;
  warnAtPct: number;
  /** Year to date, including the billed month. */
  producedYtdKwh: number;
  exportedYtdKwh: number;
  /** exported / produced × 100, year to date; null before any production. */
  sharePct: number | null;
  /** kWh that may still be exported this year at the production so far. */
  remainingKwh: number;
  status: "ok" | "near" | "over" | "no_production";
}

export interface Savings {
  month: string;
  tariffId: string;
  withSolar: Bill;
  withoutSolar: Bill;
  energy: {
    importKwh: number;
    exportKwh: number;
    productionKwh: number;
    selfConsumedKwh: number;
    counterfactualImportKwh: number;
    clampedHours: number;
  };
  /** withoutSolar.total.ttc − withSolar.total.ttc, MAD. */
  billSavings: number;
  exportIncome: { exportedKwh: number; paidKwh: number; priceMadPerKwh: number; amount: number };
  /** billSavings + exportIncome.amount, MAD. */
  total: number;
  exportCap: ExportCap;
}

export function savings(
  metered: MeteredHours,
  tariff: Tariff,
  month: string,
  yearBefore: YearBefore,
): Savings {
  const { imported, exported, produced, self, clampedHours } = monthHours(metered, tariff, month);
  const counterfactual = addByHour(imported, self);
  const withSolar = bill(imported, tariff, month);
  const withoutSolar = bill(counterfactual, tariff, month);
  const sum = (series: readonly HourlyKwh[]) => series.reduce((s, x) => s + x.kwh, 0);
  const energy = {
    importKwh: sum(imported),
    exportKwh: sum(exported),
    productionKwh: sum(produced),
    selfConsumedKwh: sum(self),
    counterfactualImportKwh: sum(counterfactual),
    clampedHours,
  };
  const cap = exportCap(tariff, yearBefore, energy.productionKwh, energy.exportKwh);
  const exportIncome = incomeOf(tariff, month, yearBefore, energy, cap);
  const billSavings = mad(centimes(withoutSolar.total.ttc) - centimes(withSolar.total.ttc));
  return {
    month,
    tariffId: tariff.id,
    withSolar,
    withoutSolar,
    energy,
    billSavings,
    exportIncome,
    total: mad(centimes(billSavings) + centimes(exportIncome.amount)),
    exportCap: cap,
  };
}

/** The month's samples of each metered series, and the self-consumption per hour. */
function monthHours(metered: MeteredHours, tariff: Tariff, month: string) {
  const { startMs, endMs } = monthBounds(month, tariff.time_zone);
  checkSeries("export", metered.export);
  checkSeries("production", metered.production);
  const within = (s: HourlyKwh) => s.start >= startMs && s.start < endMs;
  const [imported, exported, produced] = [metered.import, metered.export, metered.production].map((series) =>
    series.filter(within),
  ) as [HourlyKwh[], HourlyKwh[], HourlyKwh[]];
  return { imported, exported, produced, ...selfConsumption(produced, exported), within };
}

/** The bill savings of PV and of solar hot water's avoided electric backup, split so the parts add up. */
export interface JointSavings {
  /** bill(import): the bill actually due. */
  withSolar: Bill;
  /** bill(import + self-consumed PV): `savings().withoutSolar`. */
  withoutPv: Bill;
  /** bill(import + self-consumed PV + avoided backup kWh): neither PV nor solar hot water. */
  withoutEither: Bill;
  /** withoutPv − withSolar, MAD: `savings().billSavings` for the same hours. */
  pv: number;
  /** withoutEither − withoutPv, MAD: what the solar hot water saved on top of the PV. */
  hotWater: number;
  /** withoutEither − withSolar = pv + hotWater, MAD (export income not included). */
  total: number;
}

/**
 * What PV and solar hot water saved together, split between them. Brackets are selective (the whole month
 * at one bracket's price), so a bill is not additive: pricing each against the actual bill, and adding,
 * counts twice a bracket step each crosses alone and never one only their sum crosses (at 420 kWh
 * imported, 100 self-consumed and 100 avoided: 539.70 MAD instead of 449.77).
 * Only the joint counterfactual, bill(import + self-consumed + avoided) − bill(import), is the total; a
 * split of it depends on which part is priced first, and PV is:
 *   PV        = bill(import + self-consumed) − bill(import)
 *   hot water = bill(import + self-consumed + avoided) − bill(import + self-consumed)
 * because (1) the PV part is then `savings().billSavings`, what savings_* and `jisr savings` report (with
 * export income on top): a figure a facility manager checks against the paper bill, and that does not
 * move when solar water heaters are configured or their estimate changes; (2) PV is metered (production, export, import) while the avoided
 * kWh are an estimate (solar heat ÷ backup efficiency), so the estimate takes the remainder, with the
 * interaction of the two, rather than making a metered figure depend on it.
 *
 * `avoided`: the avoided backup kWh per hour (samples outside the month ignored; any instants, not
 * necessarily those of `metered`).
 */
export function jointSavings(
  metered: MeteredHours,
  avoided: readonly HourlyKwh[],
  tariff: Tariff,
  month: string,
): JointSavings {
  const { imported, self, within } = monthHours(metered, tariff, month);
  checkSeries("avoided", avoided);
  const withoutPvKwh = addByHour(imported, self);
  const withSolar = bill(imported, tariff, month);
  const withoutPv = bill(withoutPvKwh, tariff, month);
  const withoutEither = bill(addByHour(withoutPvKwh, avoided.filter(within)), tariff, month);
  const [actual, noPv, neither] = [withSolar, withoutPv, withoutEither].map((b) => centimes(b.total.ttc)) as [
    number,
    number,
    number,
  ];
  return {
    withSolar,
    withoutPv,
    withoutEither,
    pv: mad(noPv - actual),
    hotWater: mad(neither - noPv),
    total: mad(neither - actual),
  };
}

/** Import is checked by `bill`; export and production here, with the same messages. */
function checkSeries(name: string, series: readonly HourlyKwh[]): void {
  series.forEach((s, i) => {
    if (!Number.isFinite(s.start)) throw new RangeError(`${name}[${i}].start is not a UTC instant in ms`);
    if (!Number.isFinite(s.kwh) || s.kwh < 0)
      throw new RangeError(`${name}[${i}].kwh is ${s.kwh}: must be a finite number ≥ 0`);
  });
}

/** Per hour, production − export, never below 0; hours with more export than production are counted. */
function selfConsumption(produced: readonly HourlyKwh[], exported: readonly HourlyKwh[]) {
  // The job hands both series over the same hours, in order: hour by hour, without the maps below (the
  // job prices every day of a month to date, so this runs tens of thousands of hours per institution).
  if (sameHours(produced, exported)) {
    let clampedHours = 0;
    const self = new Array<HourlyKwh>(produced.length);
    for (let i = 0; i < produced.length; i++) {
      const p = produced[i] as HourlyKwh;
      const net = p.kwh - (exported[i] as HourlyKwh).kwh;
      if (net < 0) clampedHours++;
      self[i] = { start: p.start, kwh: Math.max(0, net) };
    }
    return { self, clampedHours };
  }
  const exportAt = new Map(exported.map((s) => [s.start, s.kwh]));
  let clampedHours = 0;
  const self = produced.map((p) => {
    const net = p.kwh - (exportAt.get(p.start) ?? 0);
    if (net < 0) clampedHours++;
    return { start: p.start, kwh: Math.max(0, net) };
  });
  // Export in an hour without a production sample: production is missing, not negative.
  const producedAt = new Set(produced.map((p) => p.start));
  for (const [start, kwh] of exportAt) if (kwh > 0 && !producedAt.has(start)) clampedHours++;
  return { self, clampedHours };
}

/** Two hourly series added hour by hour (hours present in either). */
function addByHour(a: readonly HourlyKwh[], b: readonly HourlyKwh[]): HourlyKwh[] {
  // Same hours in the same order (the job's case): index by index, the same sums as the map gives.
  if (sameHours(a, b)) {
    const out = new Array<HourlyKwh>(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as HourlyKwh;
      out[i] = { start: x.start, kwh: 0 + x.kwh + (b[i] as HourlyKwh).kwh };
    }
    return out;
  }
  const sums = new Map<number, number>();
  for (const s of a) sums.set(s.start, (sums.get(s.start) ?? 0) + s.kwh);
  for (const s of b) sums.set(s.start, (sums.get(s.start) ?? 0) + s.kwh);
  return [...sums].map(([start, kwh]) => ({ start, kwh }));
}

/**
 * Whether `a` and `b` hold the same hours in the same strictly increasing order (so neither has an hour
 * twice, which the general paths would merge or look up once).
 */
function sameHours(a: readonly HourlyKwh[], b: readonly HourlyKwh[]): boolean {
  if (a.length !== b.length) return false;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const start = (a[i] as HourlyKwh).start;
    if (!(start > previous) || (b[i] as HourlyKwh).start !== start) return false;
    previous = start;
  }
  return true;
}

function exportCap(tariff: Tariff, before: YearBefore, producedKwh: number, exportedKwh: number): ExportCap {
  const { cap_pct: capPct, warn_at_pct: warnAtPct } = tariff.export;
  const producedYtdKwh = before.producedKwh + producedKwh;
  const exportedYtdKwh = before.exportedKwh + exportedKwh;
  const sharePct = producedYtdKwh > 0 ? (exportedYtdKwh / producedYtdKwh) * 100 : null;
  const status =
    sharePct === null ? "no_production" : sharePct > capPct ? "over" : sharePct >= warnAtPct ? "near" : "ok";
  const remainingKwh = Math.max(0, (capPct / 100) * producedYtdKwh - exportedYtdKwh);
  return { capPct, warnAtPct, producedYtdKwh, exportedYtdKwh, sharePct, remainingKwh, status };
}

/**
 * Exported kWh are paid up to the cap, year to date: paid so far = min(exported, cap × produced), and the
 * month is paid the increase of that figure. Both terms only grow through the year, so a month is never
 * paid a negative amount, and the months of a year add up to the yearly figure.
 */
function incomeOf(
  tariff: Tariff,
  month: string,
  before: YearBefore,
  energy: { exportKwh: number },
  cap: ExportCap,
): Savings["exportIncome"] {
  const share = cap.capPct / 100;
  const paidBefore = Math.min(before.exportedKwh, share * before.producedKwh);
  // To the Wh: drops float noise such as 0.2 × 11000 = 2200.0000000000005.
  const paidKwh = roundTo(
    Math.max(0, Math.min(cap.exportedYtdKwh, share * cap.producedYtdKwh) - paidBefore),
    3,
  );
  const price = inForce(tariff.export.prices, billingDate(month))?.price ?? 0;
  return {
    exportedKwh: energy.exportKwh,
    paidKwh,
    priceMadPerKwh: price,
    amount: mad(centimes(paidKwh * price)),
  };
}
