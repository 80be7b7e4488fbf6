import { describe, expect, it } from "vitest";
import type { MonthValues } from "./read.js";
import { figuresOf, mergeTallies, monthTally } from "./tally.js";

const DAY = 86_400_000;
const both = { energy: true, hotWater: true };

function month(v: Partial<MonthValues>): MonthValues {
  return { energy: {}, savings: {}, hotWater: {}, ...v };
}

describe("adding months up", () => {
  it("weighs each month's solar fraction by its heat, as solar / (solar + backup) over the period", () => {
    const a = monthTally(
      month({ hotWater: { solar_heat_wh: 900, backup_energy_wh: 100, solar_fraction_pct: 90 } }),
      both,
      30 * DAY,
    );
    const b = monthTally(
      month({ hotWater: { solar_heat_wh: 1500, backup_energy_wh: 1500, solar_fraction_pct: 50 } }),
      both,
      30 * DAY,
    );
    // (900 + 1500) / (1000 + 3000) = 60 %, not the mean of 90 and 50.
    expect(figuresOf(mergeTallies([a, b])).hotWater.solarFractionPct).toBeCloseTo(60, 12);
  });

  it("takes self-consumption over the months where production and self-consumption are both known", () => {
    const a = monthTally(month({ energy: { pv_energy_wh: 1000, self_consumed_wh: 800 } }), both, 30 * DAY);
    const b = monthTally(month({ energy: { pv_energy_wh: 1000 } }), both, 30 * DAY);
    const f = figuresOf(mergeTallies([a, b]));
    expect(f.energy.pvKwh).toBe(2);
    expect(f.energy.selfConsumptionPct).toBeCloseTo(80, 12);
  });

  it("sums money in centimes, so a thousand small amounts add up exactly", () => {
    const months = Array.from({ length: 1000 }, () =>
      monthTally(month({ savings: { savings_mad: 0.1 } }), both, DAY),
    );
    expect(figuresOf(mergeTallies(months)).money.electricityMad).toBe(100);
  });

  it("leaves a figure undefined when no month has it, and counts a missing month as no data", () => {
    const f = figuresOf(
      mergeTallies([
        monthTally(undefined, both, 31 * DAY),
        monthTally(month({ energy: { completeness: 1 } }), both, 31 * DAY),
      ]),
    );
    expect(f.money.totalMad).toBeUndefined();
    expect(f.hotWater.availabilityPct).toBeUndefined();
    expect(f.completeness).toEqual({ energy: 0.5, hotWater: 0, lowest: 0 });
  });

  it("owes nothing for a month that had not begun", () => {
    const f = figuresOf(
      mergeTallies([
        monthTally(month({ energy: { completeness: 0.8 } }), both, 30 * DAY),
        monthTally(undefined, both, 0),
      ]),
    );
    expect(f.completeness.energy).toBeCloseTo(0.8, 12);
  });
});
