/**
 * Monthly and daily results as the analytics job writes them, for the report tests: three institutions
 * over the fourth quarter of 2026 (plus September and January, which a Q4 report must leave out). The
 * expected figures are worked out by hand in build.suite.ts.
 *
 * - dar-a: PV, grid meter and a butane-backed solar water heater; every month of Q4.
 * - dar-b: PV and grid meter only; October complete, November half (completeness 0.5), December missing.
 * - ghost: not in the institutions file, but has October results (the dashboards count it, so must we).
 */
import type { Point } from "@jisr/core";
import { daysOfMonth, localDay, localMonth, MOROCCO_TZ } from "@jisr/core";
import type { ReportInstitutions } from "../build.js";

type Fields = Record<string, number>;

interface MonthFixture {
  energy?: Fields;
  savings?: Fields;
  hotWater?: Fields;
}

const energy = (pv: number, self: number, imp: number, exp: number, co2: number, c: number): Fields => ({
  pv_energy_wh: pv,
  self_consumed_wh: self,
  import_wh: imp,
  export_wh: exp,
  consumption_wh: imp + self,
  co2_avoided_kg: co2,
  completeness: c,
});

const savings = (mad: number, exportIncome: number, c: number): Fields => ({
  savings_mad: mad,
  export_income_mad: exportIncome,
  completeness: c,
});

export const FIXTURE: Record<string, Record<string, MonthFixture>> = {
  "dar-a": {
    // Outside Q4: must not count.
    "2026-09": { energy: energy(9e9, 9e9, 0, 0, 9e6, 1), savings: savings(99999, 0, 1) },
    "2026-10": {
      energy: energy(1_200_000, 1_000_000, 800_000, 200_000, 840, 1),
      savings: savings(1234.56, 0, 1),
      hotWater: hotWater(900_000, 100_000, 90, [9000, 1000, 0], [30, 31], 80.5, 950.25, 600.1, 243.92, 0.99),
    },
    "2026-11": {
      energy: energy(1_000_000, 900_000, 850_000, 100_000, 700, 0.95),
      savings: savings(1100.1, 10.5, 0.95),
      hotWater: hotWater(700_000, 300_000, 70, [8000, 2000, 500], [25, 28], 62.3, 735.4, 465.2, 188.77, 0.9),
    },
    "2026-12": {
      energy: energy(800_000, 780_000, 950_000, 20_000, 560, 1),
      savings: savings(1000.01, 0, 1),
      hotWater: hotWater(500_000, 500_000, 50, [7000, 3000, 0], [20, 31], 44.1, 520.3, 330.75, 133.62, 1),
    },
    "2027-01": { energy: energy(9e9, 9e9, 0, 0, 9e6, 1), savings: savings(99999, 0, 1) },
  },
  "dar-b": {
    "2026-10": {
      energy: energy(600_000, 500_000, 300_000, 100_000, 420, 1),
      savings: savings(640.33, 5.25, 1),
    },
    "2026-11": {
      energy: energy(300_000, 250_000, 150_000, 50_000, 210, 0.5),
      savings: savings(300.2, 2.5, 0.5),
    },
  },
  ghost: {
    "2026-10": { energy: energy(100_000, 100_000, 0, 0, 70, 1), savings: savings(99.99, 0, 1) },
  },
};

function hotWater(
  solar: number,
  backup: number,
  fraction: number,
  [available, unavailable, unknown]: number[],
  [hygiene, checked]: number[],
  butaneKg: number,
  mad: number,
  subsidy: number,
  co2: number,
  c: number,
): Fields {
  return {
    solar_heat_wh: solar,
    backup_energy_wh: backup,
    solar_fraction_pct: fraction,
    availability_pct: (100 * (available as number)) / ((available as number) + (unavailable as number)),
    available_minutes: available as number,
    unavailable_minutes: unavailable as number,
    unknown_minutes: unknown as number,
    hygiene_days: hygiene as number,
    hygiene_checked_days: checked as number,
    butane_avoided_kg: butaneKg,
    savings_mad: mad,
    butane_subsidy_avoided_mad: subsidy,
    co2_avoided_kg: co2,
    completeness: c,
  };
}

export const INSTITUTIONS: ReportInstitutions = {
  timeZone: MOROCCO_TZ,
  institutions: [
    {
      id: "dar-a",
      name: { fr: "Foyer pour personnes âgées, Ben Guerir", ar: "دار المسنين، ابن جرير" },
      pv: {},
      gridMeter: {},
      hotWater: {},
      co2: { source: "test factor" },
    },
    {
      id: "dar-b",
      name: {
        fr: "Maison d'enfants, Skhour Rehamna",
        ar: "دار الأطفال، سخور الرحامنة",
        en: "Children's home",
      },
      pv: {},
      gridMeter: {},
      co2: { source: "test factor" },
    },
  ],
};

const MEASUREMENT = { energy: "energy", savings: "savings", hotWater: "hot_water" } as const;

/** The monthly points of FIXTURE, at local midnight on each month's first day. */
export function monthlyPoints(): Point[] {
  return Object.entries(FIXTURE).flatMap(([institution, months]) =>
    Object.entries(months).flatMap(([month, groups]) =>
      (Object.keys(MEASUREMENT) as (keyof typeof MEASUREMENT)[]).flatMap((g) => {
        const fields = groups[g];
        if (!fields) return [];
        const time = localMonth(month, MOROCCO_TZ).from;
        return [{ measurement: `${MEASUREMENT[g]}_monthly`, tags: { institution }, fields, time }];
      }),
    ),
  );
}

/**
 * `savings_daily` points whose `savings_mad` add up to each month's (split evenly in centimes, the rest
 * on the last day), at local midnight of each day, as the job writes them.
 */
export function dailySavingsPoints(): Point[] {
  return Object.entries(FIXTURE).flatMap(([institution, months]) =>
    Object.entries(months).flatMap(([month, groups]) => {
      if (!groups.savings) return [];
      const days = daysOfMonth(month);
      const total = Math.round((groups.savings.savings_mad as number) * 100);
      const each = Math.floor(total / days.length);
      return days.map((day, i) => ({
        measurement: "savings_daily",
        tags: { institution },
        fields: { savings_mad: (i === days.length - 1 ? total - each * (days.length - 1) : each) / 100 },
        time: localDay(day, MOROCCO_TZ).from,
      }));
    }),
  );
}
