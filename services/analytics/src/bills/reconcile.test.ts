/**
 * Reconciliation over reading periods, on the SQLite store (a real database file in memory), with
 * testing/fixture.ts's site: the grid meter imports 1 kW always, so metered kWh = hours of the period.
 *
 * Clock facts used (DOMAIN.md 0; Africa/Casablanca in ICU): GMT+1 all year except during Ramadan 2026,
 * GMT from 15 Feb 02:00Z to 22 Mar 02:00Z.
 * - P1 2026-01-10 → 2026-02-10: 09 Jan 23:00Z → 09 Feb 23:00Z, 31 days of 24 h = 744 h → 744 kWh.
 * - P2 2026-02-10 → 2026-03-10 (across the month boundary AND the switch to GMT): 09 Feb 23:00Z →
 *   10 Mar 00:00Z = 28 days + 1 h = 673 h → 673 kWh (a UTC-midnight window would give 672).
 * - P3 2026-03-10 → 2026-04-09 (across the switch back to GMT+1): 10 Mar 00:00Z → 08 Apr 23:00Z = 30 days
 *   − 1 h = 719 h → 719 kWh.
 *
 * Bills (test domestic tariff, VAT 20 %; energy printed TTC, fee and TPPAN HT, one VAT line; all above
 * 510 kWh, so the whole period at 1.5958):
 * - B1 on P1, ESTIMATED closing index 10 700 (from 10 000): 700 kWh. 700 × 1.5958 = 1117.06. TPPAN 8.47 +
 *   12.71 + 500 × 0.1695 = 84.75 → 105.93 HT; VAT 4.15 + 1.69 + 2.54 + 16.95 = 25.33; total 1117.06 +
 *   20.74 + 105.93 + 25.33 = 1269.06. Metered 744: −44 kWh.
 * - B2 on P2, the corrective bill, from the estimated 10 700 to the real 11 417: 717 kWh. 717 × 1.5958 =
 *   1144.1886 → 1144.19; TPPAN 8.47 + 12.71 + 517 × 0.1695 = 87.6315 → 87.63 → 108.81 HT; VAT 4.15 + 1.69
 *   + 2.54 + 17.53 (17.526) = 25.91; total 1144.19 + 20.74 + 108.81 + 25.91 = 1299.65. Metered 673: +44;
 *   both periods: billed 700 + 717 = 1417 = metered 744 + 673.
 * - B3 on P3: 740 kWh (the utility's meter reads 21 kWh more than ours: +2.92 %), and a fee of 25.00 HT
 *   instead of 20.74. 740 × 1.5958 = 1180.892 → 1180.89; TPPAN 8.47 + 12.71 + 540 × 0.1695 = 91.53 →
 *   112.71 HT; VAT 5.00 + 1.69 + 2.54 + 18.31 (18.306) = 27.54; total 1180.89 + 25.00 + 112.71 + 27.54 =
 *   1346.14. Our tariff: fee 20.74 (−4.26 on the fee), VAT 26.69 (the fee's 4.15 instead of 5.00: −0.85).
 */
import { SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTariff } from "../tariff/load.js";
import { candidates } from "./fit.js";
import { meterPeriod, type PeriodMetering } from "./meter.js";
import { type BillReconciliation, reconcileBills } from "./reconcile.js";
import { savingsStatement } from "./savings.js";
import { billInputSchema, type StoredBill } from "./schema.js";
import { domestic, professional, SITE, siteConfig, sitePoints, stored } from "./testing/fixture.js";

const config = siteConfig();
const inst = config.institutions[0];
let store: SqliteStore;

const b = (
  from: string,
  to: string,
  index: [number, number],
  estimated: boolean,
  fee: number,
  a: {
    energy: number;
    levy: number;
    vat: number;
    total: number;
  },
): StoredBill =>
  stored(
    billInputSchema.parse({
      institution: SITE,
      from,
      to,
      estimated,
      registers: [{ index_from: index[0], index_to: index[1] }],
      lines: [
        { kind: "energy", label: "Consommation", amount: a.energy, basis: "ttc" },
        { kind: "fixed_fee", label: "Redevances", amount: fee },
        { kind: "levy", label: "TPPAN", amount: a.levy },
        { kind: "vat", label: "TVA", amount: a.vat },
      ],
      total: a.total,
    }),
  );

const B1 = b("2026-01-10", "2026-02-10", [10_000, 10_700], true, 20.74, {
  energy: 1117.06,
  levy: 105.93,
  vat: 25.33,
  total: 1269.06,
});
const B2 = b("2026-02-10", "2026-03-10", [10_700, 11_417], false, 20.74, {
  energy: 1144.19,
  levy: 108.81,
  vat: 25.91,
  total: 1299.65,
});
const B3 = b("2026-03-10", "2026-04-09", [11_417, 12_157], false, 25, {
  energy: 1180.89,
  levy: 112.71,
  vat: 27.54,
  total: 1346.14,
});

let results: BillReconciliation[];
const metering = new Map<string, PeriodMetering>();

beforeAll(async () => {
  if (!inst) throw new Error("fixture has no institution");
  store = new SqliteStore({ path: ":memory:", logger: pino({ level: "silent" }) });
  await store.init();
  // Readings 1 Jan → 15 Apr 2026; the grid meter is silent for one day inside P1 (20 Jan 00:00Z-24:00Z):
  // 96 of P1's 744 × 4 = 2976 expected readings are missing (96.8 % < 98 %), and the counter spreads the
  // day's energy evenly over the gap, so P1 still meters 744 kWh.
  await store.write(
    sitePoints(Date.UTC(2026, 0, 1), Date.UTC(2026, 3, 15), [Date.UTC(2026, 0, 20), Date.UTC(2026, 0, 21)]),
  );
  for (const bill of [B1, B2, B3])
    metering.set(bill.id, await meterPeriod(store, inst, config, bill.bill.from, bill.bill.to));
  results = reconcileBills({
    bills: [B1, B2, B3],
    metering,
    tariff: domestic(),
    alternatives: candidates([domestic(), professional()], [B1, B2, B3]),
  });
}, 120_000);
afterAll(async () => store?.close());

const codes = (r: BillReconciliation | undefined) => r?.flags.map((f) => f.code);

describe("reconcileBills over reading periods", () => {
  it("meters exactly each reading period in local dates, across the month boundary and the clock changes", () => {
    expect(results.map((r) => r.hours)).toEqual([744, 673, 719]);
    expect(results.map((r) => r.kwh.metered)).toEqual([744, 673, 719]);
    expect(results.map((r) => r.kwh.billed)).toEqual([700, 717, 740]);
    expect(results.map((r) => r.kwh.diff)).toEqual([-44, 44, 21]);
    expect(results[2]?.kwh.diffPct).toBe(2.92);
  });

  it("flags the estimated reading, the meter gap, and the corrective bill with both periods together", () => {
    expect(codes(results[0])).toEqual(["meter_gap", "estimated_reading"]);
    expect(results[0]?.kwh.completeness).toBeCloseTo(2880 / 2976, 3);
    expect(codes(results[1])).toEqual(["after_estimated_reading"]);
    expect(results[1]?.chain).toEqual({ from: "2026-01-10", billedKwh: 1417, meteredKwh: 1417, diff: 0 });
  });

  it("reproduces the corrective bill line by line and names the other fee on the third", () => {
    // B1 and B2 were computed with the tariff: every line matches to the centime.
    for (const r of results.slice(0, 2)) expect(r.lines.every((l) => l.diff === 0)).toBe(true);
    expect(results[1]?.predicted?.total.ttc).toBe(1299.65);
    const r3 = results[2];
    expect(codes(r3)).toEqual(["meter_mismatch", "other_fee", "other_vat"]);
    expect(r3?.lines.map((l) => [l.kind, l.billed, l.predicted, l.diff])).toEqual([
      ["energy", 1180.89, 1180.89, 0],
      ["fixed_fee", 25, 20.74, 4.26],
      ["levy", 112.71, 112.71, 0],
      ["vat", 27.54, 26.69, 0.85],
      ["total", 1346.14, 1341.03, 5.11],
    ]);
  });

  it("prices our metered kWh too: B2 by our meter is 673 kWh", () => {
    // 673 × 1.5958 = 1073.9734 → 1073.97; fee 24.89; TPPAN 10.16 + 15.25 + (473 × 0.1695 = 80.1735 →
    // 80.17, VAT 16.034 → 16.03) 96.20: 1073.97 + 24.89 + 10.16 + 15.25 + 96.20 = 1220.47.
    expect(results[1]?.predictedOnMetered).toEqual({ kwh: 673, ttc: 1220.47 });
  });

  it("names another category or other bracket edges when they reproduce the energy line", () => {
    // 250 kWh billed at the professional placeholder prices: 145.13 + 232.86 = 377.99 TTC; the domestic
    // tariff prices it 291.90 (250 × 1.1676): −86.09, reproduced by test-professional.
    const pro = stored(
      billInputSchema.parse({
        institution: SITE,
        from: "2026-04-09",
        to: "2026-05-09",
        registers: [{ kwh: 250 }],
        lines: [
          { kind: "energy", label: "Tranches", amount: 377.99, basis: "ttc" },
          { kind: "fixed_fee", label: "Redevance", amount: 20.74 },
          { kind: "vat", label: "TVA", amount: 4.15 },
        ],
        total: 402.88,
      }),
    );
    // 205 kWh at the 200 edges: 205 × 1.1676 = 239.358 → 239.36; ours (210 edges) 205 × 1.0732 = 220.006
    // → 220.01. TPPAN 8.47 + 12.71 + 5 × 0.1695 = 0.8475 → 0.85 = 22.03 HT; VAT 4.15 + 1.69 + 2.54 + 0.17 = 8.55.
    const edges = stored(
      billInputSchema.parse({
        institution: SITE,
        from: "2026-05-09",
        to: "2026-06-08",
        registers: [{ kwh: 205 }],
        lines: [
          { kind: "energy", label: "Consommation", amount: 239.36, basis: "ttc" },
          { kind: "fixed_fee", label: "Redevance", amount: 20.74 },
          { kind: "levy", label: "TPPAN", amount: 22.03 },
          { kind: "vat", label: "TVA", amount: 8.55 },
        ],
        total: 290.68,
      }),
    );
    const [r1, r2] = reconcileBills({
      bills: [pro, edges],
      metering: new Map(),
      tariff: domestic(),
      alternatives: candidates([domestic(), professional()], [pro, edges]),
    });
    expect(r1?.flags.find((f) => f.on === "energy")?.code).toBe("other_category");
    expect(r1?.lines.find((l) => l.kind === "energy")?.diff).toBe(86.09);
    expect(r2?.flags.find((f) => f.on === "energy")?.code).toBe("other_bracket_edges");
    expect(r2?.lines.find((l) => l.kind === "energy")?.diff).toBe(19.35);
    // No grid-meter data was given: said, not taken as 0 kWh.
    expect(codes(r1)).toContain("no_meter_data");
  });
});

/**
 * IPMVP Option B on P3 (B3 paid 1346.14): consumption = import 719 + PV used on site 30 local days × 6 kWh
 * = 180 → 899 kWh. Without solar: 899 × 1.5958 = 1434.6242 → 1434.62; fee 24.89; TPPAN 10.16 + 15.25 +
 * (699 × 0.1695 = 118.4805 → 118.48, VAT 23.696 → 23.70) 142.18 → 1627.10. Savings 1627.10 − 1346.14 =
 * 280.96; against our tariff on the billed 740 kWh (1341.03): 286.07.
 * Uncertainty: class 1 on 719 and 2 % on 180: √(7.19² + 3.6²) = √64.6561 = 8.041 kWh. Priced at 891 kWh
 * (890.96 billed whole): 1421.86 + 24.89 + 10.16 + 15.25 + (691 × 0.1695 = 117.12 + 23.42) 140.54 = 1612.70
 * → 266.56; at 907 kWh: 1447.39 + 24.89 + 10.16 + 15.25 + (707 × 0.1695 = 119.84 + 23.97) 143.81 = 1641.50
 * → 295.36.
 * P2 without a bill: paid is PREDICTED from the metered 673 kWh (1220.47, above); without solar 673 + 28 ×
 * 6 = 841 kWh: 1342.07 (841 × 1.5958 = 1342.0678) + 24.89 + 10.16 + 15.25 + (641 × 0.1695 = 108.6495 →
 * 108.65, VAT 21.73) 130.38 = 1522.75 → 302.28.
 */
describe("savingsStatement (IPMVP Option B)", () => {
  it("prices the measured consumption of each billing period, with the band and every mark", () => {
    const m3 = metering.get(B3.id);
    const m2 = metering.get(B2.id);
    if (!m3 || !m2) throw new Error("metering missing");
    const s = savingsStatement({
      periods: [{ metering: m2 }, { metering: m3, bill: B3 }],
      tariff: domestic(),
      tariffConfirmed: false,
    });
    const [p2, p3] = s.periods;
    expect([p3?.importKwh, p3?.selfKwh, p3?.consumptionKwh, p3?.completeness]).toEqual([719, 180, 899, 1]);
    expect([p3?.baselineTtc, p3?.actualTtc, p3?.savingsTtc, p3?.sameTariffSavingsTtc]).toEqual([
      1627.1, 1346.14, 280.96, 286.07,
    ]);
    expect(p3?.uncertaintyKwh).toBe(8.041);
    expect(p3?.band).toEqual({ low: 266.56, high: 295.36 });
    expect(p3?.actualBasis).toBe("bill");
    expect(p3?.marks).toEqual(["tariff test-domestic NOT confirmed by the bills"]);
    expect([p2?.actualBasis, p2?.baselineTtc, p2?.actualTtc, p2?.savingsTtc]).toEqual([
      "predicted",
      1522.75,
      1220.47,
      302.28,
    ]);
    expect(p2?.marks.some((m) => m.startsWith("PREDICTED"))).toBe(true);
    expect(s.total.savingsTtc).toBe(583.24);
    expect(s.total.predicted).toBe(1);
    expect(s.meters.map((m) => [m.devices, m.accuracyClassPct])).toEqual([
      [["meter-1"], 1],
      [["inv-1"], 2],
    ]);
  });
});

/**
 * A two-period (bi-horaire) bill on P2, registers per period. Periods in GMT (winter peak 17:00-22:00 UTC,
 * whatever the legal clock does): P2 = 09 Feb 23:00Z → 10 Mar 00:00Z holds 28 whole UTC days of 5 peak
 * hours → 140 kWh peak, 673 − 140 = 533 kWh normal. Prices TTC (placeholders of the example file): peak
 * 140 × 2.2740 = 318.36; normal 533 × 1.2740 = 679.042 → 679.04; energy 997.40. Fee 20.74 HT (VAT 4.15);
 * TPPAN on 673 kWh: 8.47 + 12.71 + 473 × 0.1695 = 80.1735 → 80.17 = 101.35 HT (VAT 1.69 + 2.54 + 16.03).
 * VAT 4.15 + 1.69 + 2.54 + 16.03 = 24.41. Total 997.40 + 20.74 + 101.35 + 24.41 = 1143.90.
 */
const TWO_PERIOD = `
id: test-two-period
name: Test bi-horaire
kind: bt-two-period
vat: [{ from: "2017-01-01", rate_pct: 20 }]
periods:
  - from: "2017-01-01"
    clock: gmt
    seasons:
      - name: winter
        months: [10, 11, 12, 1, 2, 3]
        windows: [{ period: peak, start: "17:00", end: "22:00" }, { period: normal, start: "22:00", end: "17:00" }]
      - name: summer
        months: [4, 5, 6, 7, 8, 9]
        windows: [{ period: peak, start: "18:00", end: "23:00" }, { period: normal, start: "23:00", end: "18:00" }]
energy: [{ from: "2017-01-01", basis: ttc, prices: { peak: 2.2740, normal: 1.2740 } }]
fixed_fees:
  - from: "2025-01-01"
    fees: [{ id: fixed-fee, label: { fr: Redevance fixe, en: Fixed fee }, amount: 20.74, basis: ht }]
tppan:
  - from: "2025-01-01"
    slices: [{ up_to_kwh: 100, price: 0.0847 }, { up_to_kwh: 200, price: 0.1271 }, { price: 0.1695 }]
`;

describe("a two-period bill", () => {
  it("is priced per register and our metered import is split by period the same way", () => {
    const twoPeriod = stored(
      billInputSchema.parse({
        institution: SITE,
        from: "2026-02-10",
        to: "2026-03-10",
        registers: [
          { period: "peak", kwh: 140 },
          { period: "normal", kwh: 533 },
        ],
        lines: [
          { kind: "energy", label: "Heures de pointe", period: "peak", amount: 318.36, basis: "ttc" },
          { kind: "energy", label: "Heures normales", period: "normal", amount: 679.04, basis: "ttc" },
          { kind: "fixed_fee", label: "Redevance", amount: 20.74 },
          { kind: "levy", label: "TPPAN", amount: 101.35 },
          { kind: "vat", label: "TVA", amount: 24.41 },
        ],
        total: 1143.9,
      }),
    );
    const m2 = metering.get(B2.id);
    if (!m2) throw new Error("metering missing");
    const [r] = reconcileBills({
      bills: [twoPeriod],
      metering: new Map([[twoPeriod.id, m2]]),
      tariff: parseTariff(TWO_PERIOD, "test-two-period.yaml"),
    });
    expect(r?.predicted?.kwh).toEqual({ total: 673, byPeriod: { peak: 140, normal: 533 } });
    expect(r?.lines.every((l) => l.diff === 0)).toBe(true);
    expect(r?.predictedOnMetered).toEqual({ kwh: 673, ttc: 1143.9 });
    expect(r?.flags).toEqual([]);
  });
});
