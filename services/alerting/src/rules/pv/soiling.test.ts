import { describe, expect, it } from "vitest";
import { dailyPv } from "../lib/daily-pv.js";
import { at, cloudySky, config, input, pvDays } from "../testing/fixtures.js";
import { pvSoiling } from "./soiling.js";

const DAYS = 30;
const now = at(8, 0, DAYS);
const judge = (factor: (d: number) => number, sky?: (d: number, t: number) => number) =>
  pvSoiling(input(pvDays({ days: DAYS, factor, ...(sky && { sky }) }), now), config());

describe("pv_soiling", () => {
  it("recommends cleaning for a loss of 0.4 %/day, with kWh and MAD lost", () => {
    const [r] = judge((d) => 1 - 0.004 * d);
    expect(r?.active).toBe(true);
    expect(r?.severity).toBe("minor");
    expect(r?.action.key).toBe("clean_modules");
    expect(r?.evidence.loss_pct?.value).toBeCloseTo(11.6, 1);
    expect(r?.evidence.loss_rate_pct_per_day?.value).toBeCloseTo(0.4, 2);
    expect(r?.evidence.last_cleaning?.value).toBe("none in window");
    // kWh lost: each day's clean energy times that day's loss (the fit is exact on exact data).
    const clean = dailyPv(input(pvDays({ days: DAYS }), now), "inv-1", config(), DAYS);
    const expectedKwh = clean.reduce((a, d, i) => a + (d.actualWh * 0.004 * i) / 1000, 0);
    expect(r?.evidence.lost_since_cleaning_kwh?.value as number).toBeCloseTo(expectedKwh, 0);
    expect(r?.evidence.lost_since_cleaning_mad?.value).toBe(Math.round(expectedKwh * 1.2));
    expect(r?.evidence.mad_is_estimate?.value).toBe(true);
    expect(r?.summary.params.lost_per_month_mad as number).toBeGreaterThan(150);
  });

  it("starts counting at the last cleaning (a step up), and is major from 15 % loss", () => {
    const [r] = judge((d) => (d < 12 ? 1 - 0.005 * d : 1 - 0.005 * (d - 12)));
    expect(r?.active).toBe(true);
    expect(r?.evidence.last_cleaning?.value).toBe("2026-05-02");
    expect(r?.evidence.loss_pct?.value).toBeCloseTo(8.5, 1);
    expect(r?.since).toBe(at(0, 0, 12));
    expect(judge((d) => 1 - 0.006 * d)[0]?.severity).toBe("major");
  });

  it("is satisfied right after a cleaning or rain", () => {
    const [r] = judge((d) => (d < 27 ? 1 - 0.005 * d : 1));
    expect(r?.active).toBe(false);
    expect(r?.evidence.last_cleaning?.value).toBe("2026-05-17");
  });

  it("is not soiling when the loss is sudden (a fault), nor when output is flat", () => {
    expect(judge((d) => (d < 20 ? 1 : 0.85))[0]?.active).toBe(false);
    expect(judge(() => 1)[0]?.active).toBe(false);
    // Borderline: 0.15 %/day over 30 days is 4.35 % < 5 %: not yet.
    expect(judge((d) => 1 - 0.0015 * d)[0]?.active).toBe(false);
  });

  it("skips cloudy days in the fit, and says nothing without enough clear days", () => {
    const someClouds = (d: number, t: number) => (d % 3 === 1 ? cloudySky(t) : 1);
    expect(judge((d) => 1 - 0.004 * d, someClouds)[0]?.active).toBe(true);
    expect(
      judge(
        (d) => 1 - 0.004 * d,
        (_d, t) => cloudySky(t),
      ),
    ).toEqual([]);
  });
});
