/**
 * The gateway's uplink: HTTP to the ingestion service (sender.ts), or MQTT to a central broker
 * (mqtt-sender.ts) when uplink.url is mqtt(s)://. Both take points from the same outbox, oldest first,
 * and let them go only on the other side's acknowledgement (HTTP 2xx, MQTT PUBACK).
 */
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import type { MqttSenderStatus } from "../uplink/mqtt-sender.js";
import type { Outbox } from "../uplink/outbox.js";
import { Sender, type SenderStatus } from "../uplink/sender.js";

export interface Uplink {
  start(): void;
  flush(): Promise<void>;
  stop(deadlineMs: number): Promise<void>;
  status(): SenderStatus | MqttSenderStatus;
}

export interface UplinkOptions {
  outbox: Outbox;
  logger: Logger;
  /** Backoff after a failure that may pass by itself (tests shorten it). */
  retry?: { initialMs: number; maxMs: number };
}

/** uplink.retry_max_delay when a caller builds the config by hand. */
const DEFAULT_RETRY_MAX_MS = 30_000;

/** mqtt:// or mqtts://: the MQTT uplink (checked here so the HTTP uplink never loads the MQTT client). */
function isMqttUrl(url: string): boolean {
  return /^mqtts?:\/\//i.test(url);
}

/** The uplink for `config.uplink.url`; the MQTT sender (and the mqtt package) is loaded only when used. */
export async function createUplink(config: GatewayConfig, o: UplinkOptions): Promise<Uplink> {
  const { uplink } = config;
  const common = {
    url: uplink.url,
    token: uplink.token,
    gatewayId: config.gateway_id,
    batchMaxPoints: uplink.batch_max_points,
    flushIntervalMs: uplink.flush_interval,
    timeoutMs: uplink.timeout,
    outbox: o.outbox,
    logger: o.logger,
  };
  // Capped (uplink.retry_max_delay, 30 s by default): after a long outage the gateway must send again
  // soon after the server is back, not after a backoff that kept doubling while it was away.
  const retry = o.retry ?? { initialMs: 1000, maxMs: uplink.retry_max_delay ?? DEFAULT_RETRY_MAX_MS };
  if (isMqttUrl(uplink.url)) {
    const { MqttSender } = await import("../uplink/mqtt-sender.js");
    return new MqttSender({
      ...common,
      institution: config.institution,
      ...(uplink.mqtt_topic !== undefined && { topic: uplink.mqtt_topic }),
      reconnect: retry,
    });
  }
  return new Sender({ ...common, retry });
}
