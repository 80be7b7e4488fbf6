/**
 * A local day as the hot-water code walks it: its UTC bounds and its real length in minutes. Days come
 * from @jisr/core/time/local-time (Intl knows Africa/Casablanca's Ramadan switches, at 03:00 → 02:00 and
 * 02:00 → 03:00), so a day lasts 1500 or 1380 minutes on those two nights: never assume 1440.
 */
import { localDay, MINUTE_MS, parseDay, wallTimeToUtc } from "@jisr/core";

export interface DayGrid {
  /** "2026-02-15". */
  readonly label: string;
  /** UTC ms of local midnight. */
  readonly start: number;
  /** UTC ms of the next local midnight (excluded). */
  readonly end: number;
  readonly minutes: number;
}

// Days never change: a job computing 40 institutions × 31 days asks Intl for each day once, not 40 times.
const grids = new Map<string, DayGrid>();

/** The local day "YYYY-MM-DD" in `timeZone`; throws a RangeError naming the text if it is not a day. */
export function dayGrid(day: string, timeZone: string): DayGrid {
  const key = `${timeZone} ${day}`;
  let grid = grids.get(key);
  if (!grid) {
    const { from, to } = localDay(day, timeZone);
    grid = Object.freeze({ label: day, start: from, end: to, minutes: (to - from) / MINUTE_MS });
    grids.set(key, grid);
  }
  return grid;
}

/**
 * The UTC instant of a local wall time on the day. A day of exactly 1440 minutes has no clock change
 * (a change makes it 1380 or 1500), so its wall times are plain offsets from midnight; only the two
 * change days a year ask the zone.
 */
export function wallTime(day: DayGrid, minuteOfDay: number, timeZone: string): number {
  if (day.minutes === 1440) return day.start + minuteOfDay * MINUTE_MS;
  const [y, m, d] = parseDay(day.label);
  return wallTimeToUtc(y, m, d, minuteOfDay, timeZone);
}
