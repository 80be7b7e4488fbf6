/**
 * The MQTT uplink end to end, every part real: gateway MqttSender → Mosquitto → `jisr ingest`'s MQTT
 * consumer (startIngestion with `mqtt`) → influxd. The broker is stopped for a while in the middle of the
 * run and started again on the same port: every reading still arrives, exactly once in the database.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store/influx-store";
import { addToken } from "@jisr/ingestion";
import { type IngestionServer, startIngestion } from "@jisr/ingestion/server";
import { pino } from "pino";
import { afterEach, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { type RestartableMosquitto, startRestartableMosquitto } from "../mqtt/testing/mosquitto.js";
import { MemoryOutbox } from "./memory-outbox.js";
import { MqttSender } from "./mqtt-sender.js";

const T0 = Date.UTC(2026, 10, 29, 9, 0, 0);
const institution = "ehpad-ben-guerir";
const reading = (n: number): Point => ({
  measurement: "pv_inverter",
  tags: { institution, device: `inv-${n % 3}` },
  fields: { power_w: n },
  time: T0 + n * 1000,
});

let broker: RestartableMosquitto | undefined;
let ingestion: IngestionServer | undefined;
let sender: MqttSender | undefined;
const stores: InfluxStore[] = [];
afterEach(async () => {
  await sender?.stop(500);
  await ingestion?.close();
  for (const s of stores.splice(0)) await s.close();
  await broker?.close();
});

it("delivers every reading through a broker that goes away for a while", async () => {
  broker = await startRestartableMosquitto();
  const database = uniqueDatabase("mqtt_uplink");
  const tokensFile = join(mkdtempSync(join(tmpdir(), "jisr-mqtt-e2e-")), "tokens.json");
  const { token } = await addToken(tokensFile, institution);
  const store = new InfluxStore({ url: influxUrl(), database });
  const check = new InfluxStore({ url: influxUrl(), database });
  stores.push(store, check);
  ingestion = await startIngestion({
    store,
    tokensFile,
    host: "127.0.0.1",
    port: 0,
    logger: false,
    mqtt: {
      url: broker.url,
      topic: "jisr/+/+/points",
      group: "jisr-ingest",
      clientId: "ingest-e2e",
      state: { path: join(tokensFile, "..", "mqtt-state.sqlite") },
    },
  });
  const consumer = ingestion.mqtt;
  await vi.waitFor(() => expect(consumer?.status().connected).toBe(true), { timeout: 10_000 });

  const outbox = new MemoryOutbox(100_000);
  const s = new MqttSender({
    url: broker.url,
    institution,
    gatewayId: "gw-e2e",
    token,
    batchMaxPoints: 20,
    flushIntervalMs: 100,
    timeoutMs: 3000,
    outbox,
    logger: pino({ level: "silent" }),
    reconnect: { initialMs: 100, maxMs: 500 },
    refusedRetry: { initialMs: 100, maxMs: 500 },
  });
  sender = s;
  s.start();

  // A gateway polling: a few readings every 50 ms, whatever the state of the link.
  let next = 1;
  const poll = (until: number) => {
    while (next <= until) outbox.enqueue([reading(next++)]);
  };
  const pollFor = async (readings: number) => {
    const end = next + readings - 1;
    while (next <= end) {
      poll(Math.min(end, next + 4));
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  await pollFor(60);
  await vi.waitFor(() => expect(s.status().delivered_points).toBe(60), { timeout: 15_000, interval: 50 });

  await broker.stop();
  await pollFor(100); // two seconds of readings with no broker
  expect(s.status().connected).toBe(false);
  expect(outbox.size()).toBeGreaterThanOrEqual(95);

  await broker.start();
  await pollFor(40);
  await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 30_000, interval: 50 });

  const total = next - 1;
  const stored = async (fn: "count" | "sum") => {
    const series = await check.aggregate({
      measurement: "pv_inverter",
      field: "power_w",
      fn,
      from: T0,
      to: T0 + 86_400_000,
      everyMs: 86_400_000,
      where: { institution },
    });
    return series.flatMap((x) => x.points).reduce((a, p) => a + p.value, 0);
  };
  await vi.waitFor(async () => expect(await stored("count")).toBe(total), { timeout: 30_000, interval: 200 });
  expect(total).toBe(200);
  expect(await stored("sum")).toBe((total * (total + 1)) / 2);
  expect(consumer?.status()).toMatchObject({ refused_batches: {}, holding: false });
});
