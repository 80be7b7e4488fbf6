import { describe, expect, it } from "vitest";
import { at, cloudySky, config, DAY, input, pvDays, site } from "../testing/fixtures.js";
import { dailyPv } from "./daily-pv.js";

const now = at(8, 0, 5); // the morning of day 5: days 0-4 are complete

describe("dailyPv: daily ratio and clear days", () => {
  it("gives a healthy plant a ratio of 1 on clear days, by the clear-sky model", () => {
    const days = dailyPv(input(pvDays({ days: 6 }), now), "inv-1", config(), 5);
    expect(days.map((d) => d.day)).toEqual([
      "2026-04-20",
      "2026-04-21",
      "2026-04-22",
      "2026-04-23",
      "2026-04-24",
    ]);
    for (const d of days) {
      expect(d.method).toBe("clear_sky");
      expect(d.ratio).toBeCloseTo(1, 2);
      expect(d.clear).toBe(true);
      expect(d.coverage).toBeGreaterThan(0.97);
      expect(d.actualWh / 1000).toBeGreaterThan(40); // ≈ 5-6 kWh/kWp on a clear April day
    }
  });

  it("sees a steady 55 % plant as clear (shape), with its ratio at 0.55", () => {
    const days = dailyPv(input(pvDays({ days: 5, factor: () => 0.55 }), now), "inv-1", config(), 5);
    expect(days.every((d) => d.clear === true && Math.abs((d.ratio ?? 0) - 0.55) < 0.01)).toBe(true);
  });

  it("calls a day with clouds not clear without a sensor, and clear-sky-index low with one", () => {
    const sky = (d: number, t: number) => (d === 2 ? cloudySky(t) : 1);
    const shape = dailyPv(input(pvDays({ days: 5, sky }), now), "inv-1", config(), 5);
    expect(shape.map((d) => d.clear)).toEqual([true, true, false, true, true]);
    expect(shape[2]?.clearness).toBeGreaterThan(0.12);

    const withSensor = site({ irradianceSensor: "wx-1" });
    const measured = dailyPv(
      input(pvDays({ days: 5, sky, sensor: true }), now, { site: withSensor }),
      "inv-1",
      config(),
      5,
    );
    expect(measured.map((d) => d.clear)).toEqual([true, true, false, true, true]);
    // With a sensor the cloudy day is still measured fairly: ratio ≈ 1.
    expect(measured[2]?.ratio).toBeCloseTo(1, 2);
    expect(measured[2]?.method).toBe("irradiance_sensor");
  });

  it("does not judge a day whose readings cover too little of it (a hole is not a loss)", () => {
    const readings = pvDays({ days: 5 }).filter((r) => !(r.time > at(9, 0, 1) && r.time < at(15, 0, 1)));
    const days = dailyPv(input(readings, now), "inv-1", config(), 5);
    expect(days[1]?.coverage).toBeLessThan(0.5);
    expect(days[1]?.ratio).toBeUndefined();
    expect(days[1]?.clear).toBeUndefined();
    expect(days[0]?.ratio).toBeCloseTo(1, 2);
  });

  it("returns nothing for an undeclared inverter, and skips days before the window", () => {
    expect(dailyPv(input(pvDays({ days: 5 }), now), "inv-9", config(), 5)).toEqual([]);
    // The window starts on day 3 at 08:00: days 0-2 are out, day 3 is in (partly covered).
    const days = dailyPv(input(pvDays({ days: 5 }), now, { from: now - 2 * DAY }), "inv-1", config(), 5);
    expect(days.map((d) => d.day)).toEqual(["2026-04-23", "2026-04-24"]);
  });
});
