/**
 * Property-style tests over seeded random inputs (a fixed seed: a failure replays identically).
 * They hold because bracket prices never decrease with the bracket, so a bill is a non-decreasing
 * function of each period's kWh, and rounding (half away from zero) is monotone too.
 */
import { mulberry32 } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { bill } from "./bill.js";
import { parseTariff } from "./load.js";
import { savings } from "./savings.js";
import type { Tariff } from "./schema.js";
import { DOMESTIC_YAML, domestic, hours, mt, twoPeriod } from "./testing/fixtures.js";
import type { HourlyKwh } from "./types.js";

const random = mulberry32;

const JUNE = "2026-05-31T23:00:00Z";
const oneSample = (kwh: number): HourlyKwh[] => [{ start: Date.parse(JUNE), kwh }];

describe("bill properties", () => {
  it("never decreases when consumption increases within the progressive part (0-150 kWh)", () => {
    const t = domestic();
    let previous = -1;
    for (let kwh = 0; kwh <= 150; kwh++) {
      const ttc = bill(oneSample(kwh), t, "2026-06").total.ttc;
      expect(ttc, `${kwh} kWh`).toBeGreaterThanOrEqual(previous);
      previous = ttc;
    }
    // The same with centi-kWh billing and random fractional months.
    const fine = parseTariff(
      DOMESTIC_YAML.replace("id: test-domestic", "id: test-domestic\nkwh_decimals: 2"),
    );
    const next = random(7);
    const months = Array.from({ length: 300 }, () => next() * 150).sort((a, b) => a - b);
    let last = -1;
    for (const kwh of months) {
      const ttc = bill(oneSample(kwh), fine, "2026-06").total.ttc;
      expect(ttc, `${kwh} kWh`).toBeGreaterThanOrEqual(last);
      last = ttc;
    }
  });

  it("never decreases over the selective brackets either (0-1000 kWh, prices rising by bracket)", () => {
    const t = domestic();
    let previous = -1;
    for (let kwh = 0; kwh <= 1000; kwh++) {
      const ttc = bill(oneSample(kwh), t, "2026-06").total.ttc;
      expect(ttc, `${kwh} kWh`).toBeGreaterThanOrEqual(previous);
      previous = ttc;
    }
  });
});

/** A random June: import 0-3 kWh an hour; PV 0-6 kWh in daytime hours; export a random share of PV. */
function randomMonth(next: () => number) {
  const base = hours(JUNE, 720, 0);
  const production = base.map((h, i) => ({
    start: h.start,
    kwh: i % 24 >= 6 && i % 24 <= 18 ? next() * 6 : 0,
  }));
  return {
    import: base.map((h) => ({ start: h.start, kwh: next() * 3 })),
    production,
    export: production.map((p) => ({ start: p.start, kwh: p.kwh * next() * next() })),
  };
}

describe("savings properties", () => {
  const tariffs: [string, Tariff][] = [
    ["bt-domestic", domestic()],
    ["bt-two-period", twoPeriod()],
    ["mt", mt()],
  ];
  for (const [name, tariff] of tariffs) {
    it(`are ≥ 0 whenever self-consumption is ≥ 0 (${name}, 25 random months)`, () => {
      const next = random(name.length * 1000 + 1);
      for (let trial = 0; trial < 25; trial++) {
        const s = savings(randomMonth(next), tariff, "2026-06", { producedKwh: 0, exportedKwh: 0 });
        expect(s.energy.selfConsumedKwh).toBeGreaterThanOrEqual(0);
        expect(s.billSavings, `trial ${trial}`).toBeGreaterThanOrEqual(0);
        expect(s.total, `trial ${trial}`).toBeGreaterThanOrEqual(s.billSavings);
      }
    });
  }
});
