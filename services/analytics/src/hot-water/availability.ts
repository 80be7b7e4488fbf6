/**
 * Hot-water availability (DOMAIN.md §3.1, D): the share of demand-window minutes during which the tank
 * outlet is at or above the service temperature, over the minutes WITH data. Minutes without data are
 * unknown: they are reported, never counted as available or unavailable.
 */
import { MINUTE_MS } from "@jisr/core";
import { type DayGrid, wallTime } from "./local-day.js";
import { type MinuteValues, runsOf } from "./minute-grid.js";
import { minuteOfDay } from "./settings-schema.js";
import type { Interval } from "./types.js";

export interface DemandWindow {
  start: string;
  end: string;
}

export interface WindowAvailability {
  /** "06:00-09:00", local legal time. */
  window: string;
  start: number;
  end: number;
  minutes: number;
  availableMinutes: number;
  unavailableMinutes: number;
  unknownMinutes: number;
  /** When residents had no hot water: runs of minutes below the service temperature. */
  shortfalls: Interval[];
  /** Runs of minutes without data. */
  gaps: Interval[];
}

export interface Availability {
  windowMinutes: number;
  availableMinutes: number;
  unavailableMinutes: number;
  unknownMinutes: number;
  /** available / (available + unavailable) × 100; absent when no window minute has data. */
  availabilityPct?: number;
  windows: WindowAvailability[];
}

function toIntervals(runs: [number, number][], periodStart: number): Interval[] {
  return runs.map(([a, b]) => ({
    start: periodStart + a * MINUTE_MS,
    end: periodStart + b * MINUTE_MS,
    minutes: b - a,
  }));
}

/** The minute indexes [lo, hi) of a local window on the period's day (clock changes included). */
function windowIndexes(w: DemandWindow, day: DayGrid, timeZone: string): [number, number] {
  const at = (hhmm: string) => {
    const index = (wallTime(day, minuteOfDay(hhmm), timeZone) - day.start) / MINUTE_MS;
    return Math.min(day.minutes, Math.max(0, Math.round(index)));
  };
  return [at(w.start), at(w.end)];
}

function windowAvailability(
  outlet: MinuteValues,
  day: DayGrid,
  [lo, hi]: [number, number],
  label: string,
  serviceC: number,
): WindowAvailability {
  let available = 0;
  let unavailable = 0;
  for (let i = lo; i < hi; i++) {
    const v = outlet[i] as number;
    if (Number.isNaN(v)) continue;
    if (v >= serviceC) available++;
    else unavailable++;
  }
  return {
    window: label,
    start: day.start + lo * MINUTE_MS,
    end: day.start + hi * MINUTE_MS,
    minutes: hi - lo,
    availableMinutes: available,
    unavailableMinutes: unavailable,
    unknownMinutes: hi - lo - available - unavailable,
    shortfalls: toIntervals(
      runsOf(outlet, lo, hi, (v) => v < serviceC),
      day.start,
    ),
    gaps: toIntervals(runsOf(outlet, lo, hi, Number.isNaN), day.start),
  };
}

/** Availability over one local day, from the outlet temperature on that day's minute grid. */
export function availability(
  outlet: MinuteValues,
  day: DayGrid,
  windows: readonly DemandWindow[],
  serviceC: number,
  timeZone: string,
): Availability {
  const perWindow = windows.map((w) =>
    windowAvailability(outlet, day, windowIndexes(w, day, timeZone), `${w.start}-${w.end}`, serviceC),
  );
  const sum = (key: "minutes" | "availableMinutes" | "unavailableMinutes" | "unknownMinutes") =>
    perWindow.reduce((acc, w) => acc + w[key], 0);
  const result: Availability = {
    windowMinutes: sum("minutes"),
    availableMinutes: sum("availableMinutes"),
    unavailableMinutes: sum("unavailableMinutes"),
    unknownMinutes: sum("unknownMinutes"),
    windows: perWindow,
  };
  const known = result.availableMinutes + result.unavailableMinutes;
  if (known > 0) result.availabilityPct = (result.availableMinutes / known) * 100;
  return result;
}
