import { gunzipSync } from "node:zlib";
import type { Point } from "@jisr/core";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { uniquePrefix } from "../mqtt/testing/harness.js";
import { startRestartableMosquitto } from "../mqtt/testing/mosquitto.js";
import { MemoryOutbox } from "./memory-outbox.js";
import { MqttSender, type MqttSenderOptions } from "./mqtt-sender.js";

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const point = (n: number): Point => ({
  measurement: "pv_inverter",
  tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
  fields: { power_w: n * 10, state: "MPPT" },
  time: T0 + n * 1000,
});
const points = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => point(from + i));

interface Received {
  topic: string;
  points: Point[];
  properties: Record<string, unknown> | undefined;
}

let sender: MqttSender | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await sender?.stop(200);
  sender = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A central-side subscriber that decodes what arrives. */
async function subscriber(url: string, filter: string, options: IClientOptions = {}) {
  const received: Received[] = [];
  const client: MqttClient = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    reconnectPeriod: 200,
    ...options,
  });
  client.on("message", (topic, payload, packet) => {
    const text = payload[0] === 0x1f ? gunzipSync(payload).toString() : payload.toString();
    received.push({
      topic,
      points: (JSON.parse(text) as { points: Point[] }).points,
      properties: packet.properties,
    });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  return { client, received };
}

function makeSender(url: string, outbox: MemoryOutbox, extra: Partial<MqttSenderOptions> = {}): MqttSender {
  return new MqttSender({
    url,
    institution: "ehpad-ben-guerir",
    gatewayId: `gw-${uniquePrefix()}`,
    token: "jisr_test-token",
    batchMaxPoints: 5,
    flushIntervalMs: 50,
    timeoutMs: 2000,
    outbox,
    logger: pino({ level: "silent" }),
    reconnect: { initialMs: 100, maxMs: 400 },
    refusedRetry: { initialMs: 100, maxMs: 400 },
    random: () => 0,
    ...extra,
  });
}

const until = (check: () => void, timeout = 15_000) => vi.waitFor(check, { timeout, interval: 20 });

describe("MqttSender", () => {
  it("publishes gzipped JSON batches oldest first with the token, and acknowledges them on PUBACK", async () => {
    const topic = `${uniquePrefix()}/ehpad-ben-guerir/gw-1/points`;
    const sub = await subscriber(mqttUrl(), topic);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 12));
    sender = makeSender(mqttUrl(), outbox, { topic });
    sender.start();
    await until(() => expect(outbox.size()).toBe(0));
    await until(() => expect(sub.received).toHaveLength(3));

    expect(sub.received.map((r) => r.points.length)).toEqual([5, 5, 2]);
    expect(sub.received.flatMap((r) => r.points)).toEqual(points(1, 12));
    expect(sub.received[0]?.properties).toMatchObject({
      contentType: "application/json",
      userProperties: { authorization: "Bearer jisr_test-token", "content-encoding": "gzip" },
    });
    expect(sender.status()).toMatchObject({
      connected: true,
      delivered_points: 12,
      delivered_batches: 3,
      failures: 0,
      in_flight_points: 0,
    });
  });

  it("keeps the data while nobody subscribes to the topic (the broker would drop it), then delivers", async () => {
    const topic = `${uniquePrefix()}/ehpad-ben-guerir/gw-1/points`;
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 3));
    const s = makeSender(mqttUrl(), outbox, { topic });
    sender = s;
    s.start();
    await until(() => expect(s.status().failures).toBeGreaterThan(0));
    expect(outbox.size()).toBe(3);
    expect(s.status().last_error).toBe(
      "broker: no subscriber on the topic: is ingestion running with --mqtt-url, and the topic right?",
    );

    const sub = await subscriber(mqttUrl(), topic);
    await until(() => expect(outbox.size()).toBe(0));
    // The broker acknowledges the publish (and the outbox lets the batch go) before it has delivered it to
    // the subscriber: seen once in a full run, the check made at once found nothing received yet.
    await until(() => expect(sub.received.flatMap((r) => r.points)).toEqual(points(1, 3)));
  });

  it("loses nothing while the broker is down for a while, and sends in order once it is back", async () => {
    const broker = await startRestartableMosquitto();
    cleanups.push(() => broker.close());
    const topic = "jisr/ehpad-ben-guerir/gw-1/points";
    // The central consumer keeps a persistent session, as ingestion does: the broker queues for it.
    const session = { clean: false, clientId: "central", properties: { sessionExpiryInterval: 3600 } };
    const sub = await subscriber(broker.url, topic, session);
    const outbox = new MemoryOutbox(1000);
    const s = makeSender(broker.url, outbox, { gatewayId: "gw-1" });
    sender = s;
    s.start();
    outbox.enqueue(points(1, 4));
    await until(() => expect(sub.received.flatMap((r) => r.points)).toEqual(points(1, 4)));

    await broker.stop();
    await until(() => expect(s.status().connected).toBe(false));
    outbox.enqueue(points(5, 17)); // readings keep coming while the broker is away
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.size()).toBe(13);

    await broker.start();
    await until(() => expect(outbox.size()).toBe(0));
    await until(() => expect(sub.received.flatMap((r) => r.points)).toEqual(points(1, 17)));
    expect(s.status()).toMatchObject({ connected: true, delivered_points: 17, failures: 0 });
  });

  it("sends smaller batches when the broker takes smaller packets than a batch", async () => {
    const broker = await startRestartableMosquitto("max_packet_size 3000");
    cleanups.push(() => broker.close());
    const topic = "jisr/ehpad-ben-guerir/gw-1/points";
    const sub = await subscriber(broker.url, topic);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 40)); // about 4.5 kB of JSON per 40 points
    sender = makeSender(broker.url, outbox, { gatewayId: "gw-1", gzip: false, batchMaxPoints: 40 });
    sender.start();
    await until(() => expect(outbox.size()).toBe(0));
    await until(() => expect(sub.received.flatMap((r) => r.points)).toEqual(points(1, 40)));
    expect(Math.max(...sub.received.map((r) => r.points.length))).toBeLessThan(40);
    expect(sender.status().rejected_points).toBe(0);
  });

  it("stops within its deadline when the broker cannot be reached, keeping the data", async () => {
    const broker = await startRestartableMosquitto();
    const url = broker.url;
    await broker.close();
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 3));
    const s = makeSender(url, outbox);
    s.start();
    await until(() => expect(s.status().connection_error).toMatch(/ECONNREFUSED/));
    const started = Date.now();
    await s.stop(300);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outbox.size()).toBe(3);
    expect(s.status()).toMatchObject({ connected: false, delivered_points: 0 });
  });

  it("shows ingestion's feedback in its status, and ignores a feedback message that is not valid", async () => {
    const prefix = uniquePrefix();
    const feedbackTopic = `${prefix}/ehpad-ben-guerir/gw-1/feedback`;
    const central = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 5, reconnectPeriod: 0 });
    cleanups.push(async () => {
      // Retained messages outlive the test: clear them.
      await central.publishAsync(feedbackTopic, "", { qos: 1, retain: true });
      await central.endAsync(true);
    });
    // Retained before the gateway connects: it gets it on subscribing.
    await central.publishAsync(feedbackTopic, JSON.stringify({ format: 1, quarantine: "lots" }), {
      qos: 1,
      retain: true,
    });
    const s = makeSender(mqttUrl(), new MemoryOutbox(10), {
      topic: `${prefix}/ehpad-ben-guerir/gw-1/points`,
    });
    sender = s;
    s.start();
    await until(() => expect(s.status().feedback_error).toMatch(/^institution: /));
    expect(s.status().feedback).toBeUndefined();

    const feedback = {
      format: 1,
      institution: "ehpad-ben-guerir",
      gateway: "gw-1",
      updated_at: T0,
      quarantine: {
        batches: 2,
        points: 10,
        reasons: [
          { code: "JISR_ERR_UNAUTHORIZED", reason: "unknown token", batches: 2, points: 10, last_at: T0 },
        ],
      },
      totals: {
        quarantined_batches: 2,
        quarantined_points: 10,
        replayed_batches: 0,
        replayed_points: 0,
        dropped_batches: 0,
        rejected_batches: 1,
        rejected_points: 1,
      },
      recent_rejections: [
        { at: T0, code: "JISR_ERR_INVALID_BATCH", path: "points.2.fields.x", message: "bad" },
      ],
    };
    await central.publishAsync(feedbackTopic, JSON.stringify(feedback), { qos: 1, retain: true });
    await until(() => expect(s.status().feedback).toEqual(feedback));
    expect(s.status().feedback_error).toBeUndefined();
  });
});
