import { describe, expect, it } from "vitest";
import { bill } from "./bill.js";
import { localParts } from "./local-time.js";
import { periodAt } from "./periods.js";
import { mt, twoPeriod } from "./testing/fixtures.js";
import type { HourlyKwh } from "./types.js";

const pick = (b: ReturnType<typeof bill>) => b.lines.map((l) => [l.id, l.quantity, l.ht, l.vat, l.ttc]);
const utc = (iso: string) => Date.parse(iso);

describe("Africa/Casablanca clock changes, as Node's ICU knows them", () => {
  it("puts Morocco on GMT for Ramadan 2026, from 2026-02-15T02:00Z to 2026-03-22T02:00Z", () => {
    const offset = (iso: string) => localParts(utc(iso), "Africa/Casablanca").offsetMinutes;
    expect(offset("2026-02-15T01:59:00Z")).toBe(60); // 02:59 local, GMT+1
    expect(offset("2026-02-15T02:00:00Z")).toBe(0); // clocks go back: 03:00 → 02:00 local
    expect(offset("2026-03-22T01:59:00Z")).toBe(0);
    expect(offset("2026-03-22T02:00:00Z")).toBe(60); // 02:00 → 03:00 local
  });
});

describe("two-period (bi-horaire) bill", () => {
  it("bills a summer month with peak 18-23 GMT, i.e. 19:00-24:00 on the wall while on GMT+1", () => {
    // July 2026, all on GMT+1: local month = 2026-06-30T23:00Z … 2026-07-31T23:00Z, 744 hours = 31 × each
    // UTC hour of the day. Load: 1 kWh every hour, plus 3 kWh more at 23:00 local (22:00Z, peak: inside
    // 18-23 GMT only because of the +1 h shift) and 3 kWh more at 18:00 local (17:00Z, normal).
    const samples = Array.from({ length: 744 }, (_, i): HourlyKwh => {
      const start = utc("2026-06-30T23:00:00Z") + i * 3_600_000;
      const hourUtc = new Date(start).getUTCHours();
      return { start, kwh: hourUtc === 22 || hourUtc === 17 ? 4 : 1 };
    });
    const b = bill(samples, twoPeriod(), "2026-07");
    // Peak: UTC hours 18..22 → 31 × (5 × 1 + 3) = 248 kWh; normal: 31 × (19 × 1 + 3) = 682 kWh.
    // Peak   248 × 1.8263 = 452.9224 → 452.92 TTC; VAT 452.92 × 20/120 = 75.4867 → 75.49; HT 377.43
    // Normal 682 × 1.0571 = 720.9422 → 720.94 TTC; VAT 720.94 / 6 = 120.1567 → 120.16; HT 600.78
    // Fee 20.74 HT + 4.15 VAT = 24.89.   Total TTC = 452.92 + 720.94 + 24.89 = 1198.75
    expect(b.kwh).toEqual({ total: 930, byPeriod: { peak: 248, normal: 682 } });
    expect(pick(b)).toEqual([
      ["energy.peak", 248, 377.43, 75.49, 452.92],
      ["energy.normal", 682, 600.78, 120.16, 720.94],
      ["fee.fixed-fee", 1, 20.74, 4.15, 24.89],
    ]);
    expect(b.total).toEqual({ ht: 998.95, vat: 199.8, ttc: 1198.75 });
  });
});

describe("medium-voltage bill across the Ramadan clock change", () => {
  // February 2026 (winter: peak 17-22, full 07-17, off-peak 22-07). Local month = 2026-01-31T23:00Z to
  // 2026-03-01T00:00Z. Morocco is on GMT+1 until 15 Feb 02:00Z, then on GMT (Ramadan). The site uses
  // 1 kWh at 22:00 and 1 kWh at 07:00 on its wall clock every day, written here in UTC by hand:
  //   1-14 Feb (GMT+1): 22:00 local = 21:00Z, 07:00 local = 06:00Z
  //   15-28 Feb (GMT):  22:00 local = 22:00Z, 07:00 local = 07:00Z
  const day = (d: number, hourUtc: number) => Date.UTC(2026, 1, d, hourUtc);
  const samples: HourlyKwh[] = [];
  for (let d = 1; d <= 28; d++) {
    const shifted = d <= 14;
    samples.push({ start: day(d, shifted ? 21 : 22), kwh: 1 }, { start: day(d, shifted ? 6 : 7), kwh: 1 });
  }

  it("moves the wall-clock 22:00 hour from peak to off-peak when the legal time returns to GMT", () => {
    const t = mt("gmt");
    const table = t.kind === "mt" ? t.periods[0] : undefined;
    if (!table) throw new Error("fixture is not MT");
    // 22:00 local on 14 Feb is 21:00 GMT (peak); 22:00 local on 15 Feb is 22:00 GMT (off-peak).
    expect(periodAt(day(14, 21), table, "Africa/Casablanca")).toBe("peak");
    expect(periodAt(day(15, 22), table, "Africa/Casablanca")).toBe("off_peak");
    // 07:00 local: 06:00 GMT before (off-peak), 07:00 GMT after (full).
    expect(periodAt(day(14, 6), table, "Africa/Casablanca")).toBe("off_peak");
    expect(periodAt(day(15, 7), table, "Africa/Casablanca")).toBe("full");
  });

  it("bills the month with the periods in GMT (the tariff text's rule)", () => {
    const b = bill(samples, mt("gmt"), "2026-02");
    // peak = 14 (22:00 local, 1-14 Feb); full = 14 (07:00 local, 15-28); off-peak = 14 + 14 = 28.
    // Peak     14 × 1.5431 = 21.6034 → 21.60 HT; VAT 21.60 × 0.20 = 4.32; TTC 25.92
    // Full     14 × 1.0267 = 14.3738 → 14.37 HT; VAT 2.874 → 2.87; TTC 17.24
    // Off-peak 28 × 0.6983 = 19.5524 → 19.55 HT; VAT 3.91; TTC 23.46
    // Power    63 kVA × 437.50 / 12 = 2296.875 → 2296.88 HT; VAT 459.376 → 459.38; TTC 2756.26
    // Total TTC = 25.92 + 17.24 + 23.46 + 2756.26 = 2822.88
    expect(b.kwh).toEqual({ total: 56, byPeriod: { peak: 14, full: 14, off_peak: 28 } });
    expect(pick(b)).toEqual([
      ["energy.peak", 14, 21.6, 4.32, 25.92],
      ["energy.full", 14, 14.37, 2.87, 17.24],
      ["energy.off_peak", 28, 19.55, 3.91, 23.46],
      ["power", 63, 2296.88, 459.38, 2756.26],
    ]);
    expect(b.lines[3]?.unitPrice).toBe(36.4583); // 437.50 / 12, shown to 4 decimals
    expect(b.total).toEqual({ ht: 2352.4, vat: 470.48, ttc: 2822.88 });
  });

  it("bills the same load differently when the windows are wall-clock hours (clock: legal)", () => {
    const b = bill(samples, mt("legal"), "2026-02");
    // 22:00 local is always off-peak (28), 07:00 local always full (28), nothing at peak.
    // Full 28 × 1.0267 = 28.7476 → 28.75 HT; VAT 5.75; TTC 34.50. Off-peak as above 23.46. Power 2756.26.
    // Total TTC = 0 + 34.50 + 23.46 + 2756.26 = 2814.22
    expect(b.kwh.byPeriod).toEqual({ peak: 0, full: 28, off_peak: 28 });
    expect(pick(b)[1]).toEqual(["energy.full", 28, 28.75, 5.75, 34.5]);
    expect(b.total.ttc).toBe(2814.22);
  });
});
