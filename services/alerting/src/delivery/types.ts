/** The notification log's unit: one message of one notification, to one recipient, over one channel. */
import type { Language } from "../config/schema.js";
import type { Notification, Severity } from "../engine/types.js";

export const CHANNELS = ["email", "webhook", "mqtt"] as const;
export type ChannelKind = (typeof CHANNELS)[number];

export const DELIVERY_STATUSES = ["pending", "sent", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Decided with the evaluation, in the same transaction: where, in which language, under which key. */
export interface PlannedDelivery {
  notificationId: string;
  recipient: string;
  channel: ChannelKind;
  /** The e-mail address, webhook URL or MQTT topic. */
  address: string;
  language: Language;
  /** Items below this severity are left out of this recipient's message. */
  minSeverity: Severity;
  /** Sent with the message (header, payload): a receiver seeing it twice knows it is the same message. */
  idempotencyKey: string;
}

export interface Delivery extends PlannedDelivery {
  id: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
}

export interface DueDelivery {
  delivery: Delivery;
  notification: Notification;
}
