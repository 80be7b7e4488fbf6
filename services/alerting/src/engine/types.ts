/**
 * The alert model of the lifecycle engine. A rule says, at each evaluation, whether a condition holds
 * (a `Condition`); the engine turns those answers into alerts with a life of their own: pending for a
 * while, then firing, then resolved, acknowledged and silenced by people, as Prometheus and Alertmanager
 * do (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/).
 */

export const SEVERITIES = ["critical", "major", "minor", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used to order messages and to notice an escalation. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

export const ALERT_STATES = ["pending", "firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** A number (or a name, a list of names) with its unit, as found by a rule ("ratio_pct": 54 %). */
export interface EvidenceValue {
  value: number | string | boolean | string[];
  unit: string;
}

/** A message-catalogue key and the values its text refers to. */
export interface TextRef {
  key: string;
  params: Record<string, string | number>;
}

/**
 * What a rule says about one subject at one evaluation (a `RuleResult` of src/rules/types.ts is one).
 * A subject the rule could not judge has no condition at all, and its alert stays as it is.
 */
export interface Condition {
  rule: string;
  institution: string;
  device: string;
  /** A part of the device (an MPPT input, a sensor), when a rule tells them apart; "" by default. */
  subject?: string;
  severity: Severity;
  /** True: the fault is there; false: the rule judged the subject healthy. */
  active: boolean;
  /** When the condition started, as far as the readings show; the evaluation instant otherwise. */
  since?: number;
  evidence: Record<string, EvidenceValue>;
  summary: TextRef;
  action: TextRef;
}

export interface Acknowledgement {
  by: string;
  at: number;
  comment: string;
}

/** One episode of a condition: from the first evaluation that saw it to its resolution. */
export interface Alert {
  id: string;
  fingerprint: string;
  rule: string;
  institution: string;
  device: string;
  subject: string;
  state: AlertState;
  severity: Severity;
  /** When the condition was first seen, in this episode (epoch ms): the "since when" of messages. */
  activeSince: number;
  /** When the alert went from pending to firing. */
  firingSince: number | null;
  resolvedAt: number | null;
  /** While firing: since when the condition has been seen clear (keep_firing_for). */
  clearSince: number | null;
  /** The last evaluation that saw the condition hold. */
  lastSeenAt: number;
  /** The latest evidence and texts (updated at every evaluation that sees the condition). */
  evidence: Record<string, EvidenceValue>;
  summary: TextRef;
  action: TextRef;
  ack: Acknowledgement | null;
  /** When the first firing notification was planned; null while nobody has been told. */
  notifiedAt: number | null;
  lastNotifiedAt: number | null;
  /** The severity people were last told of: a worse one is told again at once (escalation). */
  notifiedSeverity: Severity | null;
  notifyCount: number;
}

/** Per rule: how long a condition must hold before firing, and how often to remind. */
export interface RuleTiming {
  /** A condition must hold this long before the alert fires (Prometheus `for`); 0 fires at once. */
  forMs: number;
  /** A firing alert stays firing this long after its condition clears (Prometheus `keep_firing_for`). */
  keepFiringForMs: number;
  /** A firing alert nobody acknowledged is notified again after this long (Alertmanager). */
  repeatIntervalMs: number;
}

/** Label equality matchers; every one given must match. */
export interface SilenceMatchers {
  institution?: string;
  rule?: string;
  device?: string;
  subject?: string;
}

export interface Silence {
  id: string;
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
}

export const NOTIFICATION_KINDS = ["firing", "repeat", "escalated", "resolved"] as const;
/** Why an alert is in a notification: first told, reminder, got worse, or fixed. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationItem {
  kind: NotificationKind;
  /** The alert as it was when the notification was decided. */
  alert: Alert;
}

/** What one evaluation has to tell about one institution: one message per recipient and channel. */
export interface Notification {
  id: string;
  institution: string;
  createdAt: number;
  items: NotificationItem[];
}
