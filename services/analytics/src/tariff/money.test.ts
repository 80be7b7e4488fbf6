import { describe, expect, it } from "vitest";
import { centimes, roundTo, splitLine } from "./money.js";

describe("rounding to the centime", () => {
  it("rounds half away from zero despite float noise", () => {
    expect(1.005 * 100).toBeLessThan(100.5); // the noise this guards against
    expect(centimes(1.005)).toBe(101);
    expect(centimes(730 * 0.1695)).toBe(12374); // 123.735 → 123.74
    expect(centimes(-1.005)).toBe(-101);
    expect(roundTo(129.87, 0)).toBe(130);
    expect(roundTo(0.1 + 0.2, 2)).toBe(0.3);
  });

  it("splits a TTC line into HT + VAT with both rounded once, and the reverse for HT lines", () => {
    // 90.10 TTC at 20 %: VAT = 9010 × 20 / 120 = 1501.67 → 1502 centimes; HT = 9010 − 1502 = 7508
    expect(splitLine(90.1, "ttc", 20)).toEqual({ ht: 7508, vat: 1502, ttc: 9010 });
    // 20.74 HT at 20 %: VAT = 2074 × 0.20 = 414.8 → 415; TTC = 2489
    expect(splitLine(20.74, "ht", 20)).toEqual({ ht: 2074, vat: 415, ttc: 2489 });
    // No VAT: HT = TTC.
    expect(splitLine(12.345, "ttc", 0)).toEqual({ ht: 1235, vat: 0, ttc: 1235 });
  });
});
