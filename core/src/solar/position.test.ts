import { describe, expect, it } from "vitest";
import { solarNoonUtc, sunPosition } from "./position.js";

const LAT = 32.23;
const LON = -7.95;

/** Highest elevation of the day, searched minute by minute (independent of solarNoonUtc). */
function maxElevation(dayUtc: number): { at: number; elevationDeg: number } {
  let best = { at: dayUtc, elevationDeg: -90 };
  for (let t = dayUtc; t < dayUtc + 86_400_000; t += 60_000) {
    const e = sunPosition(t, LAT, LON).elevationDeg;
    if (e > best.elevationDeg) best = { at: t, elevationDeg: e };
  }
  return best;
}

describe("sunPosition at Ben Guerir", () => {
  it("puts the sun at ≈ 57.8° at solar noon on the March equinox (90° − latitude)", () => {
    const noon = maxElevation(Date.UTC(2026, 2, 20));
    expect(noon.elevationDeg).toBeGreaterThan(57.5);
    expect(noon.elevationDeg).toBeLessThan(58.1);
    expect(sunPosition(noon.at, LAT, LON).azimuthDeg).toBeCloseTo(180, 0);
  });

  it("puts the sun at ≈ 81.2° at solar noon on the June solstice (90° − lat + 23.44°)", () => {
    expect(maxElevation(Date.UTC(2026, 5, 21)).elevationDeg).toBeCloseTo(81.2, 0);
  });

  it("has solar noon around 12:30 UTC (13:30 legal time), within the ±16 min of the equation of time", () => {
    for (const month of [0, 1, 4, 7, 10]) {
      const day = Date.UTC(2026, month, 10);
      const noon = solarNoonUtc(day + 5 * 3_600_000, LON);
      expect(Math.abs(noon - maxElevation(day).at)).toBeLessThanOrEqual(60_000);
      expect(Math.abs(noon - (day + 12.53 * 3_600_000))).toBeLessThan(17 * 60_000);
    }
  });

  it("is far below the horizon at local midnight", () => {
    // Local midnight in solar time ≈ 00:32 UTC.
    const pos = sunPosition(Date.UTC(2026, 5, 21, 0, 32), LAT, LON);
    expect(pos.elevationDeg).toBeLessThan(-30);
    expect(pos.azimuthDeg > 315 || pos.azimuthDeg < 45).toBe(true);
  });

  it("rises in the east and sets in the west", () => {
    expect(sunPosition(Date.UTC(2026, 2, 20, 8), LAT, LON).azimuthDeg).toBeLessThan(120);
    expect(sunPosition(Date.UTC(2026, 2, 20, 17), LAT, LON).azimuthDeg).toBeGreaterThan(240);
  });

  it("is nearest the sun in early January (≈ 0.983 AU)", () => {
    expect(sunPosition(Date.UTC(2026, 0, 3), LAT, LON).distanceAu).toBeCloseTo(0.983, 3);
  });
});
