/**
 * Daily Legionella check and scald-risk minutes (DOMAIN.md §3: French arrêté of 30 Nov 2005; HSG220).
 * Durations are counted in whole minutes of the day's grid, each run within the local day: a heat cycle
 * that straddles midnight counts its two halves on their own days.
 */
import { MINUTE_MS } from "@jisr/core";
import type { DayGrid } from "./local-day.js";
import { knownCount, longestRun, type MinuteValues, runsOf } from "./minute-grid.js";
import type { Interval, Verdict } from "./types.js";

export interface HygieneRule {
  allDayMinC: number;
  exposures: readonly { temperatureC: number; minutes: number }[];
}

export interface HygieneRuleResult {
  /** "all day ≥ 55 °C", "60 °C for 60 min". */
  rule: string;
  verdict: Verdict;
  /** Longest run of known minutes at or above the rule's temperature. */
  longestRunMinutes: number;
}

export interface Hygiene {
  /** pass if any rule passed, fail if every rule failed, unknown otherwise. */
  verdict: Verdict;
  rules: HygieneRuleResult[];
}

/** ≥ T all day: one known minute below fails it; passing needs every minute known. */
function allDay(tank: MinuteValues, minC: number): HygieneRuleResult {
  let below = false;
  for (const v of tank) if (v < minC) below = true;
  const complete = knownCount(tank) === tank.length;
  return {
    rule: `all day ≥ ${minC} °C`,
    verdict: below ? "fail" : complete ? "pass" : "unknown",
    longestRunMinutes: longestRun(tank, (v) => v >= minC),
  };
}

/**
 * T for N consecutive minutes: a known run passes it. It fails only if no run could reach N minutes even
 * were every unknown minute hot enough; otherwise the missing data decides, so it is unknown.
 */
function exposure(tank: MinuteValues, temperatureC: number, minutes: number): HygieneRuleResult {
  const known = longestRun(tank, (v) => v >= temperatureC);
  const possible = longestRun(tank, (v) => Number.isNaN(v) || v >= temperatureC);
  return {
    rule: `${temperatureC} °C for ${minutes} min`,
    verdict: known >= minutes ? "pass" : possible < minutes ? "fail" : "unknown",
    longestRunMinutes: known,
  };
}

/** The day's hygiene check from the tank temperature on its minute grid. */
export function hygieneCheck(tank: MinuteValues, rule: HygieneRule): Hygiene {
  const rules = [
    allDay(tank, rule.allDayMinC),
    ...rule.exposures.map((e) => exposure(tank, e.temperatureC, e.minutes)),
  ];
  const verdicts = rules.map((r) => r.verdict);
  const verdict: Verdict = verdicts.includes("pass")
    ? "pass"
    : verdicts.every((v) => v === "fail")
      ? "fail"
      : "unknown";
  return { verdict, rules };
}

export interface ScaldRisk {
  /** Minutes with the mixed outlet ABOVE the threshold. */
  minutes: number;
  /** Minutes with a mixed-outlet reading: the count above is over these only. */
  knownMinutes: number;
  intervals: Interval[];
}

/** Scald-risk minutes on a measured mixed outlet; undefined when the day has no mixed-outlet reading. */
export function scaldRisk(mixed: MinuteValues, day: DayGrid, thresholdC: number): ScaldRisk | undefined {
  const knownMinutes = knownCount(mixed);
  if (knownMinutes === 0) return undefined;
  const runs = runsOf(mixed, 0, mixed.length, (v) => v > thresholdC);
  return {
    minutes: runs.reduce((n, [a, b]) => n + b - a, 0),
    knownMinutes,
    intervals: runs.map(([a, b]) => ({
      start: day.start + a * MINUTE_MS,
      end: day.start + b * MINUTE_MS,
      minutes: b - a,
    })),
  };
}
