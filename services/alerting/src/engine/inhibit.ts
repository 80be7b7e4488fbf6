/**
 * Inhibition, as Alertmanager's inhibit_rules: while a *source* alert fires, *target* alerts with the same
 * labels are not notified. One fault often trips several rules: an inverter in FAULT also produces
 * nothing in daylight; the technician needs the cause once, not every symptom. An inhibited alert still
 * goes through its lifecycle and shows in the API; if it outlives its source, it is notified then.
 */
import type { Alert } from "./types.js";

export interface InhibitRule {
  /** Rules whose firing alerts inhibit. */
  source: readonly string[];
  /** Rules whose alerts are inhibited. */
  target: readonly string[];
  /** Labels that must be equal between source and target. */
  equal: ReadonlyArray<"institution" | "device" | "subject">;
}

/** The firing alert that inhibits `alert`, if any (never itself). */
export function inhibiting(
  alert: Alert,
  alerts: readonly Alert[],
  rules: readonly InhibitRule[],
): Alert | undefined {
  for (const r of rules) {
    if (!r.target.includes(alert.rule)) continue;
    const source = alerts.find(
      (s) =>
        s.id !== alert.id &&
        s.state === "firing" &&
        r.source.includes(s.rule) &&
        r.equal.every((label) => s[label] === alert[label]),
    );
    if (source) return source;
  }
  return undefined;
}
