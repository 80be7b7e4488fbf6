/**
 * `fitTariff` against bills worked out by hand (VAT 20 % in 2026; a line's VAT = HT × 20 % rounded to
 * the centime; TPPAN slices 0.0847 / 0.1271 / 0.1695 MAD HT above 200 kWh; fee 20.74 HT → VAT 4.15).
 */
import { describe, expect, it } from "vitest";
import { fitTariff } from "./fit.js";
import { type BillInput, billInputSchema } from "./schema.js";
import { domestic, professional, SITE, stored } from "./testing/fixture.js";

const bill = (raw: unknown): BillInput => billInputSchema.parse(raw);

/**
 * Bills of a distributor using the 151-200 / 201-300 / 301-500 edges (energy printed TTC, fee and levy HT,
 * one VAT line):
 * 1) 201 kWh: 201 × 1.1676 (201-300) = 234.6876 → 234.69. TPPAN 100 × 0.0847 = 8.47, 100 × 0.1271 = 12.71,
 *    1 × 0.1695 = 0.17 → 21.35 HT; VAT 4.15 + 1.69 + 2.54 + 0.03 = 8.41. Total 234.69 + 20.74 + 21.35 +
 *    8.41 = 285.19 (issue 15: "at 201 kWh the bill is 266.21 or 285.19 MAD").
 *    With the 210 edges: 201 × 1.0732 = 215.71 → total 215.71 + 20.74 + 21.35 + 8.41 = 266.21.
 * 2) 305 kWh: 305 × 1.3817 (301-500) = 421.4185 → 421.42. TPPAN 8.47 + 12.71 + 105 × 0.1695 = 17.7975 →
 *    17.80 → 38.98 HT; VAT 4.15 + 1.69 + 2.54 + 3.56 = 11.94. Total 421.42 + 20.74 + 38.98 + 11.94 = 493.08.
 *    With the 210 edges: 305 × 1.1676 = 356.118 → 356.12, total 427.78: residual 65.30.
 * 3) 180 kWh: 151-200 and 151-210 agree: 180 × 1.0732 = 193.176 → 193.18; no TPPAN (≤ 200); VAT 4.15.
 *    Total 193.18 + 20.74 + 4.15 = 218.07.
 */
const edges200 = [
  { from: "2026-01-05", to: "2026-02-04", kwh: 201, energy: 234.69, levy: 21.35, vat: 8.41, total: 285.19 },
  { from: "2026-02-04", to: "2026-03-06", kwh: 305, energy: 421.42, levy: 38.98, vat: 11.94, total: 493.08 },
  { from: "2026-03-06", to: "2026-04-05", kwh: 180, energy: 193.18, levy: 0, vat: 4.15, total: 218.07 },
].map((b) =>
  stored(
    bill({
      institution: SITE,
      from: b.from,
      to: b.to,
      registers: [{ kwh: b.kwh }],
      lines: [
        { kind: "energy", label: "Consommation", kwh: b.kwh, amount: b.energy, basis: "ttc" },
        { kind: "fixed_fee", label: "Redevance fixe", amount: 20.74 },
        ...(b.levy > 0 ? [{ kind: "levy", label: "TPPAN", amount: b.levy }] : []),
        { kind: "vat", label: "TVA 20 %", amount: b.vat },
      ],
      total: b.total,
    }),
  ),
);

/**
 * Bills of an institution on the professional tariff (progressive 0-100 at 1.4513, 101-500 at 1.5524,
 * above at 1.6712 TTC; fee 20.74 HT; no TPPAN):
 * A) 250 kWh: 100 × 1.4513 = 145.13; 150 × 1.5524 = 232.86 → energy 377.99; total 377.99 + 20.74 + 4.15 =
 *    402.88. The domestic tariff would bill 250 × 1.1676 = 291.90, + fee 24.89 + TPPAN (8.47 + 1.69) +
 *    (12.71 + 2.54) + (50 × 0.1695 = 8.475 → 8.48, VAT 1.696 → 1.70) = 352.38.
 * B) 620 kWh: 145.13 + 400 × 1.5524 = 620.96 + 120 × 1.6712 = 200.544 → 200.54 → energy 966.63; total
 *    966.63 + 20.74 + 4.15 = 991.52.
 */
const professionalBills = [
  { from: "2026-01-05", to: "2026-02-04", kwh: 250, energy: [145.13, 232.86], total: 402.88 },
  { from: "2026-02-04", to: "2026-03-06", kwh: 620, energy: [145.13, 620.96, 200.54], total: 991.52 },
].map((b) =>
  stored(
    bill({
      institution: SITE,
      from: b.from,
      to: b.to,
      registers: [{ index_from: 1000, index_to: 1000 + b.kwh }],
      lines: [
        ...b.energy.map((amount, i) => ({ kind: "energy", label: `Tranche ${i + 1}`, amount, basis: "ttc" })),
        { kind: "fixed_fee", label: "Redevance", amount: 20.74 },
        { kind: "vat", label: "TVA", amount: 4.15 },
      ],
      total: b.total,
    }),
  ),
);

describe("fitTariff", () => {
  it("detects the 151-200 bracket edges from the bills", () => {
    const fit = fitTariff([domestic(), professional()], edges200);
    expect(fit.reproducing?.candidate.id).toBe("test-domestic+edges-200");
    expect(fit.reproducing?.candidate.changes).toEqual(["selective bracket edges 200/300/500"]);
    expect(fit.reproducing?.bills.map((b) => b.residual)).toEqual([0, 0, 0]);
    // The shipped 210 edges reproduce only the 180 kWh bill; residuals as worked out above.
    const asShipped = fit.ranking.find((f) => f.candidate.id === "test-domestic");
    expect(asShipped?.bills.map((b) => b.residual)).toEqual([18.98, 65.3, 0]);
    expect(asShipped?.bills.map((b) => b.predicted)).toEqual([266.21, 427.78, 218.07]);
    expect(asShipped?.reproduced).toBe(1);
  });

  it("detects an institution actually billed on the professional tariff", () => {
    const fit = fitTariff([domestic(), professional()], professionalBills);
    expect(fit.reproducing?.candidate.id).toBe("test-professional");
    expect(fit.reproducing?.bills.map((b) => b.predicted)).toEqual([402.88, 991.52]);
    const asDomestic = fit.ranking.find((f) => f.candidate.id === "test-domestic");
    // 402.88 − 352.38 = 50.50. B) 620 × 1.5958 = 989.396 → 989.40; TPPAN 8.47 + 12.71 + 420 × 0.1695 =
    // 71.19 (VAT 14.238 → 14.24): 989.40 + 24.89 + 10.16 + 15.25 + 85.43 = 1125.13; 991.52 − 1125.13 = −133.61.
    expect(asDomestic?.bills.map((b) => b.residual)).toEqual([50.5, -133.61]);
  });

  it("says no tariff is confirmed when none reproduces the bills", () => {
    const odd = stored(
      bill({
        institution: SITE,
        from: "2026-01-05",
        to: "2026-02-04",
        registers: [{ kwh: 120 }],
        lines: [{ kind: "energy", label: "Consommation", amount: 500, basis: "ttc" }],
        total: 500,
      }),
    );
    const fit = fitTariff([domestic(), professional()], [odd]);
    expect(fit.reproducing).toBeUndefined();
    expect(fit.ranking[0]?.reproduced).toBe(0);
  });
});
