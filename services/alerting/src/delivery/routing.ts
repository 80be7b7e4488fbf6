/**
 * Routing by institution: each notification goes to every recipient covering its institution, over each
 * of the recipient's channels, in the recipient's language. Decided with the evaluation (pure), so the
 * notification log says who was meant to get what even if the config changes later.
 */
import type { RecipientConfig } from "../config/schema.js";
import { type Notification, SEVERITY_RANK, type Severity } from "../engine/types.js";
import type { ChannelKind, PlannedDelivery } from "./types.js";

export function covers(recipient: Pick<RecipientConfig, "institutions">, institution: string): boolean {
  return recipient.institutions.includes("*") || recipient.institutions.includes(institution);
}

export function itemsFor<T extends { alert: { severity: Severity } }>(
  items: readonly T[],
  min: Severity,
): T[] {
  return items.filter((i) => SEVERITY_RANK[i.alert.severity] >= SEVERITY_RANK[min]);
}

function addresses(r: RecipientConfig): Array<[ChannelKind, string]> {
  const out: Array<[ChannelKind, string]> = [];
  if (r.channels.email) out.push(["email", r.channels.email]);
  if (r.channels.webhook) out.push(["webhook", r.channels.webhook]);
  if (r.channels.mqtt_topic) out.push(["mqtt", r.channels.mqtt_topic]);
  return out;
}

export function route(notification: Notification, recipients: readonly RecipientConfig[]): PlannedDelivery[] {
  return recipients
    .filter((r) => covers(r, notification.institution))
    .filter((r) => itemsFor(notification.items, r.min_severity).length > 0)
    .flatMap((r) =>
      addresses(r).map(([channel, address]) => ({
        notificationId: notification.id,
        recipient: r.id,
        channel,
        address,
        language: r.language,
        minSeverity: r.min_severity,
        idempotencyKey: `${notification.id}.${r.id}.${channel}`,
      })),
    );
}
