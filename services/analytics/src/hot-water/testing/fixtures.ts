/**
 * Fixture builders for the hot-water tests: synthetic one-minute series on a local day, described in
 * local wall time so that the hand calculations in the tests read like a facility manager's log.
 */
import { localDay, MINUTE_MS, parseDay, wallTimeToUtc } from "@jisr/core";
import type { Sample } from "../types.js";

export const TZ = "Africa/Casablanca";

/** UTC ms of local "HH:MM" on `day` (24:00 = the next midnight). */
export function at(day: string, hhmm: string): number {
  const [y, m, d] = parseDay(day);
  const [h, min] = hhmm.split(":").map(Number);
  return wallTimeToUtc(y, m, d, (h ?? 0) * 60 + (min ?? 0), TZ);
}

/**
 * One reading per minute over the local day, at each minute's start: `value(t)` gets the reading's UTC
 * instant and returns its value, or undefined for "no reading" (a gap).
 */
export function everyMinute<V>(day: string, value: (t: number) => V | undefined): Sample<V>[] {
  const { from: start, to: end } = localDay(day, TZ);
  const out: Sample<V>[] = [];
  for (let t = start; t < end; t += MINUTE_MS) {
    const v = value(t);
    if (v !== undefined) out.push({ time: t, value: v });
  }
  return out;
}

/**
 * A piecewise-constant profile in local time: `[["00:00", 55], ["20:15", 40], ["21:40", 50]]` means 55 °C
 * from midnight, 40 °C from 20:15, 50 °C from 21:40 to the end of the day. `undefined` = no reading.
 */
export function profile(day: string, steps: [string, number | undefined][]): Sample[] {
  const bounds = steps.map(([hhmm, v]) => [at(day, hhmm), v] as const);
  return everyMinute(day, (t) => {
    let value: number | undefined;
    for (const [from, v] of bounds) if (t >= from) value = v;
    return value;
  });
}

/** The same value all day, one reading a minute. */
export function constant(day: string, value: number): Sample[] {
  return everyMinute(day, () => value);
}
