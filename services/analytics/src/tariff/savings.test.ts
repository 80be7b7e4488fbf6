import { describe, expect, it } from "vitest";
import { savings } from "./savings.js";
import { domestic, hours } from "./testing/fixtures.js";

const JUNE = "2026-05-31T23:00:00Z"; // local midnight, 1 June 2026 (GMT+1)
const HOUR = 3_600_000;
const at = (h: number) => Date.parse(JUNE) + h * HOUR;

// June 2026, VAT 20 %. Import: 1 kWh in each of hours 0..419 = 420 kWh. Production: 1 kWh in hours
// 0..149 = 150 kWh. Export: 1 kWh in hours 0..49 = 50 kWh. Self-consumption = production − export:
// hours 50..149 → 100 kWh. Counterfactual import = 420 + 100 = 520 kWh.
const metered = {
  import: hours(JUNE, 420),
  production: hours(JUNE, 150),
  export: hours(JUNE, 50),
};

describe("savings of a month", () => {
  it("is the bill without solar minus the bill with it, plus export income", () => {
    const s = savings(metered, domestic(), "2026-06", { producedKwh: 900, exportedKwh: 130 });
    expect(s.energy).toEqual({
      importKwh: 420,
      exportKwh: 50,
      productionKwh: 150,
      selfConsumedKwh: 100,
      counterfactualImportKwh: 520,
      clampedHours: 0,
    });
    // Bills (see bill-bt.test.ts): 520 kWh → 945.21 TTC, 420 kWh → 675.36 TTC. 945.21 − 675.36 = 269.85
    expect(s.withoutSolar.total.ttc).toBe(945.21);
    expect(s.withSolar.total.ttc).toBe(675.36);
    expect(s.billSavings).toBe(269.85);
    // Export: YTD produced 900 + 150 = 1050, exported 130 + 50 = 180 ≤ 20 % × 1050 = 210: all 50 kWh paid
    // at the fixture's 0.50 MAD/kWh (from 2026-01-01) = 25.00. Total 269.85 + 25.00 = 294.85
    expect(s.exportIncome).toEqual({ exportedKwh: 50, paidKwh: 50, priceMadPerKwh: 0.5, amount: 25 });
    expect(s.total).toBe(294.85);
    // Share 180 / 1050 = 17.14 % < 18 % (warn) → ok; 210 − 180 = 30 kWh may still be exported.
    expect(s.exportCap).toMatchObject({
      producedYtdKwh: 1050,
      exportedYtdKwh: 180,
      remainingKwh: 30,
      status: "ok",
    });
    expect(s.exportCap.sharePct).toBeCloseTo(17.142857, 5);
  });

  it("tracks the 20 % export cap of law 82-21 and pays no kWh above it", () => {
    const t = domestic();
    // Before June: produced 900, exported 140 → YTD 190 / 1050 = 18.10 % ≥ 18 → near, all 50 paid.
    const near = savings(metered, t, "2026-06", { producedKwh: 900, exportedKwh: 140 });
    expect(near.exportCap.status).toBe("near");
    expect(near.exportIncome.paidKwh).toBe(50);
    // Before June: produced 900, exported 170 → YTD 220 / 1050 = 20.95 % > 20 → over.
    // Paid so far = min(exported, 20 % × produced): before = min(170, 180) = 170; after = min(220, 210) = 210.
    // June is paid 210 − 170 = 40 kWh × 0.50 = 20.00; 10 kWh go unpaid; nothing remains under the cap.
    const over = savings(metered, t, "2026-06", { producedKwh: 900, exportedKwh: 170 });
    expect(over.exportCap).toMatchObject({ status: "over", remainingKwh: 0, exportedYtdKwh: 220 });
    expect(over.exportCap.sharePct).toBeCloseTo(20.952381, 5);
    expect(over.exportIncome).toEqual({ exportedKwh: 50, paidKwh: 40, priceMadPerKwh: 0.5, amount: 20 });
    expect(over.total).toBe(289.85);
  });

  it("values exports at 0 where no price is in force, and reports no share before any production", () => {
    // The fixture's export price starts 2026-01-01: December 2025 exports earn nothing.
    const dec = "2025-11-30T23:00:00Z";
    const s = savings({ import: hours(dec, 10), production: [], export: [] }, domestic(), "2025-12", {
      producedKwh: 0,
      exportedKwh: 0,
    });
    expect(s.exportIncome.priceMadPerKwh).toBe(0);
    expect(s.exportCap).toMatchObject({ sharePct: null, status: "no_production" });
    expect(s.billSavings).toBe(0);
  });

  it("refuses negative production or export, naming the sample", () => {
    const bad = { ...metered, production: [{ start: at(3), kwh: -2 }] };
    expect(() => savings(bad, domestic(), "2026-06", { producedKwh: 0, exportedKwh: 0 })).toThrow(
      "production[0].kwh is -2: must be a finite number ≥ 0",
    );
  });

  it("counts no self-consumption in an hour exporting more than it produced, and reports the hour", () => {
    const s = savings(
      {
        import: hours(JUNE, 130),
        production: [{ start: at(10), kwh: 2 }],
        // Hour 10: export 3 > production 2 (meters out of step): self-consumption 0, not −1.
        // Hour 11: export with no production sample at all: counted too.
        export: [
          { start: at(10), kwh: 3 },
          { start: at(11), kwh: 1 },
        ],
      },
      domestic(),
      "2026-06",
      { producedKwh: 0, exportedKwh: 0 },
    );
    expect(s.energy.selfConsumedKwh).toBe(0);
    expect(s.energy.clampedHours).toBe(2);
    expect(s.billSavings).toBe(0);
  });
});
