/**
 * Silences, as in Alertmanager: label matchers with a start and an end. A silenced alert still goes
 * through its lifecycle (so the API shows it), but nobody is notified while a silence matches it. When
 * the silence ends, a still-firing alert that was never notified is notified at the next evaluation.
 */
import type { Alert, Silence, SilenceMatchers } from "./types.js";

const MATCHER_KEYS = ["institution", "rule", "device", "subject"] as const satisfies ReadonlyArray<
  keyof SilenceMatchers
>;

export function isSilenceActive(silence: Silence, now: number): boolean {
  return silence.startsAt <= now && now < silence.endsAt;
}

export function silenceMatches(
  matchers: SilenceMatchers,
  alert: Pick<Alert, keyof SilenceMatchers>,
): boolean {
  return MATCHER_KEYS.every((key) => matchers[key] === undefined || matchers[key] === alert[key]);
}

/** The first active silence matching the alert, if any. */
export function silencing(
  alert: Pick<Alert, keyof SilenceMatchers>,
  silences: readonly Silence[],
  now: number,
): Silence | undefined {
  return silences.find((s) => isSilenceActive(s, now) && silenceMatches(s.matchers, alert));
}
