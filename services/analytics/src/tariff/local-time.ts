/**
 * The tariff module's view of local time: core's Intl-based helpers (core/src/time/local-time.ts), which
 * know Africa/Casablanca's switch to GMT during Ramadan, under the names the tariff code uses.
 */
import { localMonth, offsetMinutes } from "@jisr/core";

export { isTimeZone, type LocalParts, localParts } from "@jisr/core";

export const offsetMinutesAt = offsetMinutes;

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** [start, end) of a local calendar month as UTC instants: local midnight of the 1st to that of the next. */
export function monthBounds(month: string, timeZone: string): { startMs: number; endMs: number } {
  if (!MONTH_PATTERN.test(month)) throw new RangeError(`month "${month}" is not YYYY-MM`);
  const { from, to } = localMonth(month, timeZone);
  return { startMs: from, endMs: to };
}
