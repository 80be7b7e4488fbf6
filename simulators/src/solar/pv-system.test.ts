import { pvOperatingPoint as corePvOperatingPoint } from "@jisr/core/solar";
import { describe, expect, it } from "vitest";
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

// The clear-sky model itself is tested in @jisr/core (core/src/solar/pv-system.test.ts); here, the clouds.
describe("pvOperatingPoint of the simulators, 10 kWp at Ben Guerir, 30° south", () => {
  it("is the core clear-sky model when there is no cloud seed", () => {
    for (let t = Date.UTC(2026, 2, 20, 6); t < Date.UTC(2026, 2, 20, 19); t += 3_600_000) {
      expect(pvOperatingPoint(t, clear, { soilingPct: 5 })).toEqual(
        corePvOperatingPoint(t, clear, { soilingPct: 5 }),
      );
    }
  });

  it("applies the seeded cloud factor to the clear-sky GHI", () => {
    const t = Date.UTC(2026, 3, 15, 10, 7, 13);
    const cloudy = defaultPvSystem(KWP, 42);
    expect(pvOperatingPoint(t, cloudy).ghiWm2).toBeCloseTo(
      pvOperatingPoint(t, clear).ghiWm2 * cloudFactor(t, 42),
      9,
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
});
