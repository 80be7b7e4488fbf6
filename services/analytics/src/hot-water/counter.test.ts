/**
 * The hot-water view of a lifetime counter: the energy accounting's rules (../energy/counter.ts, tested
 * there in depth), cut to one period. Limits: a 10 kW loop (10 000 W × 1 h = 10 000 Wh per hour at most).
 */
import { describe, expect, it } from "vitest";
import { counterIncrease, counterOptions } from "./counter.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 5, 9, 23); // local midnight of 2026-06-10 (UTC+1)
const DAY_END = T0 + 24 * H;
const r = (hours: number, value: number) => ({ time: T0 + hours * H, value });
const OPTIONS = counterOptions({ maxPowerW: 10_000, toleranceWh: 100, jitterWh: 10 }, 45 * 24 * H);
const inc = (series: ReturnType<typeof r>[], from = T0, to = DAY_END, o = OPTIONS) =>
  counterIncrease(series, from, to, o);

describe("lifetime counter increase over a period", () => {
  it("adds the steps inside the period", () => {
    const result = inc([r(0, 1000), r(6, 1600), r(24, 2000)]);
    expect(result).toMatchObject({ wh: 1000, coveredMs: 24 * H });
    // Readings 6 h and 18 h apart are gaps (> 15 min): reported, their energy still counted. The second
    // is raised by the reading at 24:00, which belongs to the next day.
    expect(result?.events.map((e) => [e.kind, e.time])).toEqual([["gap", T0 + 6 * H]]);
  });

  it("splits a step that straddles midnight pro rata: the days add up to the total", () => {
    // 23:30 → 00:30 next day, +600 Wh: 300 Wh before midnight, 300 Wh after.
    const series = [r(23.5, 5000), r(24.5, 5600)];
    expect(inc(series)).toMatchObject({ wh: 300, coveredMs: 0.5 * H });
    expect(inc(series, DAY_END, DAY_END + 24 * H)?.wh).toBe(300);
  });

  it("loses no energy across a gap: the step is spread over it", () => {
    // Silent from 20:00 to 04:00 next day while the counter went +800: 4/8 of it falls in this day.
    expect(inc([r(0, 0), r(20, 100), r(28, 900)])?.wh).toBe(100 + 400);
  });

  it("a drop to a plausible value is a reset: the counter restarts from zero", () => {
    // 1000 → 1200 (+200), restarted, reads 50 an hour later (+50 since its zero), then 150 (+100).
    const result = inc([r(0, 1000), r(8, 1200), r(9, 50), r(24, 150)]);
    expect(result?.wh).toBe(350);
    expect(result?.events.map((e) => e.kind).filter((k) => k !== "gap")).toEqual(["reset"]);
  });

  it("a drop from near the wrap value is a rollover", () => {
    // 99 999 000 → wraps at 100 000 000 → 500: +1000 then +1500.
    const o = counterOptions(
      { maxPowerW: 10_000, toleranceWh: 100, jitterWh: 10, rolloverWh: 100_000_000 },
      45 * 24 * H,
    );
    const result = inc([r(0, 99_998_000), r(10, 99_999_000), r(14, 500)], T0, DAY_END, o);
    expect(result?.wh).toBe(1000 + 1500);
    expect(result?.events.map((e) => e.kind).filter((k) => k !== "gap")).toEqual(["rollover"]);
  });

  it("drops a glitch (a zero read) instead of counting it twice", () => {
    // 5000, 0 (glitch), 5100: +100, not +5100.
    expect(inc([r(0, 5000), r(1, 0), r(2, 5100), r(24, 5100)])?.wh).toBe(100);
  });

  it("skips invalid readings and sorts unsorted input", () => {
    expect(inc([r(12, 1500), r(0, 1000), r(6, Number.NaN), r(24, 1700)])?.wh).toBe(700);
  });

  it("is unknown without two readings around any part of the period", () => {
    expect(inc([])).toBeUndefined();
    expect(inc([r(5, 100)])).toBeUndefined();
    expect(inc([r(-5, 100), r(-1, 200)])).toBeUndefined();
  });

  it("covers only the time between readings", () => {
    expect(inc([r(6, 0), r(18, 120)])).toMatchObject({ wh: 120, coveredMs: 12 * H });
  });
});
