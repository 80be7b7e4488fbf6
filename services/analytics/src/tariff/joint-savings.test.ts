/**
 * PV and solar hot water priced together on the SHIPPED SRM tariff (tariffs/srm-bt-domestic.yaml), June
 * 2026: the parts add up to the joint saving. Every expected figure is worked out by hand below; the
 * shipped figures used are those shipped.test.ts pins (TTC grid, VAT 20 % from 2026) plus the fee (20.74
 * HT) and TPPAN slices (0.0847 / 0.1271 / 0.1695 HT above 200 kWh), both with VAT. If a real bill changes
 * the shipped file, these hand calculations must be redone.
 *
 * Rounding as the tariff does: billed kWh whole; each line rounded once to the centime in its basis;
 * a TTC line's VAT = TTC × 20/120 (display only: the TTC is what adds up); an HT line's VAT = HT × 0.20
 * rounded, TTC = HT + VAT; totals are sums of rounded lines.
 *
 * Lines that recur:
 *   fee          20.74 HT, VAT 4.148 → 4.15, TTC 24.89
 *   TPPAN 1-100  100 × 0.0847 = 8.47 HT, VAT 1.694 → 1.69, TTC 10.16
 *   TPPAN 101-200 100 × 0.1271 = 12.71 HT, VAT 2.542 → 2.54, TTC 15.25
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTariff } from "./load.js";
import { jointSavings, savings } from "./savings.js";
import { hours } from "./testing/fixtures.js";

const JUNE = "2026-05-31T23:00:00Z"; // local midnight, 1 June 2026 (GMT+1)
const srm = () => loadTariff(fileURLToPath(new URL("../../tariffs/srm-bt-domestic.yaml", import.meta.url)));
const NO_YEAR_BEFORE = { producedKwh: 0, exportedKwh: 0 };

describe("PV and solar hot water savings on the shipped SRM tariff", () => {
  // Import 1 kWh in hours 0..419 = 420 kWh. Production 1 kWh in hours 0..149, export 1 kWh in hours 0..49:
  // self-consumed 100 kWh. Avoided backup 0.5 kWh in hours 0..199 = 100 kWh.
  const high = {
    import: hours(JUNE, 420),
    production: hours(JUNE, 150),
    export: hours(JUNE, 50),
  };
  const highAvoided = hours(JUNE, 200, 0.5);

  it("420 kWh imported, 100 self-consumed, 100 avoided: 269.85 + 179.92 = 449.77", () => {
    // bill(420): selective 311-510 at 1.3817: 420 × 1.3817 = 580.314 → 580.31 TTC
    //   fee 24.89; TPPAN 10.16 + 15.25 + (420 − 200 = 220 × 0.1695 = 37.29 HT, VAT 7.458 → 7.46, 44.75)
    //   total 580.31 + 24.89 + 10.16 + 15.25 + 44.75 = 675.36
    // bill(520): above 510, the whole month at 1.5958: 520 × 1.5958 = 829.816 → 829.82 TTC
    //   TPPAN third slice 320 × 0.1695 = 54.24 HT, VAT 10.848 → 10.85, 65.09
    //   total 829.82 + 24.89 + 10.16 + 15.25 + 65.09 = 945.21
    // bill(620): 620 × 1.5958 = 989.396 → 989.40 TTC
    //   TPPAN third slice 420 × 0.1695 = 71.19 HT, VAT 14.238 → 14.24, 85.43
    //   total 989.40 + 24.89 + 10.16 + 15.25 + 85.43 = 1125.13
    // PV = 945.21 − 675.36 = 269.85; hot water = 1125.13 − 945.21 = 179.92; total = 1125.13 − 675.36 = 449.77
    // (Each against the actual bill, as before: 269.85 + 269.85 = 539.70, 89.93 too much: 420 + 100 is
    // already past 510, so the step to 1.5958 was counted twice.)
    const j = jointSavings(high, highAvoided, srm(), "2026-06");
    expect(j.withSolar.kwh.total).toBe(420);
    expect(j.withoutPv.kwh.total).toBe(520);
    expect(j.withoutEither.kwh.total).toBe(620);
    expect(j.withSolar.total.ttc).toBe(675.36);
    expect(j.withoutPv.total.ttc).toBe(945.21);
    expect(j.withoutEither.total.ttc).toBe(1125.13);
    expect(j.pv).toBe(269.85);
    expect(j.hotWater).toBe(179.92);
    expect(j.total).toBe(449.77);
  });

  it("gives PV the same bill saving as `savings` (what savings_* reports): 269.85", () => {
    // Same hours, no hot water: bill(520) − bill(420) = 945.21 − 675.36 = 269.85 (above).
    const s = savings(high, srm(), "2026-06", NO_YEAR_BEFORE);
    expect(s.withoutSolar.total.ttc).toBe(945.21);
    expect(s.billSavings).toBe(269.85);
  });

  // Import 1 kWh in hours 0..99 = 100 kWh. Production 1 kWh in hours 0..79, export 1 kWh in hours 0..19:
  // self-consumed 60 kWh. Avoided backup 0.5 kWh in hours 0..119 = 60 kWh.
  const low = {
    import: hours(JUNE, 100),
    production: hours(JUNE, 80),
    export: hours(JUNE, 20),
  };
  const lowAvoided = hours(JUNE, 120, 0.5);

  it("100 kWh imported, 60 self-consumed, 60 avoided: 81.61 + 114.64 = 196.25", () => {
    // bill(100): progressive, 100 × 0.9010 = 90.10 TTC; fee 24.89; no TPPAN (≤ 200 kWh)
    //   total 90.10 + 24.89 = 114.99
    // bill(160): above 150, selective 151-210 at 1.0732: 160 × 1.0732 = 171.712 → 171.71 TTC; no TPPAN
    //   total 171.71 + 24.89 = 196.60
    // bill(220): selective 211-310 at 1.1676: 220 × 1.1676 = 256.872 → 256.87 TTC
    //   TPPAN 10.16 + 15.25 + (220 − 200 = 20 × 0.1695 = 3.39 HT, VAT 0.678 → 0.68, 4.07)
    //   total 256.87 + 24.89 + 10.16 + 15.25 + 4.07 = 311.24
    // PV = 196.60 − 114.99 = 81.61; hot water = 311.24 − 196.60 = 114.64; total = 311.24 − 114.99 = 196.25
    // (Each against the actual bill, as before: 81.61 + 81.61 = 163.22, 33.03 too little: only the two
    // together reach 211-310 and the TPPAN.)
    const j = jointSavings(low, lowAvoided, srm(), "2026-06");
    expect(j.withSolar.total.ttc).toBe(114.99);
    expect(j.withoutPv.total.ttc).toBe(196.6);
    expect(j.withoutEither.total.ttc).toBe(311.24);
    expect(j.pv).toBe(81.61);
    expect(j.hotWater).toBe(114.64);
    expect(j.total).toBe(196.25);
    expect(savings(low, srm(), "2026-06", NO_YEAR_BEFORE).billSavings).toBe(81.61);
  });

  it("without PV, the hot water takes the whole saving: bill(160) − bill(100) = 81.61", () => {
    // 100 kWh imported, nothing produced, 60 avoided: 196.60 − 114.99 = 81.61 (bills above).
    const j = jointSavings({ import: low.import, production: [], export: [] }, lowAvoided, srm(), "2026-06");
    expect(j.pv).toBe(0);
    expect(j.hotWater).toBe(81.61);
    expect(j.total).toBe(81.61);
  });

  it("ignores avoided kWh outside the month and refuses a negative one, naming the sample", () => {
    // 30 kWh on 1 July (local) are July's: June's hot water saving is still 114.64.
    const july = hours("2026-06-30T23:00:00Z", 30);
    expect(jointSavings(low, [...lowAvoided, ...july], srm(), "2026-06").hotWater).toBe(114.64);
    expect(() => jointSavings(low, [{ start: Date.parse(JUNE), kwh: -1 }], srm(), "2026-06")).toThrow(
      "avoided[0].kwh is -1: must be a finite number ≥ 0",
    );
  });
});
