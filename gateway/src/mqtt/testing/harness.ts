/**
 * For tests: MQTT devices started against a real broker, with the points and log lines they produce
 * collected, and a plain publisher standing in for the devices.
 */
import { randomBytes } from "node:crypto";
import type { Point } from "@jisr/core";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { expect, vi } from "vitest";
import { type MqttConfig, mqttSchema } from "../../config/mqtt-schema.js";
import { type MqttDevicesHandle, type MqttDevicesOptions, startMqttDevices } from "../source.js";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Collecting {
  handle: MqttDevicesHandle;
  points: Point[];
  lines: LogLine[];
  /** Resolves once the broker acknowledged the subscriptions (messages published after it arrive). */
  subscribed(): Promise<void>;
}

/** A topic prefix no other test uses, so tests can share one broker. */
export function uniquePrefix(): string {
  return `jisr-test-${randomBytes(4).toString("hex")}`;
}

/** `config` is the `mqtt:` section as written in a config file (parsed here with the real schema). */
export async function startCollecting(
  config: Record<string, unknown>,
  extra: Partial<MqttDevicesOptions> = {},
): Promise<Collecting> {
  const points: Point[] = [];
  const lines: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  const parsed: MqttConfig = mqttSchema.parse(config);
  const handle = await startMqttDevices(parsed, {
    institution: "ehpad-ben-guerir",
    logger,
    onPoints: (p) => points.push(...p),
    reconnect: { initialMs: 100, maxMs: 500 },
    ...extra,
  });
  const subscribed = () =>
    vi.waitFor(() => expect(handle.status().subscribed).toBe(true), { timeout: 10_000, interval: 20 });
  return { handle, points, lines, subscribed };
}

export function publisher(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
}

/** Publishes in order, each acknowledged by the broker (QoS 1) before the next. */
export async function publishAll(
  client: MqttClient,
  messages: Array<[string, string | object]>,
): Promise<void> {
  for (const [topic, payload] of messages) {
    await client.publishAsync(topic, typeof payload === "string" ? payload : JSON.stringify(payload), {
      qos: 1,
    });
  }
}

/** Points of one series and instant merged into one row, as InfluxDB stores them. */
export function rows(points: readonly Point[]): Point[] {
  const merged = new Map<string, Point>();
  for (const p of points) {
    const key = JSON.stringify([p.measurement, Object.entries(p.tags).sort(), p.time]);
    const row = merged.get(key);
    if (row) Object.assign(row.fields, p.fields);
    else merged.set(key, { ...p, tags: { ...p.tags }, fields: { ...p.fields } });
  }
  return [...merged.values()];
}
