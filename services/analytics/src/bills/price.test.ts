/** `pricePeriod` on reading periods that are not calendar months, worked out by hand. */
import { describe, expect, it } from "vitest";
import { pricePeriod } from "./price.js";
import { domestic } from "./testing/fixture.js";

describe("pricePeriod", () => {
  it("prices a period across the VAT change with the tables of its first day, and says so", () => {
    // 2025-12-15 → 2026-01-14: VAT 18 % (in force on 15 Dec), 20 % from 1 Jan 2026 inside the period.
    // 130 kWh: 100 × 0.9010 = 90.10 and 30 × 1.0732 = 32.196 → 32.20 TTC (VAT 90.10 × 18/118 = 13.744 →
    // 13.74; 32.20 × 18/118 = 4.912 → 4.91); fee 20.74 HT, VAT 3.7332 → 3.73 → 24.47. Total 146.77.
    const b = pricePeriod({ total: 130 }, domestic(), "2025-12-15", "2026-01-14");
    expect(b.vatPct).toBe(18);
    expect(b.lines.map((l) => [l.id, l.ttc, l.vat])).toEqual([
      ["energy.progressive.1", 90.1, 13.74],
      ["energy.progressive.2", 32.2, 4.91],
      ["fee.fixed-fee", 24.47, 3.73],
    ]);
    expect(b.total.ttc).toBe(146.77);
    expect(b.changesInPeriod).toEqual(["vat"]);
  });

  it("says which table is missing instead of billing a period before it", () => {
    // The test tariff's fees start on 2025-01-01.
    expect(() => pricePeriod({ total: 130 }, domestic(), "2024-12-20", "2025-01-19")).toThrow(
      /has no fixed fees in force on 2024-12-20/,
    );
  });
});
