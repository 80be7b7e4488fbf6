import { describe, expect, it } from "vitest";
import { knownCount, runsOf, toMinutes } from "./minute-grid.js";

const T0 = Date.UTC(2026, 5, 10, 5, 0); // any minute boundary
const min = (n: number) => T0 + n * 60_000;
const HOLD = 5 * 60_000;
const values = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? "?" : v));

describe("readings on a minute grid", () => {
  it("a reading holds for the hold time, then the minutes are unknown", () => {
    // Reading at minute 1: minutes 1..5 (midpoints 1:30 .. 5:30, all < 1:00 + 5:00 = 6:00) know it.
    const grid = toMinutes([{ time: min(1), value: 50 }], T0, 8, HOLD);
    expect(values(grid)).toEqual(["?", 50, 50, 50, 50, 50, "?", "?"]);
    expect(knownCount(grid)).toBe(5);
  });

  it("takes the latest reading at or before each minute's midpoint", () => {
    const grid = toMinutes(
      [
        { time: min(0), value: 40 },
        { time: min(1) + 20_000, value: 41 }, // before 1:30: counts for minute 1
        { time: min(2) + 40_000, value: 42 }, // after 2:30: counts for minute 3 only
      ],
      T0,
      4,
      HOLD,
    );
    expect(values(grid)).toEqual([40, 41, 41, 42]);
  });

  it("an invalid reading hides the one before it; booleans count 1/0; order does not matter", () => {
    const grid = toMinutes(
      [
        { time: min(2), value: true },
        { time: min(0), value: false },
        { time: min(3), value: Number.NaN },
        { time: min(4), value: 1 },
      ],
      T0,
      5,
      HOLD,
    );
    expect(values(grid)).toEqual([0, 0, 1, "?", 1]);
  });

  it("starts from readings older than the period if they still hold", () => {
    const grid = toMinutes([{ time: min(-3), value: 48 }], T0, 3, HOLD);
    expect(values(grid)).toEqual([48, 48, "?"]);
  });

  it("finds runs", () => {
    const grid = Float64Array.from([1, 1, Number.NaN, 0, 1, 1, 1]);
    expect(runsOf(grid, 0, 7, (v) => v === 1)).toEqual([
      [0, 2],
      [4, 7],
    ]);
    expect(runsOf(grid, 1, 5, Number.isNaN)).toEqual([[2, 3]]);
  });
});
