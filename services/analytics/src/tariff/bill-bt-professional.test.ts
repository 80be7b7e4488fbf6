/**
 * Hand-worked bills of the shipped low-voltage professional tariff, tariffs/bt-professional.example.yaml.
 *
 * Every figure of that file is an UNCONFIRMED PLACEHOLDER (confidence U, DOMAIN.md 1.4: the category's
 * prices were not found). This file checks the arithmetic of the bill on those figures, not the figures:
 * the first test pins the ones used below, so replacing one from a real bill fails there first, and the
 * cases below must then be worked again by hand (never copied from the code's output).
 *
 * Figures used (YAML keys of the file):
 *   energy[0] (from 2017-01-01), basis ttc, selective: [] → progressive throughout:
 *     progressive[0] up_to_kwh 100, price 1.4513   → slice 1: 0–100 kWh
 *     progressive[1] up_to_kwh 500, price 1.5524   → slice 2: 101–500 kWh
 *     progressive[2] (open),       price 1.6712   → slice 3: > 500 kWh
 *   fixed_fees[0] (from 2025-01-01): fixed-fee, amount 20.74, basis ht, vat_applies not written → true
 *   vat: rate_pct 18 from 2025-01-01, 20 from 2026-01-01
 *   tppan: [] → no levy line;  export.prices: [] → exported kWh paid 0 MAD; cap_pct 20 (warn_at_pct 18 default)
 *   kwh_decimals 0 → the month's total is billed in whole kWh.
 *
 * Rounding (README "Rounding"): a TTC line is rounded to the centime, its VAT = TTC × r / (100 + r) rounded
 * half away from zero, HT = TTC − VAT; an HT line is rounded, VAT = HT × r / 100 rounded, TTC = HT + VAT.
 * Totals are sums of the rounded lines.
 *
 * June 2026, VAT 20 % (r/(100+r) = 1/6):
 *   350 kWh = 100 + 250:
 *     slice 1: 100 × 1.4513 = 145.13 TTC; VAT 145.13 / 6 = 24.18833 → 24.19; HT 145.13 − 24.19 = 120.94
 *     slice 2: 250 × 1.5524 = 388.10 TTC; VAT 388.10 / 6 = 64.68333 → 64.68; HT 388.10 − 64.68 = 323.42
 *     fee:     20.74 HT; VAT 20.74 × 0.20 = 4.148 → 4.15; TTC 20.74 + 4.15 = 24.89
 *     total:   HT 120.94 + 323.42 + 20.74 = 465.10; VAT 24.19 + 64.68 + 4.15 = 93.02;
 *              TTC 145.13 + 388.10 + 24.89 = 558.12 (= 465.10 + 93.02)
 *   620 kWh = 100 + 400 + 120:
 *     slice 1: as above, 145.13 TTC / 24.19 VAT / 120.94 HT
 *     slice 2: 400 × 1.5524 = 620.96 TTC; VAT 620.96 / 6 = 103.49333 → 103.49; HT 620.96 − 103.49 = 517.47
 *     slice 3: 120 × 1.6712 = 200.544 → 200.54 TTC; VAT 200.54 / 6 = 33.42333 → 33.42; HT 200.54 − 33.42 = 167.12
 *     fee:     20.74 HT / 4.15 VAT / 24.89 TTC
 *     total:   HT 120.94 + 517.47 + 167.12 + 20.74 = 826.27; VAT 24.19 + 103.49 + 33.42 + 4.15 = 165.25;
 *              TTC 145.13 + 620.96 + 200.54 + 24.89 = 991.52 (= 826.27 + 165.25)
 *   Saving of 270 self-consumed kWh (620 without solar, 350 with): 991.52 − 558.12 = 433.40 MAD.
 *     Progressive throughout, so it is the avoided kWh at their own slices' prices, to the centime:
 *     150 × 1.5524 + 120 × 1.6712 = 232.86 + 200.544 = 433.404; the bill lines give 232.86 + 200.54 = 433.40
 *     (the fee cancels). Unlike the domestic selective brackets, no kWh is worth more than 1.6712.
 *
 * December 2025, VAT 18 % (r/(100+r) = 18/118), 350 kWh: the TTC energy lines are unchanged, their split moves.
 *     slice 1: 145.13 TTC; VAT 145.13 × 18 / 118 = 2612.34 / 118 = 22.13847 → 22.14; HT 122.99
 *     slice 2: 388.10 TTC; VAT 388.10 × 18 / 118 = 6985.80 / 118 = 59.20169 → 59.20; HT 328.90
 *     fee:     20.74 HT; VAT 20.74 × 0.18 = 3.7332 → 3.73; TTC 24.47 (HT basis: its TTC moves with VAT)
 *     total:   HT 122.99 + 328.90 + 20.74 = 472.63; VAT 22.14 + 59.20 + 3.73 = 85.07; TTC 557.70
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bill } from "./bill.js";
import { checkTariffFile, loadTariff } from "./load.js";
import { savings } from "./savings.js";
import { hours } from "./testing/fixtures.js";

const FILE = fileURLToPath(new URL("../../tariffs/bt-professional.example.yaml", import.meta.url));
const professional = () => loadTariff(FILE);

// Local midnight of the 1st (Morocco on GMT+1 in both months).
const JUNE_2026 = "2026-05-31T23:00:00Z";
const DECEMBER_2025 = "2025-11-30T23:00:00Z";

const pick = (b: ReturnType<typeof bill>) =>
  b.lines.map((l) => [l.id, l.quantity, l.unitPrice, l.basis, l.ht, l.vat, l.ttc]);

const SLICE_1_JUNE = ["energy.progressive.1", 100, 1.4513, "ttc", 120.94, 24.19, 145.13];
const FEE_JUNE = ["fee.fixed-fee", 1, 20.74, "ht", 20.74, 4.15, 24.89];

describe("low-voltage professional bill (bt-professional.example.yaml, progressive throughout)", () => {
  it("holds the placeholder figures worked by hand above, each tagged U", () => {
    const t = professional();
    if (t.kind !== "bt-professional") throw new Error(`kind is ${t.kind}`);
    expect(t.kwh_decimals).toBe(0);
    expect(t.energy.map((e) => [e.from, e.basis, e.selective.length])).toEqual([["2017-01-01", "ttc", 0]]);
    expect(t.energy[0]?.progressive.map((b) => [b.up_to_kwh, b.price])).toEqual([
      [100, 1.4513],
      [500, 1.5524],
      [undefined, 1.6712],
    ]);
    expect(
      t.fixed_fees.map((f) => [f.from, f.fees.map((x) => [x.id, x.amount, x.basis, x.vat_applies])]),
    ).toEqual([["2025-01-01", [["fixed-fee", 20.74, "ht", true]]]]);
    expect(t.vat.slice(-2).map((v) => [v.from, v.rate_pct])).toEqual([
      ["2025-01-01", 18],
      ["2026-01-01", 20],
    ]);
    expect(t.tppan).toEqual([]);
    expect(t.export).toMatchObject({ prices: [], cap_pct: 20, warn_at_pct: 18 });
    const notes = checkTariffFile(FILE).notes;
    for (const path of ["energy.0.progressive.0", "energy.0.progressive.1", "energy.0.progressive.2"]) {
      expect(notes.find((n) => n.path === path)?.message, path).toContain("confidence U");
    }
  });

  it("bills 350 kWh in June 2026 over two slices, plus the fixed fee with 20 % VAT; no TPPAN", () => {
    const b = bill(hours(JUNE_2026, 350), professional(), "2026-06");
    expect(b.vatPct).toBe(20);
    expect(b.kwh).toEqual({ total: 350 });
    expect(pick(b)).toEqual([
      SLICE_1_JUNE,
      ["energy.progressive.2", 250, 1.5524, "ttc", 323.42, 64.68, 388.1],
      FEE_JUNE,
    ]);
    expect(b.total).toEqual({ ht: 465.1, vat: 93.02, ttc: 558.12 });
    expect(b.lines[1]?.label.fr).toBe("Tranche 2 (101–500 kWh)");
    expect(b.inForce).toEqual({ vat: "2026-01-01", energy: "2017-01-01", fixed_fees: "2025-01-01" });
  });

  it("bills 620 kWh in June 2026 over all three slices", () => {
    const b = bill(hours(JUNE_2026, 620), professional(), "2026-06");
    expect(pick(b)).toEqual([
      SLICE_1_JUNE,
      ["energy.progressive.2", 400, 1.5524, "ttc", 517.47, 103.49, 620.96],
      ["energy.progressive.3", 120, 1.6712, "ttc", 167.12, 33.42, 200.54],
      FEE_JUNE,
    ]);
    expect(b.total).toEqual({ ht: 826.27, vat: 165.25, ttc: 991.52 });
    expect(b.lines[2]?.label.fr).toBe("Tranche 3 (> 500 kWh)");
  });

  it("saves 433.40 MAD in June 2026: 350 kWh imported with solar, 620 kWh without", () => {
    // Import 1 kWh in hours 0..349 = 350 kWh. Production 1 kWh in hours 0..299 = 300 kWh; export 1 kWh in
    // hours 0..29 = 30 kWh. Self-consumption = production − export = 270 kWh (hours 30..299), so the
    // counterfactual import is 350 + 270 = 620 kWh. Which hours does not matter: no time-of-use here.
    const s = savings(
      { import: hours(JUNE_2026, 350), production: hours(JUNE_2026, 300), export: hours(JUNE_2026, 30) },
      professional(),
      "2026-06",
      { producedKwh: 0, exportedKwh: 0 },
    );
    expect(s.energy).toEqual({
      importKwh: 350,
      exportKwh: 30,
      productionKwh: 300,
      selfConsumedKwh: 270,
      counterfactualImportKwh: 620,
      clampedHours: 0,
    });
    expect(s.withSolar.total).toEqual({ ht: 465.1, vat: 93.02, ttc: 558.12 });
    expect(s.withoutSolar.total).toEqual({ ht: 826.27, vat: 165.25, ttc: 991.52 });
    expect(s.billSavings).toBe(433.4);
    // export.prices is empty: the 30 exported kWh (10 % of 300 ≤ 20 %, all within the cap) earn 0 MAD.
    expect(s.exportIncome).toEqual({ exportedKwh: 30, paidKwh: 30, priceMadPerKwh: 0, amount: 0 });
    expect(s.total).toBe(433.4);
    // Cap: 20 % × 300 = 60 kWh allowed, 30 exported → 30 remain; share 10 % < 18 % → ok.
    expect(s.exportCap).toMatchObject({ sharePct: 10, remainingKwh: 30, status: "ok" });
  });

  it("has no jump at the 500 kWh edge: the 501st kWh alone pays 1.6712", () => {
    const t = professional();
    // 500 kWh: 145.13 + 400 × 1.5524 = 620.96, + fee 24.89 → 790.98 TTC.
    // 501 kWh: the same, + 1 × 1.6712 = 1.67 TTC (VAT 1.67 / 6 = 0.27833 → 0.28; HT 1.39) → 792.65 TTC.
    const at500 = bill(hours(JUNE_2026, 500), t, "2026-06");
    const at501 = bill(hours(JUNE_2026, 501), t, "2026-06");
    expect(at500.lines.map((l) => l.id)).toEqual([
      "energy.progressive.1",
      "energy.progressive.2",
      "fee.fixed-fee",
    ]);
    expect(at500.total.ttc).toBe(790.98);
    expect(pick(at501)[2]).toEqual(["energy.progressive.3", 1, 1.6712, "ttc", 1.39, 0.28, 1.67]);
    expect(at501.total.ttc).toBe(792.65);
  });

  it("bills 350 kWh in December 2025 at 18 % VAT: same TTC energy, new split, fee TTC 24.47", () => {
    const b = bill(hours(DECEMBER_2025, 350), professional(), "2025-12");
    expect(b.vatPct).toBe(18);
    expect(pick(b)).toEqual([
      ["energy.progressive.1", 100, 1.4513, "ttc", 122.99, 22.14, 145.13],
      ["energy.progressive.2", 250, 1.5524, "ttc", 328.9, 59.2, 388.1],
      ["fee.fixed-fee", 1, 20.74, "ht", 20.74, 3.73, 24.47],
    ]);
    expect(b.total).toEqual({ ht: 472.63, vat: 85.07, ttc: 557.7 });
  });

  it("does not bill a month before its fixed fees start (2025-01-01)", () => {
    expect(() => bill(hours("2024-11-30T23:00:00Z", 350), professional(), "2024-12")).toThrow(
      'tariff "bt-professional-example" has no fixed fees in force on 2024-12-01',
    );
  });
});
