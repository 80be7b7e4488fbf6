/**
 * Who must be told what, after an evaluation: pure, like the lifecycle. Grouping is per institution (one
 * notification lists everything new about an institution in one evaluation), as Alertmanager's
 * `group_by: [institution]`.
 *
 * An alert goes into a notification when it
 * - fires and nobody has been told yet ("firing"): also when a silence that hid it has ended;
 * - is still firing, unacknowledged, and was last told `repeat_interval` ago or more ("repeat");
 * - got worse than what was told ("escalated"), acknowledged or not;
 * - resolved in this evaluation after people were told it fired ("resolved").
 * A silenced alert is never notified, resolutions included: whoever silenced it knows. Nor is an
 * inhibited one (inhibit.ts): the alert that inhibits it is the one people need.
 */
import { type InhibitRule, inhibiting } from "./inhibit.js";
import { silencing } from "./silence.js";
import {
  type Alert,
  type Notification,
  type NotificationItem,
  type NotificationKind,
  type RuleTiming,
  SEVERITY_RANK,
  type Silence,
} from "./types.js";

export interface PlanInput {
  now: number;
  /** Open alerts after the evaluation, and the alerts it resolved. */
  alerts: readonly Alert[];
  silences: readonly Silence[];
  inhibitRules?: readonly InhibitRule[];
  timing(rule: string): RuleTiming;
  newId(): string;
}

export interface Plan {
  notifications: Notification[];
  /** The alerts put into a notification, with their `notified*` fields updated: to be stored. */
  notified: Alert[];
}

function kindOf(alert: Alert, now: number, timing: RuleTiming): NotificationKind | undefined {
  if (alert.state === "resolved")
    return alert.notifiedAt !== null && alert.resolvedAt === now ? "resolved" : undefined;
  if (alert.state !== "firing") return undefined;
  if (alert.notifiedAt === null) return "firing";
  const told = alert.notifiedSeverity;
  if (told !== null && SEVERITY_RANK[alert.severity] > SEVERITY_RANK[told]) return "escalated";
  const last = alert.lastNotifiedAt ?? alert.notifiedAt;
  if (alert.ack === null && now - last >= timing.repeatIntervalMs) return "repeat";
  return undefined;
}

/** The worse of two severities. */
function worst(a: Alert["severity"], b: Alert["severity"] | null): Alert["severity"] {
  return b !== null && SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

function markNotified(alert: Alert, kind: NotificationKind, now: number): Alert {
  if (kind === "resolved") return { ...alert, lastNotifiedAt: now, notifyCount: alert.notifyCount + 1 };
  return {
    ...alert,
    notifiedAt: alert.notifiedAt ?? now,
    lastNotifiedAt: now,
    // The worst severity people were told: a fault that eases (failed → degraded) is not an escalation
    // when it worsens again, and its resolution is told at the severity it was known by.
    notifiedSeverity: worst(alert.severity, alert.notifiedSeverity),
    notifyCount: alert.notifyCount + 1,
  };
}

/** Worst first, then oldest first: the first line of a message is the most urgent. */
function byUrgency(a: NotificationItem, b: NotificationItem): number {
  const resolved = Number(a.kind === "resolved") - Number(b.kind === "resolved");
  if (resolved !== 0) return resolved;
  const severity = SEVERITY_RANK[b.alert.severity] - SEVERITY_RANK[a.alert.severity];
  return severity !== 0 ? severity : a.alert.activeSince - b.alert.activeSince;
}

export function planNotifications(input: PlanInput): Plan {
  const groups = new Map<string, NotificationItem[]>();
  const notified: Alert[] = [];
  for (const alert of input.alerts) {
    const kind = kindOf(alert, input.now, input.timing(alert.rule));
    if (kind === undefined || silencing(alert, input.silences, input.now)) continue;
    if (inhibiting(alert, input.alerts, input.inhibitRules ?? [])) continue;
    const marked = markNotified(alert, kind, input.now);
    notified.push(marked);
    const items = groups.get(alert.institution) ?? [];
    // "Resolved" is told at the severity people knew, not the milder one a fault may pass on its way out.
    const shown =
      kind === "resolved" ? { ...marked, severity: worst(marked.severity, marked.notifiedSeverity) } : marked;
    items.push({ kind, alert: shown });
    groups.set(alert.institution, items);
  }
  const notifications = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([institution, items]) => ({
      id: input.newId(),
      institution,
      createdAt: input.now,
      items: items.sort(byUrgency),
    }));
  return { notifications, notified };
}
