import { describe, expect, it } from "vitest";
import { bill } from "./bill.js";
import { parseTariff } from "./load.js";
import { DOMESTIC_YAML, domestic, hours } from "./testing/fixtures.js";

// June 2026 starts at local midnight = 2026-05-31T23:00Z (Morocco on GMT+1); VAT 20 % (2026).
const JUNE = "2026-05-31T23:00:00Z";
const pick = (b: ReturnType<typeof bill>) =>
  b.lines.map((l) => [l.id, l.quantity, l.unitPrice, l.ht, l.vat, l.ttc]);

describe("low-voltage domestic bill (progressive, then selective brackets)", () => {
  it("bills 130 kWh progressively: 100 × 0.9010 + 30 × 1.0732, plus the fixed fee; no TPPAN", () => {
    const b = bill(hours(JUNE, 130), domestic(), "2026-06");
    // Bracket 1: 100 × 0.9010 = 90.10 TTC; VAT = 90.10 × 20/120 = 15.0167 → 15.02; HT = 90.10 − 15.02 = 75.08
    // Bracket 2:  30 × 1.0732 = 32.196 → 32.20 TTC; VAT = 32.20 × 20/120 = 5.3667 → 5.37; HT = 26.83
    // Fixed fee: 20.74 HT; VAT = 20.74 × 0.20 = 4.148 → 4.15; TTC = 24.89
    // TPPAN: 130 ≤ 200 kWh → exempt, no line.
    // Total TTC = 90.10 + 32.20 + 24.89 = 147.19; HT = 75.08 + 26.83 + 20.74 = 122.65; VAT = 24.54
    expect(pick(b)).toEqual([
      ["energy.progressive.1", 100, 0.901, 75.08, 15.02, 90.1],
      ["energy.progressive.2", 30, 1.0732, 26.83, 5.37, 32.2],
      ["fee.fixed-fee", 1, 20.74, 20.74, 4.15, 24.89],
    ]);
    expect(b.total).toEqual({ ht: 122.65, vat: 24.54, ttc: 147.19 });
    expect(b.kwh).toEqual({ total: 130 });
    expect(b.lines[1]?.label).toEqual({
      fr: "Tranche 2 (101–150 kWh)",
      en: "Bracket 2 (101–150 kWh)",
      ar: "الشطر 2 (101–150 kWh)",
    });
  });

  it("bills 520 kWh and 420 kWh whole-month at their selective brackets (DOMAIN.md's example)", () => {
    const t = domestic();
    const high = bill(hours(JUNE, 520), t, "2026-06");
    const low = bill(hours(JUNE, 420), t, "2026-06");
    // 520 kWh > 510 → 520 × 1.5958 = 829.816 → 829.82 TTC (VAT 829.82/6 = 138.3033 → 138.30; HT 691.52)
    // 420 kWh in 311-510 → 420 × 1.3817 = 580.314 → 580.31 TTC (VAT 580.31/6 = 96.7183 → 96.72; HT 483.59)
    expect(pick(high)[0]).toEqual(["energy.selective.4", 520, 1.5958, 691.52, 138.3, 829.82]);
    expect(pick(low)[0]).toEqual(["energy.selective.3", 420, 1.3817, 483.59, 96.72, 580.31]);
    // Energy alone: 829.82 − 580.31 = 249.51 MAD, i.e. 2.50 MAD per avoided kWh, not 1.3817 or 1.5958.
    expect(Math.round((high.lines[0]?.ttc ?? 0) * 100 - (low.lines[0]?.ttc ?? 0) * 100)).toBe(24951);
    // TPPAN above 200 kWh, progressive slices, HT + 20 % VAT:
    //   520: 100 × 0.0847 = 8.47 (+1.694 → 1.69 = 10.16); 100 × 0.1271 = 12.71 (+2.542 → 2.54 = 15.25);
    //        320 × 0.1695 = 54.24 (+10.848 → 10.85 = 65.09)                     TPPAN TTC = 90.50
    //   420: 10.16 + 15.25 + 220 × 0.1695 = 37.29 (+7.458 → 7.46 = 44.75)          TPPAN TTC = 70.16
    expect(pick(high).slice(2)).toEqual([
      ["tppan.1", 100, 0.0847, 8.47, 1.69, 10.16],
      ["tppan.2", 100, 0.1271, 12.71, 2.54, 15.25],
      ["tppan.3", 320, 0.1695, 54.24, 10.85, 65.09],
    ]);
    expect(pick(low)[4]).toEqual(["tppan.3", 220, 0.1695, 37.29, 7.46, 44.75]);
    // Totals: 829.82 + 24.89 + 90.50 = 945.21; 580.31 + 24.89 + 70.16 = 675.36; difference 269.85
    expect(high.total.ttc).toBe(945.21);
    expect(low.total.ttc).toBe(675.36);
  });

  it("applies the selective rule from the first kWh above the progressive part (150 → 151 kWh)", () => {
    const t = domestic();
    // 150: 90.10 + 50 × 1.0732 = 53.66 → 143.76 (+ fee 24.89 = 168.65)
    // 151: whole month in 151-210 → 151 × 1.0732 = 162.0532 → 162.05 (+ 24.89 = 186.94)
    expect(bill(hours(JUNE, 150), t, "2026-06").total.ttc).toBe(168.65);
    expect(pick(bill(hours(JUNE, 151), t, "2026-06"))[0]).toEqual([
      "energy.selective.1",
      151,
      1.0732,
      135.04,
      27.01,
      162.05,
    ]);
  });

  it("takes its bracket edges from the file (200/300/500 in another source)", () => {
    const edges = parseTariff(
      DOMESTIC_YAML.replace("up_to_kwh: 210", "up_to_kwh: 200")
        .replace("up_to_kwh: 310", "up_to_kwh: 300")
        .replace("up_to_kwh: 510", "up_to_kwh: 500"),
    );
    // 505 kWh: in 311-510 with the default edges (× 1.3817), above 500 with these (× 1.5958).
    expect(bill(hours(JUNE, 505), domestic(), "2026-06").lines[0]?.unitPrice).toBe(1.3817);
    expect(bill(hours(JUNE, 505), edges, "2026-06").lines[0]).toMatchObject({
      id: "energy.selective.4",
      ttc: 805.88, // 505 × 1.5958 = 805.879 → 805.88
    });
  });

  it("bills whole kWh by default: the month's sum is rounded once, before pricing", () => {
    // 130 samples of 0.999 kWh = 129.87 kWh → 130 kWh billed, as the utility's meter index would show.
    const b = bill(hours(JUNE, 130, 0.999), domestic(), "2026-06");
    expect(b.kwh.total).toBe(130);
    expect(b.total.ttc).toBe(147.19);
  });

  it("bills only the samples of the month, in local time", () => {
    // 2026-05-31T22:00Z is 23:00 local on 31 May: May's, not June's. 2026-06-30T23:00Z is 1 July 00:00 local.
    const samples = [
      { start: Date.parse("2026-05-31T22:00:00Z"), kwh: 50 },
      ...hours(JUNE, 130),
      { start: Date.parse("2026-06-30T23:00:00Z"), kwh: 50 },
    ];
    expect(bill(samples, domestic(), "2026-06").kwh.total).toBe(130);
  });

  it("refuses negative kWh and two samples for one hour, naming the sample", () => {
    const t = domestic();
    expect(() => bill([{ start: Date.parse(JUNE), kwh: -1 }], t, "2026-06")).toThrow(
      "consumption[0].kwh is -1: must be a finite number ≥ 0",
    );
    expect(() => bill([...hours(JUNE, 2), ...hours(JUNE, 1)], t, "2026-06")).toThrow(
      "two samples starting at 2026-05-31T23:00:00.000Z",
    );
    expect(() => bill([], t, "2026-13")).toThrow('month "2026-13" is not YYYY-MM');
  });

  it("bills an empty month with the fixed fees only", () => {
    const b = bill([], domestic(), "2026-06");
    expect(b.lines.map((l) => l.id)).toEqual(["fee.fixed-fee"]);
    expect(b.total.ttc).toBe(24.89);
  });
});
