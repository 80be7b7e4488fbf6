import { describe, expect, it } from "vitest";
import { at, cloudySky, config, input, pvDays, site } from "../testing/fixtures.js";
import { pvUnderperformance } from "./underperformance.js";

/** Judged on the morning after `days` days of readings. */
const judge = (
  days: number,
  factor: (d: number) => number,
  sky?: (d: number, t: number) => number,
  sensor = false,
) =>
  pvUnderperformance(
    input(pvDays({ days, factor: (d) => factor(d), ...(sky && { sky }), sensor }), at(8, 0, days), {
      ...(sensor && { site: site({ irradianceSensor: "wx-1" }) }),
    }),
    config(),
  );

describe("pv_underperformance", () => {
  it("is healthy at 100 % of expected", () => {
    const [r] = judge(8, () => 1);
    expect(r?.active).toBe(false);
    expect(r?.summary.key).toBe("pv_underperformance.ok");
  });

  it("fires major at 50 % on the last 3 clear days, since the first of them", () => {
    const [r] = judge(8, (d) => (d >= 5 ? 0.5 : 1));
    expect(r?.active).toBe(true);
    expect(r?.severity).toBe("major");
    expect(r?.summary.params).toMatchObject({ days: 3, median_ratio_pct: 50, threshold_pct: 60 });
    expect(r?.evidence.daily_ratios_pct?.value).toEqual([
      "2026-04-25: 50 %",
      "2026-04-26: 50 %",
      "2026-04-27: 50 %",
    ]);
    expect(r?.evidence.method?.value).toBe("clear_sky");
    expect(r?.since).toBe(at(0, 0, 5));
    expect(r?.evidence.lost_kwh?.value as number).toBeGreaterThan(60);
  });

  it("needs 3 clear days: 2 bad days out of 8 are neither major nor minor", () => {
    const r = judge(8, (d) => (d >= 6 ? 0.5 : 1));
    expect(r.filter((x) => x.active)).toEqual([]);
  });

  it("skips cloudy days: bad, cloudy, bad, bad is still 3 clear days in a row", () => {
    const sky = (d: number, t: number) => (d === 6 ? cloudySky(t) : 1);
    const [r] = judge(9, (d) => (d >= 5 ? 0.5 : 1), sky);
    expect(r?.severity).toBe("major");
    expect(r?.evidence.daily_ratios_pct?.value).toEqual([
      "2026-04-25: 50 %",
      "2026-04-27: 50 %",
      "2026-04-28: 50 %",
    ]);
  });

  it("fires minor at 75 % over 7 clear days, not at 6; not at exactly 80 %", () => {
    expect(judge(10, (d) => (d >= 3 ? 0.75 : 1))[0]?.summary.key).toBe("pv_underperformance.minor");
    expect(judge(10, (d) => (d >= 4 ? 0.75 : 1))[0]?.active).toBe(false);
    expect(judge(10, () => 0.8)[0]?.active).toBe(false);
  });

  it("uses the irradiance sensor when there is one, judging cloudy days fairly too", () => {
    const sky = (d: number, t: number) => (d % 2 === 0 ? cloudySky(t) : 1);
    const [r] = judge(8, () => 0.5, sky, true);
    expect(r?.active).toBe(true);
    expect(r?.evidence.method?.value).toBe("irradiance_sensor");
  });

  it("says nothing without enough data (a week of clouds, or no readings)", () => {
    expect(
      judge(
        8,
        () => 0.5,
        (_d, t) => cloudySky(t),
      ),
    ).toEqual([]);
    expect(pvUnderperformance(input([], at(8, 0, 8)), config())).toEqual([]);
  });
});
