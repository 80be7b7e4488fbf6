/**
 * The JSON document of a message (webhook body, MQTT payload): the rendered texts for people, and the
 * same facts as data for programs (a ticketing system, a dashboard). `idempotency_key` is stable across
 * retries and restarts: a receiver that has seen it can drop the copy.
 */
import type { Notification } from "../engine/types.js";
import type { RenderedMessage } from "./render.js";
import type { Delivery } from "./types.js";

export function messagePayload(
  n: Notification,
  delivery: Delivery,
  rendered: RenderedMessage,
  institutionName: string,
): Record<string, unknown> {
  return {
    idempotency_key: delivery.idempotencyKey,
    notification_id: n.id,
    created_at: new Date(n.createdAt).toISOString(),
    recipient: delivery.recipient,
    language: rendered.language,
    institution: { id: n.institution, name: institutionName },
    subject: rendered.subject,
    text: rendered.text,
    alerts: rendered.items.map((i) => ({
      id: i.alertId,
      kind: i.kind,
      rule: i.rule,
      severity: i.severity,
      device: i.device,
      subject: i.subject,
      since: i.sinceUtc,
      since_local: i.since,
      ...(i.resolvedAtUtc !== undefined && { resolved_at: i.resolvedAtUtc, resolved_local: i.resolvedAt }),
      summary: i.what,
      action: i.action,
      evidence: i.evidence.map(({ key, name, value, unit }) => ({ key, name, value, unit })),
    })),
  };
}
