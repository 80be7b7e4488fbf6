import { describe, expect, it } from "vitest";
import { haurwitzGhi } from "./clearsky.js";
import { defaultPvArray, type PvArrayConfig, pvOperatingPoint } from "./pv-system.js";

const KWP = 10;
const clear = defaultPvArray(KWP);

/** AC energy of a UTC day in kWh per kWp, minute steps. */
function dailyYield(day: number, cfg: PvArrayConfig): number {
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

  it("scales the sky by skyFactor and never exceeds the clear sky", () => {
    const t = Date.UTC(2026, 3, 15, 11);
    const base = pvOperatingPoint(t, clear);
    const hazy = pvOperatingPoint(t, clear, { skyFactor: 0.5 });
    expect(hazy.ghiWm2).toBeCloseTo(base.ghiWm2 * 0.5, 6);
    expect(hazy.acW).toBeLessThan(base.acW);
    expect(pvOperatingPoint(t, clear, { skyFactor: 3 }).acW).toBeCloseTo(base.acW, 6);
  });

  it("takes a measured ambient temperature instead of the climatology", () => {
    const t = Date.UTC(2026, 6, 20, 13);
    const cool = pvOperatingPoint(t, clear, { ambientC: 10 });
    const hot = pvOperatingPoint(t, clear, { ambientC: 45 });
    expect(cool.ambientC).toBe(10);
    expect(hot.moduleC - cool.moduleC).toBeCloseTo(35, 6);
    expect(hot.dcAvailableW).toBeLessThan(cool.dcAvailableW);
  });

  it("follows Haurwitz: GHI 0 below the horizon, ≈ 1035 W/m² with the sun overhead", () => {
    expect(haurwitzGhi(90)).toBe(0);
    expect(haurwitzGhi(120)).toBe(0);
    expect(haurwitzGhi(0)).toBeCloseTo(1098 * Math.exp(-0.059), 6);
  });
});
