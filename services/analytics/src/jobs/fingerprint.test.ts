import { daysBetween, HOUR_MS, localDay, MOROCCO_TZ } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { firstChangedDay } from "./fingerprint.js";

const hour = (d: number, h: number) => localDay(`2026-11-0${d}`, MOROCCO_TZ).from + h * HOUR_MS;
const DAYS = daysBetween("2026-10-30", "2026-11-08");
const PV = "pv_inverter.energy_wh/inv-1";
const GRID = "grid_meter.energy_import_wh/meter-1";

/** 60 readings in each hour of [from, to) (epoch ms of whole hours). */
function hours(from: number, to: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let t = from; t < to; t += HOUR_MS) out.set(t, 60);
  return out;
}

const sources = (entries: Array<[string, Map<number, number>]>) => new Map(entries);
const join = (...maps: Map<number, number>[]) => new Map(maps.flatMap((m) => [...m]));

describe("firstChangedDay", () => {
  it("goes back to the start of a meter's gap, though the other devices kept reporting", () => {
    // The grid meter is silent from 20:00 on the 5th to 10:00 on the 8th; PV reports all along. Between
    // the passes at 09:00 and 12:00 on the 8th the meter comes back: its energy since 19:59 on the 5th is
    // spread over the gap, so the 5th to the 8th change. (Counted per day for all devices together, the
    // 7th held readings, and the recomputation started there.)
    const before = sources([
      [PV, hours(hour(1, 0), hour(8, 9))],
      [GRID, hours(hour(1, 0), hour(5, 20))],
    ]);
    const now = sources([
      [PV, hours(hour(1, 0), hour(8, 12))],
      [GRID, join(hours(hour(1, 0), hour(5, 20)), hours(hour(8, 10), hour(8, 12)))],
    ]);
    expect(firstChangedDay(DAYS, before, now, MOROCCO_TZ)).toBe("2026-11-05");
  });

  it("stays on the day when the source's reading before the new ones is on that day", () => {
    const before = sources([
      [PV, hours(hour(1, 0), hour(8, 12))],
      [GRID, join(hours(hour(1, 0), hour(5, 20)), hours(hour(8, 10), hour(8, 12)))],
    ]);
    const now = sources([
      [PV, hours(hour(1, 0), hour(8, 13))],
      [GRID, join(hours(hour(1, 0), hour(5, 20)), hours(hour(8, 10), hour(8, 13)))],
    ]);
    expect(firstChangedDay(DAYS, before, now, MOROCCO_TZ)).toBe("2026-11-08");
    // A replay that fills the middle of the 3rd, after readings of the 3rd: the 3rd.
    const gappy = join(hours(hour(1, 0), hour(3, 6)), hours(hour(3, 12), hour(8, 13)));
    const filled = hours(hour(1, 0), hour(8, 13));
    expect(firstChangedDay(DAYS, sources([[PV, gappy]]), sources([[PV, filled]]), MOROCCO_TZ)).toBe(
      "2026-11-03",
    );
  });

  it("is undefined when no count changed, and the window's first day for a source new to the window", () => {
    const same = sources([[PV, hours(hour(1, 0), hour(8, 12))]]);
    expect(firstChangedDay(DAYS, same, same, MOROCCO_TZ)).toBeUndefined();
    // The grid meter's first readings in the window: its reading before is older than the window.
    const now = sources([
      [PV, hours(hour(1, 0), hour(8, 12))],
      [GRID, hours(hour(8, 10), hour(8, 12))],
    ]);
    expect(firstChangedDay(DAYS, same, now, MOROCCO_TZ)).toBe("2026-10-30");
    // An empty hour returned as 0 is no reading.
    const zero = sources([[PV, join(hours(hour(1, 0), hour(8, 12)), new Map([[hour(8, 12), 0]]))]]);
    expect(firstChangedDay(DAYS, same, zero, MOROCCO_TZ)).toBeUndefined();
  });
});
