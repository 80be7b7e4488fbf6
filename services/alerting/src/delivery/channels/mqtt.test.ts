/** MQTT delivery through the run's private Mosquitto: QoS 1, not retained, the JSON document. */
import { randomBytes } from "node:crypto";
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { mqttUrl } from "../../../../../test/servers/context.js";
import type { MqttConfig } from "../../config/schema.js";
import { condition } from "../../engine/testing/helpers.js";
import { type DeliveryBed, deliveryBed, flushUntil, recipient } from "../testing/bed.js";
import { MqttChannel } from "./mqtt.js";

let bed: DeliveryBed | undefined;
let channel: MqttChannel | undefined;
let subscriber: MqttClient | undefined;
afterEach(async () => {
  bed?.close();
  await channel?.close();
  await subscriber?.endAsync();
});

function mqttChannel(url = mqttUrl()): MqttChannel {
  const config: MqttConfig = {
    url,
    client_id: `jisr-alerting-test-${randomBytes(3).toString("hex")}`,
    timeout: 2000,
  };
  channel = new MqttChannel(config, pino({ level: "silent" }));
  return channel;
}

describe("mqtt", () => {
  it("publishes the message with QoS 1 on the recipient's topic", async () => {
    const topic = `jisr/test/${randomBytes(4).toString("hex")}/alerts`;
    subscriber = await mqtt.connectAsync(mqttUrl(), { clientId: `sub-${randomBytes(3).toString("hex")}` });
    const got: IPublishPacket[] = [];
    subscriber.on("message", (_topic, _payload, packet) => got.push(packet));
    await subscriber.subscribeAsync(topic, { qos: 1 });

    bed = deliveryBed(
      [recipient({ language: "ar", channels: { mqtt_topic: topic } })],
      [condition({ severity: "critical" })],
    );
    await flushUntil(bed.dispatcher({ mqtt: mqttChannel() }), () => got.length === 1);

    const packet = got[0] as IPublishPacket;
    expect(packet.topic).toBe(topic);
    expect(packet.qos).toBe(1);
    expect(packet.retain).toBe(false);
    const body = JSON.parse(packet.payload.toString("utf8")) as Record<string, unknown>;
    expect(body).toMatchObject({
      idempotency_key: bed.store.deliveries()[0]?.idempotencyKey,
      language: "ar",
      institution: { id: "ehpad-ben-guerir", name: "دار المسنين بن جرير" },
      subject: "[حرج] تنبيه في دار المسنين بن جرير",
    });
    expect(bed.store.deliveries()[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("keeps the message for a retry when the broker cannot be reached", async () => {
    bed = deliveryBed([recipient({ channels: { mqtt_topic: "jisr/alerts/nobody" } })]);
    await bed.dispatcher({ mqtt: mqttChannel("mqtt://127.0.0.1:9") }).flush();
    const [delivery] = bed.store.deliveries();
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect(delivery?.lastError).toMatch(/^MQTT mqtt:\/\/127\.0\.0\.1:9 topic "jisr\/alerts\/nobody": /);
  });
});
