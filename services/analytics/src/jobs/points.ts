/** The result points the job writes back (docs/analytics-results.md): one tag, `institution`, always. */
import type { Point } from "@jisr/core";

export const MEASUREMENTS = {
  energyDaily: "energy_daily",
  energyMonthly: "energy_monthly",
  savingsDaily: "savings_daily",
  savingsMonthly: "savings_monthly",
  hotWaterDaily: "hot_water_daily",
  hotWaterMonthly: "hot_water_monthly",
} as const;

export type ResultMeasurement = (typeof MEASUREMENTS)[keyof typeof MEASUREMENTS];

/**
 * A result point from an object of fields (the helpers' typed field objects included); fields that are
 * undefined (not computable) are left out, never written as 0.
 */
export function resultPoint(
  measurement: ResultMeasurement,
  institution: string,
  time: number,
  fields: object,
): Point {
  const kept: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "number" || typeof v === "boolean") kept[k] = v;
  }
  return { measurement, tags: { institution }, fields: kept, time };
}
