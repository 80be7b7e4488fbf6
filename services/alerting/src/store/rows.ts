/** Conversions between the engine's objects and the rows of schema.ts. */
import type { Delivery } from "../delivery/types.js";
import type { Alert, AlertState, Notification, Severity, Silence, SilenceMatchers } from "../engine/types.js";

export interface AlertRow {
  id: string;
  fingerprint: string;
  rule: string;
  institution: string;
  device: string;
  subject: string;
  state: AlertState;
  severity: Severity;
  active_since: number;
  firing_since: number | null;
  resolved_at: number | null;
  clear_since: number | null;
  last_seen_at: number;
  detail: string;
  acked_by: string | null;
  acked_at: number | null;
  ack_comment: string | null;
  notified_at: number | null;
  last_notified_at: number | null;
  notified_severity: Severity | null;
  notify_count: number;
}

export const ALERT_COLUMNS = [
  "id",
  "fingerprint",
  "rule",
  "institution",
  "device",
  "subject",
  "state",
  "severity",
  "active_since",
  "firing_since",
  "resolved_at",
  "clear_since",
  "last_seen_at",
  "detail",
  "acked_by",
  "acked_at",
  "ack_comment",
  "notified_at",
  "last_notified_at",
  "notified_severity",
  "notify_count",
] as const satisfies ReadonlyArray<keyof AlertRow>;

export function alertToRow(a: Alert): AlertRow {
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    rule: a.rule,
    institution: a.institution,
    device: a.device,
    subject: a.subject,
    state: a.state,
    severity: a.severity,
    active_since: a.activeSince,
    firing_since: a.firingSince,
    resolved_at: a.resolvedAt,
    clear_since: a.clearSince,
    last_seen_at: a.lastSeenAt,
    detail: JSON.stringify({ evidence: a.evidence, summary: a.summary, action: a.action }),
    acked_by: a.ack?.by ?? null,
    acked_at: a.ack?.at ?? null,
    ack_comment: a.ack?.comment ?? null,
    notified_at: a.notifiedAt,
    last_notified_at: a.lastNotifiedAt,
    notified_severity: a.notifiedSeverity,
    notify_count: a.notifyCount,
  };
}

export function rowToAlert(r: AlertRow): Alert {
  const detail = JSON.parse(r.detail) as Pick<Alert, "evidence" | "summary" | "action">;
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    rule: r.rule,
    institution: r.institution,
    device: r.device,
    subject: r.subject,
    state: r.state,
    severity: r.severity,
    activeSince: r.active_since,
    firingSince: r.firing_since,
    resolvedAt: r.resolved_at,
    clearSince: r.clear_since,
    lastSeenAt: r.last_seen_at,
    evidence: detail.evidence,
    summary: detail.summary,
    action: detail.action,
    ack:
      r.acked_by !== null && r.acked_at !== null
        ? { by: r.acked_by, at: r.acked_at, comment: r.ack_comment ?? "" }
        : null,
    notifiedAt: r.notified_at,
    lastNotifiedAt: r.last_notified_at,
    notifiedSeverity: r.notified_severity,
    notifyCount: r.notify_count,
  };
}

export interface SilenceRow {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
}

export function silenceToRow(s: Silence): SilenceRow {
  return {
    id: s.id,
    matchers: JSON.stringify(s.matchers),
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    created_by: s.createdBy,
    comment: s.comment,
    created_at: s.createdAt,
  };
}

export function rowToSilence(r: SilenceRow): Silence {
  return {
    id: r.id,
    matchers: JSON.parse(r.matchers) as SilenceMatchers,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    createdBy: r.created_by,
    comment: r.comment,
    createdAt: r.created_at,
  };
}

export interface NotificationRow {
  id: string;
  institution: string;
  created_at: number;
  items: string;
}

export function rowToNotification(r: NotificationRow): Notification {
  return {
    id: r.id,
    institution: r.institution,
    createdAt: r.created_at,
    items: JSON.parse(r.items) as Notification["items"],
  };
}

export interface DeliveryRow {
  id: number;
  notification_id: string;
  recipient: string;
  channel: Delivery["channel"];
  address: string;
  language: Delivery["language"];
  min_severity: Severity;
  idempotency_key: string;
  status: Delivery["status"];
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
}

export function rowToDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    notificationId: r.notification_id,
    recipient: r.recipient,
    channel: r.channel,
    address: r.address,
    language: r.language,
    minSeverity: r.min_severity,
    idempotencyKey: r.idempotency_key,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    sentAt: r.sent_at,
  };
}
