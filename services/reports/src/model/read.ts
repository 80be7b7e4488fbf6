/**
 * Reading the job's monthly results through the Store interface, so the same code reads InfluxDB and the
 * demo's SQLite file. Each monthly point sits at the UTC instant of a local month's first midnight; hour
 * buckets hold one point each (Morocco's offsets are whole hours), and each bucket is matched to the
 * month that starts in it.
 */
import { MEASUREMENTS } from "@jisr/analytics";
import { HOUR_MS, localMonth } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import type { ReportPeriod } from "../period.js";

/** The monthly fields a report uses (docs/analytics-results.md). */
export const REPORT_FIELDS = {
  energy: ["pv_energy_wh", "self_consumed_wh", "import_wh", "export_wh", "co2_avoided_kg", "completeness"],
  savings: ["savings_mad", "export_income_mad", "completeness"],
  hotWater: [
    "solar_heat_wh",
    "backup_energy_wh",
    "solar_fraction_pct",
    "available_minutes",
    "unavailable_minutes",
    "unknown_minutes",
    "hygiene_days",
    "hygiene_checked_days",
    "butane_avoided_kg",
    "savings_mad",
    "butane_subsidy_avoided_mad",
    "co2_avoided_kg",
    "completeness",
  ],
} as const;

type Group = keyof typeof REPORT_FIELDS;
export type FieldOf<G extends Group> = (typeof REPORT_FIELDS)[G][number];

/** One institution's monthly points for one month; a field the job omitted is absent. */
export interface MonthValues {
  energy: Partial<Record<FieldOf<"energy">, number>>;
  savings: Partial<Record<FieldOf<"savings">, number>>;
  hotWater: Partial<Record<FieldOf<"hotWater">, number>>;
}

/** institution → month ("2026-10") → values. */
export type MonthlyResults = Map<string, Map<string, MonthValues>>;

const MEASUREMENT: Record<Group, string> = {
  energy: MEASUREMENTS.energyMonthly,
  savings: MEASUREMENTS.savingsMonthly,
  hotWater: MEASUREMENTS.hotWaterMonthly,
};

export function emptyMonth(): MonthValues {
  return { energy: {}, savings: {}, hotWater: {} };
}

/** Every report field of every institution (or of `institution` only) for the months of `period`. */
export async function readMonthlyResults(
  store: Store,
  period: ReportPeriod,
  institution?: string,
): Promise<MonthlyResults> {
  const monthAt = monthStarts(period);
  const results: MonthlyResults = new Map();
  const queries = (Object.keys(REPORT_FIELDS) as Group[]).flatMap((group) =>
    REPORT_FIELDS[group].map((field) => ({ group, field })),
  );
  const answers = await Promise.all(
    queries.map(({ group, field }) =>
      store.aggregate({
        measurement: MEASUREMENT[group],
        field,
        fn: "last",
        from: period.from,
        to: period.to,
        everyMs: HOUR_MS,
        groupBy: ["institution"],
        ...(institution ? { where: { institution } } : {}),
      }),
    ),
  );
  answers.forEach((series, i) => {
    const { group, field } = queries[i] as (typeof queries)[number];
    for (const s of series) {
      const id = s.tags.institution;
      if (!id) continue;
      for (const p of s.points) {
        // A point that is not at a month's start is not a monthly result (the contract puts it there).
        const month = monthAt.get(p.time);
        if (month) setValue(results, id, month, group, field, p.value);
      }
    }
  });
  return results;
}

function setValue(
  results: MonthlyResults,
  id: string,
  month: string,
  group: Group,
  field: string,
  value: number,
): void {
  const months = results.get(id) ?? new Map<string, MonthValues>();
  results.set(id, months);
  const values = months.get(month) ?? emptyMonth();
  months.set(month, values);
  (values[group] as Record<string, number>)[field] = value;
}

/** Hour-bucket start → month, for the months of the period. */
function monthStarts(period: ReportPeriod): Map<number, string> {
  const map = new Map<number, string>();
  for (const month of period.months) {
    const from = localMonth(month, period.timeZone).from;
    map.set(from - (((from % HOUR_MS) + HOUR_MS) % HOUR_MS), month);
  }
  return map;
}
