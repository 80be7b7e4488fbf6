/**
 * Savings stated as IPMVP Option B would (retrofit isolation, all parameters measured), per billing
 * period, pure:
 *
 *   savings = bill without solar − bill actually paid
 *
 * - bill without solar: the site's measured consumption over the reading period (grid import + PV used
 *   on site, both metered hour by hour) priced with the tariff the bills confirm (fit.ts), or the
 *   configured one, marked UNCONFIRMED, when no tariff reproduces them;
 * - bill paid: the recorded bill's total; a period without a recorded bill uses the tariff's bill for the
 *   metered import, marked PREDICTED.
 * `sameTariff` also gives baseline − our tariff on the billed kWh: the solar effect alone, free of any
 * tariff-model error, so a reader can see how much of the difference is the model.
 *
 * Uncertainty: the meters' accuracy classes (a class-1 meter: ±1 %) are combined in quadrature over the
 * two measured terms, and a share of hours without data widens the band by that share of consumption
 * (no gap filling is assumed). The band is the saving re-priced at consumption ± u: with selective
 * brackets a kWh is not worth one price, so the band is priced, not scaled.
 */
import { z } from "zod";
import type { Tariff } from "../tariff/schema.js";
import type { PeriodMetering } from "./meter.js";
import { pricePeriod } from "./price.js";
import { billedKwh, type StoredBill } from "./schema.js";

export const mvConfigSchema = z
  .strictObject({
    boundary: z
      .string()
      .default(
        "the PV plant (retrofit isolation): its inverters' AC output and the grid connection point; the " +
          "consumption it serves is everything behind the grid meter",
      )
      .describe("Measurement boundary, as the report states it."),
    grid_meter_class_pct: z
      .number()
      .positive()
      .default(1)
      .describe("Accuracy class of the grid meter, % (IEC 62053-21 class 1 = 1). Read it on the meter."),
    pv_meter_class_pct: z
      .number()
      .positive()
      .default(2)
      .describe("Accuracy of the inverters' energy counters, % (datasheet; 2 is a placeholder, U)."),
    completeness_min: z
      .number()
      .min(0)
      .max(1)
      .default(0.95)
      .describe("Periods with a smaller share of hours measured are marked incomplete."),
  })
  .prefault({});
export type MvConfig = z.output<typeof mvConfigSchema>;

export interface PeriodSavings {
  from: string;
  to: string;
  billId?: string;
  /** "bill": the recorded bill's total; "predicted": no bill, our tariff on the metered import. */
  actualBasis: "bill" | "predicted";
  importKwh: number;
  selfKwh: number;
  consumptionKwh: number;
  /** Hours with both import and PV data / hours of the period. */
  completeness: number;
  /** Null when the period was not measured (no grid-meter or no PV data): no savings are stated then. */
  baselineTtc: number | null;
  actualTtc: number | null;
  savingsTtc: number | null;
  /** Baseline − our tariff on the billed kWh (on the metered import when predicted). */
  sameTariffSavingsTtc: number | null;
  uncertaintyKwh: number | null;
  band: { low: number; high: number } | null;
  tariffId: string;
  tariffConfirmed: boolean;
  marks: string[];
}

export interface SavingsStatement {
  method: string;
  boundary: string;
  meters: Array<{ role: string; devices: string[]; accuracyClassPct: number }>;
  tariffId: string;
  tariffConfirmed: boolean;
  periods: PeriodSavings[];
  /** Over the measured periods only; `notMeasured` periods state no savings. */
  total: {
    savingsTtc: number;
    band: { low: number; high: number };
    periods: number;
    predicted: number;
    notMeasured: number;
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export interface SavingsInput {
  periods: ReadonlyArray<{ metering: PeriodMetering; bill?: StoredBill }>;
  tariff: Tariff;
  tariffConfirmed: boolean;
  config?: MvConfig;
}

export function savingsStatement(input: SavingsInput): SavingsStatement {
  const cfg = input.config ?? mvConfigSchema.parse(undefined);
  const periods = input.periods.map(({ metering, bill }) => periodSavings(metering, bill, input, cfg));
  const first = input.periods[0]?.metering;
  const sum = (f: (p: PeriodSavings) => number | undefined) =>
    r2(periods.reduce((s, p) => s + (f(p) ?? 0), 0));
  return {
    method:
      "IPMVP Option B (retrofit isolation, all parameters measured): savings = bill without solar " +
      "(measured import + PV used on site, priced) − bill paid, per billing period",
    boundary: cfg.boundary,
    meters: [
      {
        role: "grid meter (import, export)",
        devices: first?.gridMeter ? [first.gridMeter] : [],
        accuracyClassPct: cfg.grid_meter_class_pct,
      },
      {
        role: "PV inverters (production)",
        devices: first?.inverters ?? [],
        accuracyClassPct: cfg.pv_meter_class_pct,
      },
    ],
    tariffId: input.tariff.id,
    tariffConfirmed: input.tariffConfirmed,
    periods,
    total: {
      savingsTtc: sum((p) => p.savingsTtc ?? undefined),
      // Bands add linearly: the meters' errors are systematic from one period to the next.
      band: { low: sum((p) => p.band?.low), high: sum((p) => p.band?.high) },
      periods: periods.length,
      predicted: periods.filter((p) => p.actualBasis === "predicted").length,
      notMeasured: periods.filter((p) => p.savingsTtc === null).length,
    },
  };
}

function periodSavings(
  m: PeriodMetering,
  stored: StoredBill | undefined,
  input: SavingsInput,
  cfg: MvConfig,
): PeriodSavings {
  const marks: string[] = [];
  const importKwh = m.importKwh ?? 0;
  const selfKwh = m.selfKwh ?? 0;
  const consumption = importKwh + selfKwh;
  const known = Math.min(m.importHours, m.selfHours);
  const completeness = m.hours > 0 ? known / m.hours : 0;
  const base = {
    from: m.from,
    to: m.to,
    ...(stored ? { billId: stored.id } : {}),
    actualBasis: (stored ? "bill" : "predicted") as PeriodSavings["actualBasis"],
    importKwh: r3(importKwh),
    selfKwh: r3(selfKwh),
    consumptionKwh: r3(consumption),
    completeness: r3(completeness),
    tariffId: input.tariff.id,
    tariffConfirmed: input.tariffConfirmed,
    marks,
  };
  // Without both measurements there is no measured consumption: say so, never price 0 kWh.
  if (m.importKwh === undefined || m.selfKwh === undefined) {
    if (m.importKwh === undefined) marks.push("NOT MEASURED: no grid-meter data over the period");
    if (m.selfKwh === undefined) marks.push("NOT MEASURED: no PV and export data over the period");
    const none = { baselineTtc: null, actualTtc: null, savingsTtc: null, sameTariffSavingsTtc: null };
    return { ...base, ...none, uncertaintyKwh: null, band: null };
  }
  if (completeness < cfg.completeness_min)
    marks.push(`incomplete: ${(completeness * 100).toFixed(1)} % of hours measured`);
  if (!input.tariffConfirmed) marks.push(`tariff ${input.tariff.id} NOT confirmed by the bills`);
  const price = (kwh: number) =>
    pricePeriod({ total: Math.max(0, kwh) }, input.tariff, m.from, m.to).total.ttc;
  const baseline = price(consumption);
  const predictedOnImport = price(importKwh);
  if (!stored) marks.push("PREDICTED: no bill recorded for the period, our tariff on the metered import");
  const actual = stored ? stored.bill.total : predictedOnImport;
  const onBilled = stored
    ? pricePeriod(billedKwh(stored.bill), input.tariff, m.from, m.to).total.ttc
    : predictedOnImport;
  const u =
    Math.hypot((cfg.grid_meter_class_pct / 100) * importKwh, (cfg.pv_meter_class_pct / 100) * selfKwh) +
    consumption * (1 - Math.min(1, completeness));
  return {
    ...base,
    baselineTtc: baseline,
    actualTtc: actual,
    savingsTtc: r2(baseline - actual),
    sameTariffSavingsTtc: r2(baseline - onBilled),
    uncertaintyKwh: r3(u),
    band: { low: r2(price(consumption - u) - actual), high: r2(price(consumption + u) - actual) },
    tariffId: input.tariff.id,
    tariffConfirmed: input.tariffConfirmed,
    marks,
  };
}
