/**
 * Sends local alerts to the recipients on the institution's network: an MQTT topic on a LAN broker
 * and/or a webhook. Each recipient has its own queue, so a dead webhook does not hold the MQTT messages
 * back; a message leaves its queue once the recipient took it (PUBACK, HTTP 2xx), and is retried with a
 * growing delay otherwise, in order. The queue is bounded: alerts are few, and a recipient gone for
 * weeks must not grow the gateway's memory.
 */
import type { MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { LocalAlertsConfig } from "../config/local-schema.js";
import { backoffDelay } from "../util/backoff.js";
import type { LocalAlertMessage } from "./alerts.js";

/** Messages kept per recipient while it cannot be reached; beyond, the oldest are dropped (and logged). */
const MAX_QUEUED = 500;
const RETRY = { initialMs: 1000, maxMs: 60_000 };

interface Recipient {
  name: string;
  send(message: LocalAlertMessage): Promise<void>;
  close(): Promise<void>;
}

interface Lane {
  recipient: Recipient;
  queue: LocalAlertMessage[];
  busy: boolean;
  failures: number;
  retryAt: number;
  lastError?: string;
  delivered: number;
  dropped: number;
}

export interface DeliveryStatus {
  recipient: string;
  queued: number;
  delivered: number;
  dropped: number;
  last_error?: string;
}

export class AlertDelivery {
  readonly #lanes: Lane[];
  readonly #log: Logger;
  #closed = false;

  private constructor(recipients: Recipient[], logger: Logger) {
    this.#lanes = recipients.map((recipient) => ({
      recipient,
      queue: [],
      busy: false,
      failures: 0,
      retryAt: 0,
      delivered: 0,
      dropped: 0,
    }));
    this.#log = logger;
  }

  /** The recipients of the config; the MQTT client is loaded only when an MQTT recipient is set. */
  static async open(config: LocalAlertsConfig, logger: Logger): Promise<AlertDelivery> {
    const recipients: Recipient[] = [];
    if (config.mqtt) recipients.push(await mqttRecipient(config.mqtt, logger));
    if (config.webhook) recipients.push(webhookRecipient(config.webhook));
    return new AlertDelivery(recipients, logger);
  }

  send(messages: readonly LocalAlertMessage[]): void {
    if (messages.length === 0 || this.#closed) return;
    for (const lane of this.#lanes) {
      lane.queue.push(...messages);
      if (lane.queue.length > MAX_QUEUED) {
        const n = lane.queue.length - MAX_QUEUED;
        lane.queue.splice(0, n);
        lane.dropped += n;
        this.#log.warn(
          { recipient: lane.recipient.name, dropped: n },
          "Local alert recipient unreachable for long: oldest alert messages dropped",
        );
      }
    }
    this.pump();
  }

  /** Sends what waits, where the recipient is not busy nor backing off; called on every change and tick. */
  pump(now = Date.now()): void {
    for (const lane of this.#lanes)
      if (!lane.busy && lane.queue.length > 0 && now >= lane.retryAt) void this.#next(lane);
  }

  status(): DeliveryStatus[] {
    return this.#lanes.map((l) => ({
      recipient: l.recipient.name,
      queued: l.queue.length,
      delivered: l.delivered,
      dropped: l.dropped,
      ...(l.lastError !== undefined && { last_error: l.lastError }),
    }));
  }

  /** Tries once more to send what waits (bounded by `deadlineMs`), then closes the connections. */
  async close(deadlineMs = 2000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until && this.#lanes.some((l) => l.queue.length > 0 && l.failures === 0)) {
      this.pump();
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#closed = true;
    await Promise.all(this.#lanes.map((l) => l.recipient.close().catch(() => {})));
  }

  async #next(lane: Lane): Promise<void> {
    const message = lane.queue[0];
    if (!message) return;
    lane.busy = true;
    try {
      await lane.recipient.send(message);
      lane.queue.shift();
      lane.delivered++;
      if (lane.failures > 0)
        this.#log.info({ recipient: lane.recipient.name }, "Local alert recipient reached again");
      lane.failures = 0;
      lane.lastError = undefined;
      this.#log.info(
        { recipient: lane.recipient.name, alert: message.key, status: message.status },
        `Local alert sent: ${message.text}`,
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      lane.failures++;
      const delay = backoffDelay(lane.failures, { ...RETRY, random: Math.random });
      lane.retryAt = Date.now() + delay;
      // One line per kind of failure, not one per attempt.
      if (reason !== lane.lastError)
        this.#log.warn(
          { recipient: lane.recipient.name, queued: lane.queue.length, retry_in_ms: delay },
          `Cannot send a local alert to ${lane.recipient.name} (${reason}); kept, retrying`,
        );
      lane.lastError = reason;
    } finally {
      lane.busy = false;
    }
    if (!this.#closed && lane.failures === 0) this.pump();
  }
}

function webhookRecipient(config: NonNullable<LocalAlertsConfig["webhook"]>): Recipient {
  return {
    name: `webhook ${new URL(config.url).origin}`,
    async send(message) {
      const res = await fetch(config.url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "user-agent": "jisr-gateway" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(config.timeout),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
    close: async () => {},
  };
}

async function mqttRecipient(
  config: NonNullable<LocalAlertsConfig["mqtt"]>,
  logger: Logger,
): Promise<Recipient> {
  const { connect } = await import("mqtt");
  const url = new URL(config.url);
  const client: MqttClient = connect(config.url, {
    reconnectPeriod: 5000,
    connectTimeout: 10_000,
    clientId: `jisr-gateway-alerts-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    ...(config.username !== undefined && { username: config.username }),
    ...(config.password !== undefined && { password: config.password }),
  });
  client.on("error", (err) => logger.debug({ err }, "Local alert broker error"));
  return {
    name: `mqtt ${url.host} ${config.topic}`,
    async send(message) {
      // Without a connection, fail at once and let the lane back off (the client queues offline
      // publishes itself, but then a message would wait in two places).
      if (!client.connected) throw new Error("not connected to the broker");
      await client.publishAsync(config.topic, JSON.stringify(message), { qos: 1, retain: false });
    },
    close: () => client.endAsync(true).then(() => undefined),
  };
}
