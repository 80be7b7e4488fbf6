/** A report's table columns add up as printed: the decimals are chosen per column, worked by hand. */
import { describe, expect, it } from "vitest";
import { formatNumber } from "../i18n/format.js";
import { CATALOGUES } from "../i18n/index.js";
import type { Figures } from "../model/types.js";
import { columnMetrics, METRICS } from "./metrics.js";

/** Figures with only the fields these tests read; the rest is never looked at. */
const figures = (totalMad: number, pvKwh: number, availabilityPct: number): Figures =>
  ({
    money: { totalMad },
    energy: { pvKwh },
    hotWater: { availabilityPct },
    co2: {},
    completeness: {},
  }) as unknown as Figures;

const pick = (keys: string[]) => METRICS.filter((m) => keys.includes(m.key));

describe("columnMetrics", () => {
  it("adds decimals to a column whose rows would not add up to its total", () => {
    // kWh at one decimal: 1,04 + 1,04 + 1,04 prints 1,0 + 1,0 + 1,0 under a total of 3,1; at two
    // decimals 1,04 + 1,04 + 1,04 = 3,12.
    const rows = [1.04, 1.04, 1.04].map((kwh) => ({ figures: figures(10, kwh, 90) }));
    const total = { figures: figures(30, 3.12, 90) };
    const [savings, pv] = columnMetrics(pick(["savingsTotal", "pvEnergy"]), rows, total);
    expect(savings?.decimals).toBe(2); // 10,00 × 3 = 30,00 already
    expect(pv?.decimals).toBe(2);
    const c = CATALOGUES.fr;
    const printed = rows.map((r) => formatNumber(r.figures.energy.pvKwh as number, pv?.decimals ?? 0, c));
    expect(printed).toEqual(["1,04", "1,04", "1,04"]);
    expect(formatNumber(3.12, pv?.decimals ?? 0, c)).toBe("3,12");
  });

  it("keeps the metric's decimals where they add up, and leaves percentages alone", () => {
    const rows = [45.6, 12.3].map((kwh) => ({ figures: figures(1, kwh, 92.5) }));
    const total = { figures: figures(2, 57.9, 86.7) };
    const [pv, availability] = columnMetrics(pick(["pvEnergy", "availability"]), rows, total);
    expect(pv?.decimals).toBe(1);
    expect(availability?.decimals).toBe(1);
  });
});
