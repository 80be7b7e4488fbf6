/**
 * A way to reach people: webhook, e-mail or MQTT. `send` either delivers or throws a DeliveryError that
 * says whether trying again may help (a 503, a dropped connection) or not (a 404, a refused address).
 */
import type { RenderedMessage } from "../render.js";
import type { ChannelKind, Delivery } from "../types.js";

export interface OutgoingMessage {
  delivery: Delivery;
  rendered: RenderedMessage;
  /** The JSON document for machine channels (webhook body, MQTT payload). */
  payload: Record<string, unknown>;
}

export interface Channel {
  readonly kind: ChannelKind;
  send(message: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
