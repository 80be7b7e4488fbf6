import { describe, expect, it } from "vitest";
import { bill } from "./bill.js";
import { inForce } from "./effective.js";
import { parseTariff } from "./load.js";
import { DOMESTIC_YAML, domestic, hours } from "./testing/fixtures.js";

/** The fixture plus new energy prices dated 15 March 2027: mid-month, on purpose. */
const withChange2027 = () =>
  parseTariff(
    DOMESTIC_YAML.replace(
      "fixed_fees:",
      `  - from: "2027-03-15"
    basis: ttc
    progressive:
      - { up_to_kwh: 100, price: 0.9500 }
      - { up_to_kwh: 150, price: 1.1000 }
    selective:
      - { up_to_kwh: 210, price: 1.1000 }
      - { price: 1.6000 }
fixed_fees:`,
    ),
  );

// 130 kWh each month, from the month's local midnight given in UTC (23:00Z the day before on GMT+1).
const month130 = (month: string, startIso: string, t = domestic()) => bill(hours(startIso, 130), t, month);

describe("effective-dated tariffs", () => {
  it("picks the entry with the latest `from` not after the date", () => {
    const list = [{ from: "2017-01-01" }, { from: "2024-01-01" }, { from: "2025-01-01" }];
    expect(inForce(list, "2016-12-31")).toBeUndefined();
    expect(inForce(list, "2024-01-01")?.from).toBe("2024-01-01");
    expect(inForce(list, "2024-12-31")?.from).toBe("2024-01-01");
    expect(inForce(list, "2030-06-01")?.from).toBe("2025-01-01");
  });

  it("bills a month with the values in force on its 1st day: a 15 March change applies from April", () => {
    const t = withChange2027();
    expect(t.energy.map((e) => e.from)).toEqual(["2017-01-01", "2027-03-15"]);
    // Morocco is on GMT (Ramadan) from 7 Feb to 14 Mar 2027, so March starts at 00:00Z, not 23:00Z.
    const march = month130("2027-03", "2027-03-01T00:00:00Z", t);
    const april = month130("2027-04", "2027-03-31T23:00:00Z", t);
    // March: old prices, as on 1 March: 90.10 + 32.20 + fee 24.89 = 147.19
    expect(march.inForce.energy).toBe("2017-01-01");
    expect(march.total.ttc).toBe(147.19);
    // April: 100 × 0.95 = 95.00; 30 × 1.10 = 33.00; + fee 24.89 = 152.89
    expect(april.inForce.energy).toBe("2027-03-15");
    expect(april.lines.map((l) => l.ttc)).toEqual([95, 33, 24.89]);
    expect(april.total.ttc).toBe(152.89);
  });

  it("never rewrites a past month: adding 2027 prices leaves June 2026's bill identical", () => {
    const before = month130("2026-06", "2026-05-31T23:00:00Z", domestic());
    const after = month130("2026-06", "2026-05-31T23:00:00Z", withChange2027());
    expect(after).toEqual(before);
  });

  it("keeps TTC energy prices across the VAT rise (18 % → 20 % on 1 Jan 2026); only HT fees grow", () => {
    const dec = month130("2025-12", "2025-11-30T23:00:00Z");
    const jan = month130("2026-01", "2025-12-31T23:00:00Z");
    // Dec 2025, VAT 18 %: bracket 1 90.10 TTC, VAT 90.10 × 18/118 = 13.7441 → 13.74, HT 76.36
    //                     bracket 2 32.20 TTC, VAT 32.20 × 18/118 = 4.9119 → 4.91, HT 27.29
    //                     fee 20.74 HT, VAT 20.74 × 0.18 = 3.7332 → 3.73, TTC 24.47      total 146.77
    // Jan 2026, VAT 20 %: 90.10 (VAT 15.02) + 32.20 (VAT 5.37) + fee 24.89 (VAT 4.15) total 147.19
    expect(dec.vatPct).toBe(18);
    expect(dec.lines.map((l) => [l.ht, l.vat, l.ttc])).toEqual([
      [76.36, 13.74, 90.1],
      [27.29, 4.91, 32.2],
      [20.74, 3.73, 24.47],
    ]);
    expect(dec.total.ttc).toBe(146.77);
    expect(jan.vatPct).toBe(20);
    expect(jan.total.ttc).toBe(147.19);
    expect(jan.inForce).toMatchObject({ vat: "2026-01-01", energy: "2017-01-01" });
  });

  it("refuses to bill a month before a table's first entry, naming the table", () => {
    // The fixture's fees start 2025-01-01: December 2024 has no fee figure, so no honest bill.
    expect(() => month130("2024-12", "2024-11-30T23:00:00Z")).toThrow(
      'tariff "test-domestic" has no fixed fees in force on 2024-12-01 (its first entry starts 2025-01-01)',
    );
  });
});
