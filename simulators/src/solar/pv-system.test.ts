import { describe, expect, it } from "vitest";
import { haurwitzGhi } from "./clearsky.js";
import { cloudFactor } from "./clouds.js";
import { defaultPvSystem, type PvSystemConfig, pvOperatingPoint } from "./pv-system.js";

const KWP = 10;
const clear = defaultPvSystem(KWP, null);

/** AC energy of a UTC day in kWh per kWp, minute steps. */
function dailyYield(day: number, cfg: PvSystemConfig): number {
  let wh = 0;
  for (let t = day; t < day + 86_400_000; t += 60_000) wh += pvOperatingPoint(t, cfg).acW / 60;
  return wh / 1000 / cfg.kwp;
}

describe("pvOperatingPoint, 10 kWp at Ben Guerir, 30° south", () => {
  it("gives exactly zero at local midnight and whenever the sun is down", () => {
    expect(pvOperatingPoint(Date.UTC(2026, 5, 21, 0, 32), clear).acW).toBe(0);
    for (let t = Date.UTC(2026, 2, 20); t < Date.UTC(2026, 2, 21); t += 600_000) {
      const p = pvOperatingPoint(t, clear);
      if (p.sunElevationDeg < 0) expect([p.acW, p.dcW, p.poaWm2]).toEqual([0, 0, 0]);
    }
  });

  it("gives roughly 0.8-0.9 × kWp on a clear June noon", () => {
    const p = pvOperatingPoint(Date.UTC(2026, 5, 21, 12, 30), clear);
    expect(p.poaWm2).toBeGreaterThan(900);
    expect(p.acW / 1000 / KWP).toBeGreaterThan(0.78);
    expect(p.acW / 1000 / KWP).toBeLessThan(0.9);
  });

  it("yields a plausible 5-7 kWh/kWp over a clear day in spring and summer", () => {
    for (const day of [Date.UTC(2026, 2, 20), Date.UTC(2026, 5, 21), Date.UTC(2026, 8, 22)]) {
      const y = dailyYield(day, clear);
      expect(y).toBeGreaterThan(5);
      expect(y).toBeLessThan(7);
    }
    // Winter days are shorter: less, but still a sunny-climate 4-5.5.
    const december = dailyYield(Date.UTC(2026, 11, 21), clear);
    expect(december).toBeGreaterThan(4);
    expect(december).toBeLessThan(5.5);
  });

  it("derates by 0.4 %/K of module temperature above 25 °C", () => {
    const t = Date.UTC(2026, 6, 20, 13);
    const hot = pvOperatingPoint(t, clear);
    const ideal = pvOperatingPoint(t, { ...clear, gammaPerK: 0 });
    expect(hot.moduleC).toBeGreaterThan(50);
    expect(hot.dcAvailableW / ideal.dcAvailableW).toBeCloseTo(1 - 0.004 * (hot.moduleC - 25), 6);
  });

  it("converts at 96 % and clips at the AC rating", () => {
    const t = Date.UTC(2026, 3, 15, 12, 30);
    const p = pvOperatingPoint(t, clear);
    expect(p.clipped).toBe(false);
    expect(p.acW).toBeCloseTo(p.dcAvailableW * 0.96, 6);
    const small = pvOperatingPoint(t, { ...clear, acRatingW: 5000 });
    expect(small.clipped).toBe(true);
    expect(small.acW).toBe(5000);
    expect(small.dcW).toBeCloseTo(5000 / 0.96, 6);
    expect(small.dcAvailableW).toBeCloseTo(p.dcAvailableW, 6);
  });

  it("loses light to soiling and power to a disconnected string", () => {
    const t = Date.UTC(2026, 3, 15, 10);
    const base = pvOperatingPoint(t, clear);
    expect(pvOperatingPoint(t, clear, { soilingPct: 15 }).poaWm2).toBeCloseTo(base.poaWm2 * 0.85, 6);
    expect(pvOperatingPoint(t, clear, { connectedShare: 0.45 }).dcAvailableW).toBeCloseTo(
      base.dcAvailableW * 0.45,
      6,
    );
  });

  it("makes clouds a deterministic function of the seed and sim time", () => {
    const t = Date.UTC(2026, 3, 15, 10, 7, 13);
    expect(cloudFactor(t, 42)).toBe(cloudFactor(t, 42));
    const factors = Array.from({ length: 5000 }, (_, i) => cloudFactor(t + i * 600_000, 42));
    expect(Math.min(...factors)).toBeGreaterThanOrEqual(0.245);
    expect(Math.max(...factors)).toBeLessThanOrEqual(1);
    // Over ~35 days some are overcast at times, most of the time is near clear.
    expect(factors.some((f) => f < 0.5)).toBe(true);
    expect(factors.filter((f) => f > 0.95).length / factors.length).toBeGreaterThan(0.5);
    expect(factors.map((f, i) => f - cloudFactor(t + i * 600_000, 43)).some((d) => d !== 0)).toBe(true);
  });

  it("never produces more with clouds than under a clear sky", () => {
    const cloudy = defaultPvSystem(KWP, 42);
    for (let d = 0; d < 20; d++) {
      const day = Date.UTC(2026, 4, 1 + d);
      expect(dailyYield(day, cloudy)).toBeLessThanOrEqual(dailyYield(day, clear) + 1e-9);
    }
  });

  it("follows Haurwitz: GHI 0 below the horizon, ≈ 1035 W/m² with the sun overhead", () => {
    expect(haurwitzGhi(90)).toBe(0);
    expect(haurwitzGhi(120)).toBe(0);
    expect(haurwitzGhi(0)).toBeCloseTo(1098 * Math.exp(-0.059), 6);
  });
});
