/**
 * The pure core of the lifecycle: given the open alerts and what the rules say now, the next state of
 * every alert. No I/O and no clock: `now` and the id generator are parameters, so a test can replay any
 * sequence of evaluations.
 *
 * - A condition first seen opens a *pending* alert; it fires once it has held for the rule's `for`
 *   (Prometheus). A condition that clears while pending drops the alert without a trace: flapping never
 *   reaches anyone.
 * - A firing alert resolves when its condition has been clear for `keep_firing_for` (0: at once). If the
 *   condition comes back within that time, the same alert goes on firing.
 * - One open alert per fingerprint; after resolution the next episode is a new alert.
 * - Only an explicit "healthy" answer (`active: false`) clears a condition. A subject the rules could not
 *   judge (no data, night, a rule that failed) keeps its alert as it was: missing data never resolves an
 *   alert, and never fires one (a pending alert fires only at an evaluation that sees its condition).
 * - `for` counts from when the condition started: the rule's `since` when the readings show it (a
 *   device silent for 40 min has held its condition for 40 min), else the first evaluation that saw it.
 */
import { fingerprint } from "./fingerprint.js";
import { type Alert, type Condition, type RuleTiming, SEVERITY_RANK } from "./types.js";

export interface EvaluationInput {
  now: number;
  conditions: readonly Condition[];
  /** Alerts not yet resolved (pending or firing). */
  open: readonly Alert[];
  timing(rule: string): RuleTiming;
  newId(): string;
}

export interface EvaluationResult {
  /** Alerts created or changed, resolved ones included: to be stored. */
  changed: Alert[];
  /** Pending alerts whose condition cleared before they fired: to be forgotten. */
  dropped: Alert[];
  /** Alerts that resolved in this evaluation (also in `changed`). */
  resolved: Alert[];
}

/** When two results share a fingerprint, the active one of the worst severity speaks. */
function strongest(conditions: readonly Condition[]): Map<string, Condition> {
  const byKey = new Map<string, Condition>();
  for (const c of conditions) {
    const key = fingerprint(c);
    const seen = byKey.get(key);
    const better =
      !seen ||
      (c.active && !seen.active) ||
      (c.active === seen.active && SEVERITY_RANK[c.severity] > SEVERITY_RANK[seen.severity]);
    if (better) byKey.set(key, c);
  }
  return byKey;
}

function opened(c: Condition, key: string, now: number, timing: RuleTiming, id: string): Alert {
  // A `since` in the future (a device clock ahead) counts as now.
  const activeSince = Math.min(c.since ?? now, now);
  const fires = now - activeSince >= timing.forMs;
  return {
    id,
    fingerprint: key,
    rule: c.rule,
    institution: c.institution,
    device: c.device,
    subject: c.subject ?? "",
    state: fires ? "firing" : "pending",
    severity: c.severity,
    activeSince,
    firingSince: fires ? now : null,
    resolvedAt: null,
    clearSince: null,
    lastSeenAt: now,
    evidence: c.evidence,
    summary: c.summary,
    action: c.action,
    ack: null,
    notifiedAt: null,
    lastNotifiedAt: null,
    notifiedSeverity: null,
    notifyCount: 0,
  };
}

/** The condition still holds: refresh what it says, and fire a pending alert whose `for` has passed. */
function held(alert: Alert, c: Condition, now: number, timing: RuleTiming): Alert {
  const next: Alert = {
    ...alert,
    severity: c.severity,
    evidence: c.evidence,
    summary: c.summary,
    action: c.action,
    lastSeenAt: now,
    clearSince: null,
  };
  if (alert.state === "pending" && now - alert.activeSince >= timing.forMs) {
    return { ...next, state: "firing", firingSince: now };
  }
  return next;
}

/** The condition is clear: drop a pending alert, resolve a firing one once keep_firing_for has passed. */
function cleared(alert: Alert, now: number, timing: RuleTiming): Alert | "drop" {
  if (alert.state === "pending") return "drop";
  const clearSince = alert.clearSince ?? now;
  if (now - clearSince >= timing.keepFiringForMs) {
    return { ...alert, state: "resolved", resolvedAt: now, clearSince };
  }
  return { ...alert, clearSince };
}

export function evaluate(input: EvaluationInput): EvaluationResult {
  const { now } = input;
  const conditions = strongest(input.conditions);
  const result: EvaluationResult = { changed: [], dropped: [], resolved: [] };
  const openKeys = new Set<string>();

  for (const alert of input.open) {
    openKeys.add(alert.fingerprint);
    const c = conditions.get(alert.fingerprint);
    const timing = input.timing(alert.rule);
    if (c === undefined) continue;
    if (c.active) {
      result.changed.push(held(alert, c, now, timing));
      continue;
    }
    const next = cleared(alert, now, timing);
    if (next === "drop") result.dropped.push(alert);
    else {
      result.changed.push(next);
      if (next.state === "resolved") result.resolved.push(next);
    }
  }

  for (const [key, c] of conditions) {
    if (!c.active || openKeys.has(key)) continue;
    result.changed.push(opened(c, key, now, input.timing(c.rule), input.newId()));
  }
  return result;
}
