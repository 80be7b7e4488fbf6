/**
 * Adding monthly results up, for an institution over a period and for the programme over institutions.
 * Pure. A tally keeps sums, not figures: percentages are recomputed from summed minutes and energies,
 * never averaged (as the job does for months), so a period's figure is the one its months add up to.
 * Money is summed in centimes (integers), so a sum of a thousand months is exact to the centime.
 */
import { type FieldOf, type MonthValues, REPORT_FIELDS } from "./read.js";
import type { Figures } from "./types.js";

interface Weighted {
  sum: number;
  weight: number;
}

export interface Tally {
  /** Sums of the fields seen, by "group.field"; fields ending in `_mad` in centimes. */
  sums: Record<string, number>;
  /** Self-consumed and produced Wh over the months where both are known. */
  selfConsumption: { selfWh: number; pvWh: number; months: number };
  /** Monthly solar fractions weighted by the month's heat (solar + backup). */
  solarFraction: Weighted;
  completeness: { energy?: Weighted; hotWater?: Weighted };
}

/** Which completeness an institution owes: PV or grid meter → energy; a water heater → hot water. */
export interface Expected {
  energy: boolean;
  hotWater: boolean;
}

export function emptyTally(): Tally {
  return {
    sums: {},
    selfConsumption: { selfWh: 0, pvWh: 0, months: 0 },
    solarFraction: zero(),
    completeness: {},
  };
}

const zero = (): Weighted => ({ sum: 0, weight: 0 });

/**
 * The fields that add up over months and institutions: every field the report reads but the two that do
 * not (completeness is weighted by month length, the solar fraction weighted by heat, both below).
 */
const NOT_SUMMED: ReadonlySet<string> = new Set(["completeness", "solar_fraction_pct"]);
const summed = <F extends string>(fields: readonly F[]) => fields.filter((f) => !NOT_SUMMED.has(f));
const SUMMED = {
  energy: summed(REPORT_FIELDS.energy),
  savings: summed(REPORT_FIELDS.savings),
  hotWater: summed(REPORT_FIELDS.hotWater),
} satisfies { [G in keyof MonthValues]: readonly FieldOf<G>[] };

/**
 * One institution's month. `weightMs` is the month's length, or 0 for a month that had not started when
 * the report was made (it then owes no data yet). A missing month counts as completeness 0.
 */
export function monthTally(values: MonthValues | undefined, expected: Expected, weightMs: number): Tally {
  const t = emptyTally();
  const v = values ?? { energy: {}, savings: {}, hotWater: {} };
  for (const group of Object.keys(SUMMED) as (keyof typeof SUMMED)[]) {
    for (const field of SUMMED[group]) {
      const value = (v[group] as Record<string, number | undefined>)[field];
      if (value === undefined) continue;
      const key = `${group}.${field}`;
      t.sums[key] = field.endsWith("_mad") ? Math.round(value * 100) : value;
    }
  }
  const { pv_energy_wh: pv, self_consumed_wh: self } = v.energy;
  if (pv !== undefined && self !== undefined) t.selfConsumption = { selfWh: self, pvWh: pv, months: 1 };
  const { solar_heat_wh: solar, backup_energy_wh: backup, solar_fraction_pct: fraction } = v.hotWater;
  const heat = (solar ?? 0) + (backup ?? 0);
  if (fraction !== undefined && heat > 0) t.solarFraction = { sum: fraction * heat, weight: heat };
  if (expected.energy) {
    const c = v.energy.completeness ?? v.savings.completeness ?? 0;
    t.completeness.energy = { sum: c * weightMs, weight: weightMs };
  }
  if (expected.hotWater) {
    t.completeness.hotWater = { sum: (v.hotWater.completeness ?? 0) * weightMs, weight: weightMs };
  }
  return t;
}

export function mergeTallies(tallies: readonly Tally[]): Tally {
  const out = emptyTally();
  for (const t of tallies) {
    for (const [key, value] of Object.entries(t.sums)) out.sums[key] = (out.sums[key] ?? 0) + value;
    out.selfConsumption.selfWh += t.selfConsumption.selfWh;
    out.selfConsumption.pvWh += t.selfConsumption.pvWh;
    out.selfConsumption.months += t.selfConsumption.months;
    out.solarFraction = add(out.solarFraction, t.solarFraction);
    if (t.completeness.energy) out.completeness.energy = add(out.completeness.energy, t.completeness.energy);
    if (t.completeness.hotWater)
      out.completeness.hotWater = add(out.completeness.hotWater, t.completeness.hotWater);
  }
  return out;
}

function add(a: Weighted | undefined, b: Weighted): Weighted {
  return { sum: (a?.sum ?? 0) + b.sum, weight: (a?.weight ?? 0) + b.weight };
}

const ratio = (w: Weighted | undefined) => (w && w.weight > 0 ? w.sum / w.weight : undefined);

/** Sum of the defined values; undefined when none is. */
function sumOf(...values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0);
}

const centimesToMad = (c: number | undefined) => (c === undefined ? undefined : c / 100);

/** The figures a tally stands for. */
export function figuresOf(t: Tally): Figures {
  const s = (key: string) => t.sums[key];
  const mad = (key: string) => centimesToMad(t.sums[key]);
  const kwh = (key: string) => (t.sums[key] === undefined ? undefined : (t.sums[key] as number) / 1000);
  const electricity = mad("savings.savings_mad");
  const hotWater = mad("hotWater.savings_mad");
  const available = s("hotWater.available_minutes");
  const unavailable = s("hotWater.unavailable_minutes");
  const withData = (available ?? 0) + (unavailable ?? 0);
  const pvCo2 = s("energy.co2_avoided_kg");
  const hwCo2 = s("hotWater.co2_avoided_kg");
  const energyC = ratio(t.completeness.energy);
  const hotWaterC = ratio(t.completeness.hotWater);
  const sc = t.selfConsumption;
  return {
    money: {
      electricityMad: electricity,
      hotWaterMad: hotWater,
      totalMad: centimesToMad(sumOf(s("savings.savings_mad"), s("hotWater.savings_mad"))),
      exportIncomeMad: mad("savings.export_income_mad"),
      butaneSubsidyAvoidedMad: mad("hotWater.butane_subsidy_avoided_mad"),
    },
    energy: {
      pvKwh: kwh("energy.pv_energy_wh"),
      selfConsumedKwh: kwh("energy.self_consumed_wh"),
      selfConsumptionPct: sc.months > 0 && sc.pvWh > 0 ? (sc.selfWh / sc.pvWh) * 100 : undefined,
      importKwh: kwh("energy.import_wh"),
      exportKwh: kwh("energy.export_wh"),
    },
    hotWater: {
      solarHeatKwh: kwh("hotWater.solar_heat_wh"),
      backupKwh: kwh("hotWater.backup_energy_wh"),
      solarFractionPct: ratio(t.solarFraction),
      availabilityPct: withData > 0 ? ((available ?? 0) / withData) * 100 : undefined,
      availableMinutes: available,
      unavailableMinutes: unavailable,
      unknownMinutes: s("hotWater.unknown_minutes"),
      hygieneDays: s("hotWater.hygiene_days"),
      hygieneCheckedDays: s("hotWater.hygiene_checked_days"),
      butaneAvoidedKg: s("hotWater.butane_avoided_kg"),
    },
    co2: { pvKg: pvCo2, hotWaterKg: hwCo2, totalKg: sumOf(pvCo2, hwCo2) },
    completeness: {
      energy: energyC,
      hotWater: hotWaterC,
      lowest:
        energyC === undefined && hotWaterC === undefined ? undefined : Math.min(energyC ?? 1, hotWaterC ?? 1),
    },
  };
}
