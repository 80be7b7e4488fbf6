import { HOUR_MS } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { leavesOutHours, type MeteredCounter, type MeteredEnergy, selfConsumption } from "./metered.js";

const FROM = Date.UTC(2026, 10, 1);

/** A counter from Wh per hour; null: no data in that hour. */
function counter(wh: Array<number | null>): MeteredCounter {
  return {
    energy: { wh: wh.map((x) => x ?? 0), covered: wh.map((x) => x !== null), events: [] },
    counts: new Map(),
    devices: ["d"],
  };
}

function metered(
  pv: Array<number | null>,
  imp: Array<number | null>,
  exp: Array<number | null>,
): MeteredEnergy {
  return {
    from: FROM,
    hours: pv.length,
    readingIntervalMs: 60_000,
    pv: counter(pv),
    import: counter(imp),
    export: counter(exp),
  };
}

describe("self-consumption over the known hours", () => {
  // Four hours: all known; all known and exporting more than PV (meters not aligned); PV without the grid
  // meter; the grid meter without PV.
  const m = metered([1000, 100, 1000, null], [0, 0, null, 700], [300, 200, null, 0]);

  it("counts only the hours with PV and export, and a period is the sum of its hours", () => {
    // 1000 − 300 = 700, and max(0, 100 − 200) = 0; the 3rd hour's 1000 Wh of PV is not self-consumption.
    expect(selfConsumption(m, FROM, FROM + 4 * HOUR_MS)).toEqual({
      selfWh: 700,
      pvWh: 1100,
      exportWh: 500,
      consumptionWh: 700,
    });
    const parts = [0, 1, 2, 3].map((h) => selfConsumption(m, FROM + h * HOUR_MS, FROM + (h + 1) * HOUR_MS));
    expect(parts.map((p) => p?.selfWh)).toEqual([700, 0, undefined, undefined]);
  });

  it("flags the hours with some counters but not all, except the last hour with data", () => {
    expect(leavesOutHours(m, FROM, FROM + 4 * HOUR_MS)).toBe(true);
    expect(leavesOutHours(m, FROM, FROM + 2 * HOUR_MS)).toBe(false);
    // The PV counter's last reading is a few minutes ahead of the meter's: its last hour is not judged, nor
    // the hours after it (no data at all).
    const ahead = metered([1000, 1000, null], [0, null, null], [300, null, null]);
    expect(leavesOutHours(ahead, FROM, FROM + 3 * HOUR_MS)).toBe(false);
    const behind = metered([1000, 1000, 1000, null], [0, null, null, null], [300, null, null, null]);
    expect(leavesOutHours(behind, FROM, FROM + 4 * HOUR_MS)).toBe(true);
  });
});
