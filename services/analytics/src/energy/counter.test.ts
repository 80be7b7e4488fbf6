import { describe, expect, it } from "vitest";
import {
  type CounterOptions,
  type CounterReading,
  counterIncrements,
  plausibleWh,
  spreadIntoBins,
} from "./counter.js";
import { completeness, hourlyEnergy } from "./hourly.js";

const T0 = Date.UTC(2026, 10, 2); // a Monday, 01:00 local
const MIN = 60_000;
const H = 3_600_000;

/**
 * A 6 kW inverter read every minute: at most 6000 W × 1/60 h = 100 Wh per minute, plus 10 Wh of counter
 * resolution = 110 Wh between two readings one minute apart (times exact: no bucket slack).
 */
const OPTIONS: CounterOptions = {
  maxPowerW: 6000,
  toleranceWh: 10,
  timeResolutionMs: 0,
  jitterWh: 5,
  gapMs: 15 * MIN,
  maxGapMs: 7 * 24 * H,
};

/** Readings one minute apart from T0: values[i] at minute i (null: no reading that minute). */
function everyMinute(...values: Array<number | null>): CounterReading[] {
  return values.flatMap((value, i) => (value === null ? [] : [{ time: T0 + i * MIN, value }]));
}

const total = (readings: CounterReading[], o: CounterOptions = OPTIONS) =>
  counterIncrements(readings, o).increments.reduce((s, i) => s + i.wh, 0);
const kinds = (readings: CounterReading[], o: CounterOptions = OPTIONS) =>
  counterIncrements(readings, o).events.map((e) => e.kind);

describe("lifetime counter → energy per interval", () => {
  it("counts plausible increases and knows its limit", () => {
    expect(plausibleWh(MIN, OPTIONS)).toBeCloseTo(110, 9);
    // 1000 → 1050 → 1100 → 1210: 50 + 50 + 110 (exactly the limit) = 210 Wh.
    expect(total(everyMinute(1000, 1050, 1100, 1210))).toBe(210);
    expect(counterIncrements(everyMinute(1000, 1050), OPTIONS).increments).toEqual([
      { from: T0, to: T0 + MIN, wh: 50 },
    ]);
  });

  it("counts from the new value after a reset to about zero", () => {
    // 1000 → 1050 (+50), reset → 20 (+20 since the reset), → 70 (+50): 120 Wh.
    const readings = everyMinute(1000, 1050, 20, 70);
    expect(total(readings)).toBe(120);
    expect(counterIncrements(readings, OPTIONS).events).toEqual([
      { kind: "reset", time: T0 + 2 * MIN, value: 20, reference: 1050, wh: 20 },
    ]);
  });

  it("drops a zero read between two good readings (a glitch, not a reset)", () => {
    // 1000 → 1050 (+50), 0 dropped, 1050 → 1150 over 2 min (+100 ≤ 210): 150 Wh.
    const readings = everyMinute(1000, 1050, 0, 1150);
    expect(total(readings)).toBe(150);
    expect(kinds(readings)).toEqual(["spike"]);
  });

  it("counts across a rollover of an acc32 counter", () => {
    const wrap = 2 ** 32;
    // 2^32 − 30 → 20: 30 Wh to the wrap plus 20 after it = 50 Wh.
    const readings = everyMinute(wrap - 80, wrap - 30, 20, 60);
    expect(total(readings, { ...OPTIONS, rolloverAtWh: wrap })).toBe(50 + 50 + 40);
    expect(kinds(readings, { ...OPTIONS, rolloverAtWh: wrap })).toEqual(["rollover"]);
    // Without the rollover configured, the same drop is a reset: only the 20 Wh after it are known.
    expect(total(readings)).toBe(50 + 20 + 40);
  });

  it("rejects a spike above the plausible maximum power", () => {
    // 1000 → 1050 (+50), 999 999 rejected (would be 16 MW), 1050 → 1100 over 2 min (+50): 100 Wh.
    const readings = everyMinute(1000, 1050, 999_999, 1100);
    expect(total(readings)).toBe(100);
    expect(kinds(readings)).toEqual(["spike"]);
    // The same with the spike last: unconfirmed, dropped until a later reading decides.
    expect(total(everyMinute(1000, 1050, 999_999))).toBe(50);
  });

  it("rebaselines on a jump the next reading confirms (meter swapped), leaving the jump out", () => {
    // 1000 → 1050 (+50), jump to 500 000 confirmed by 500 040 (+40): 90 Wh; 498 950 Wh left out.
    const readings = everyMinute(1000, 1050, 500_000, 500_040);
    expect(total(readings)).toBe(90);
    const { events } = counterIncrements(readings, OPTIONS);
    expect(events).toEqual([
      { kind: "rebaseline", time: T0 + 2 * MIN, value: 500_000, reference: 1050, wh: 498_950 },
    ]);
  });

  it("treats a small step back as jitter and never counts the same energy twice", () => {
    // 1000 → 1050 (+50), 1047 (jitter: 0, reference stays 1050), 1060 (+10, not +13): 60 Wh.
    expect(total(everyMinute(1000, 1050, 1047, 1060))).toBe(60);
    expect(kinds(everyMinute(1000, 1050, 1047, 1060))).toEqual([]);
  });

  it("keeps the energy across a gap whole, as one increment over the gap", () => {
    // Silent from minute 1 to minute 181 (3 h): +2000 Wh is plausible (6 kW × 3 h = 18 kWh).
    const readings = [
      { time: T0, value: 1000 },
      { time: T0 + MIN, value: 1010 },
      { time: T0 + 181 * MIN, value: 3010 },
    ];
    const { increments, events } = counterIncrements(readings, OPTIONS);
    expect(increments).toEqual([
      { from: T0, to: T0 + MIN, wh: 10 },
      { from: T0 + MIN, to: T0 + 181 * MIN, wh: 2000 },
    ]);
    expect(events.map((e) => [e.kind, e.wh])).toEqual([["gap", 2000]]);
  });

  it("leaves out what crossed a gap longer than max_gap", () => {
    const readings = [
      { time: T0, value: 1000 },
      { time: T0 + 8 * 24 * H, value: 50_000 },
      { time: T0 + 8 * 24 * H + MIN, value: 50_030 },
    ];
    expect(total(readings)).toBe(30);
    expect(counterIncrements(readings, OPTIONS).events).toEqual([
      { kind: "gap_too_long", time: T0 + 8 * 24 * H, value: 50_000, reference: 1000, wh: 49_000 },
    ]);
  });

  it("ignores readings that are not finite or negative", () => {
    expect(total(everyMinute(1000, Number.NaN, 1050, -3, 1100))).toBe(100);
  });
});

describe("spreading increments into hours", () => {
  it("spreads an increment over the hours it spans, in proportion to time", () => {
    // 2000 Wh from 00:30 to 02:30: 30 min in hour 0, 60 in hour 1, 30 in hour 2 → 500, 1000, 500.
    const bins = spreadIntoBins([{ from: T0 + 30 * MIN, to: T0 + 150 * MIN, wh: 2000 }], T0, H, 3);
    expect(bins).toEqual([500, 1000, 500]);
  });

  it("keeps only the part inside the bins: two windows side by side add up to the whole", () => {
    const inc = [{ from: T0 + 30 * MIN, to: T0 + 150 * MIN, wh: 2000 }];
    const left = spreadIntoBins(inc, T0 - H, H, 2); // hours -1 and 0
    const right = spreadIntoBins(inc, T0 + H, H, 4); // hours 1 to 4
    expect(left).toEqual([0, 500]);
    expect(right).toEqual([1000, 500, 0, 0]);
  });

  it("adds devices together and reports each device's events", () => {
    const series = new Map([
      ["inverter-1", everyMinute(1000, 1050, 1100)],
      ["inverter-2", everyMinute(10, 40, 0, 70)],
    ]);
    const { wh, events } = hourlyEnergy(series, OPTIONS, T0, 2);
    // inverter-1: 100 Wh; inverter-2: +30, 0 dropped as a spike, +30 → 60 Wh; all in hour 0.
    expect(wh).toEqual([160, 0]);
    expect(events.map((e) => [e.device, e.kind])).toEqual([["inverter-2", "spike"]]);
  });

  it("measures completeness per device against the expected interval", () => {
    // Readings per hour: a read 60, 30 and 0 times in hours 0-2; b never.
    const counts = new Map([["a", [60, 30, 0]]]);
    // Hours 0-2 at one reading a minute: 180 expected; a has 90 (0.5), b none (0) → 0.25.
    expect(completeness(counts, ["a", "b"], 0, 3, MIN)).toBeCloseTo(0.25, 9);
    // Hours 0-1 read every 10 s would be 720: a has 90 → 0.125; at 2 minutes, 60 expected: capped at 1.
    expect(completeness(counts, ["a"], 0, 2, 10_000)).toBeCloseTo(0.125, 9);
    expect(completeness(counts, ["a"], 0, 2, 2 * MIN)).toBe(1);
  });
});
