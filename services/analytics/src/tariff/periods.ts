/**
 * Which time-of-use period an instant falls in (two-period BT, MT).
 *
 * MT periods are defined in GMT, and "if the legal time moves to GMT+1, the periods shift by the same
 * number of hours in the same direction" (DOMAIN.md 1.5). So on the `gmt` clock a window written 17:00-22:00
 * reads 18:00-23:00 on the wall while Morocco is on GMT+1 and 17:00-22:00 during Ramadan (GMT): the legal
 * hour minus the legal offset, i.e. the same UTC hours all year. On the `legal` clock the window is
 * wall-clock time, so its UTC hours move by one when the offset changes. The season is read from the local
 * calendar month in both cases.
 */
import { localParts } from "./local-time.js";
import type { PeriodTable } from "./schema.js";

export const DAY_MINUTES = 24 * 60;

/** "17:30" → 1050; "24:00" → 1440. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether minute-of-day `m` is in [start, end), an end before the start wrapping past midnight. */
export function inWindow(m: number, w: { start: string; end: string }): boolean {
  const [start, end] = [minutesOf(w.start), minutesOf(w.end)];
  const length = end > start ? end - start : end + DAY_MINUTES - start;
  return (((m - start) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES < length;
}

/** The minute of the day on the table's clock, and the local month that picks the season. */
export function clockOf(utcMs: number, clock: PeriodTable["clock"], timeZone: string) {
  const local = localParts(utcMs, timeZone);
  const legalMinute = local.hour * 60 + local.minute;
  // GMT clock: undo the legal shift (+60 on GMT+1, 0 during Ramadan); this is the instant's UTC time of day.
  const minute =
    clock === "gmt" ? (legalMinute - local.offsetMinutes + DAY_MINUTES) % DAY_MINUTES : legalMinute;
  return { minute, month: local.month };
}

/**
 * The period of the sample starting at `utcMs`. A sample is assigned whole by its start, so samples should
 * be no longer than the windows' resolution (hourly samples and windows on whole hours).
 */
export function periodAt(utcMs: number, table: PeriodTable, timeZone: string): string {
  const { minute, month } = clockOf(utcMs, table.clock, timeZone);
  const season = table.seasons.find((s) => s.months.includes(month));
  const window = season?.windows.find((w) => inWindow(minute, w));
  // The schema guarantees full coverage; reaching this means a table built around the schema.
  if (!window) throw new RangeError(`no period covers minute ${minute} of month ${month}`);
  return window.period;
}
