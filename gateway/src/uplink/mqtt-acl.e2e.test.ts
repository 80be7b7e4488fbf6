/**
 * deploy/mosquitto/acl.example, as shipped, on a real Mosquitto with a password file: ingestion may read
 * the batches and write each gateway's feedback; a gateway may write its own batches and read its own
 * feedback, and nothing of another gateway's. The feedback of a quarantined batch reaches the gateway.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InfluxStore } from "@jisr/core/store";
import { addToken, generateToken, type IngestionServer, startIngestion } from "@jisr/ingestion";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterAll, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { findBinary } from "../../../test/servers/ensure-packages.js";
import { type RestartableMosquitto, startRestartableMosquitto } from "../mqtt/testing/mosquitto.js";
import { MemoryOutbox } from "./memory-outbox.js";
import { MqttSender } from "./mqtt-sender.js";

const ACL = fileURLToPath(new URL("../../../deploy/mosquitto/acl.example", import.meta.url));
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it("lets ingestion write each gateway's feedback and each gateway read only its own", async () => {
  const passwd = findBinary("mosquitto_passwd");
  if (!passwd) throw new Error("mosquitto_passwd is not installed (Debian package: mosquitto)");
  const dir = mkdtempSync(join(tmpdir(), "jisr-mqtt-acl-"));
  // Mosquitto started as root reads its files as the user "mosquitto": mkdtemp's 0700 would hide them.
  chmodSync(dir, 0o755);
  const passwords = join(dir, "passwd");
  const gw1Token = generateToken(); // the broker knows it; ingestion's tokens file does not (yet)
  const gw2Token = generateToken();
  execFileSync(passwd, ["-c", "-b", passwords, "jisr-ingest", "ingest-secret"]);
  execFileSync(passwd, ["-b", passwords, "gw-1", gw1Token]);
  execFileSync(passwd, ["-b", passwords, "gw-2", gw2Token]);
  chmodSync(passwords, 0o644);
  const broker: RestartableMosquitto = await startRestartableMosquitto(
    `password_file ${passwords}\nacl_file ${ACL}`,
  );
  cleanups.push(() => broker.close());

  const tokensFile = join(dir, "tokens.json");
  await addToken(tokensFile, "ehpad-ben-guerir");
  const store = new InfluxStore({ url: influxUrl(), database: uniqueDatabase("mqtt_acl") });
  cleanups.push(() => store.close());
  const ingestion: IngestionServer = await startIngestion({
    store,
    tokensFile,
    host: "127.0.0.1",
    port: 0,
    logger: false,
    mqtt: {
      url: broker.url,
      topic: "jisr/+/+/points",
      group: "",
      clientId: "ingest-acl",
      username: "jisr-ingest",
      password: "ingest-secret",
      state: { path: join(dir, "state.sqlite") },
    },
  });
  cleanups.push(() => ingestion.close());
  await vi.waitFor(() => expect(ingestion.mqtt?.status().connected).toBe(true), { timeout: 10_000 });

  const outbox = new MemoryOutbox(100);
  outbox.enqueue(
    [1, 2, 3].map((n) => ({
      measurement: "pv_inverter",
      tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
      fields: { power_w: n },
      time: T0 + n * 1000,
    })),
  );
  const sender = new MqttSender({
    url: broker.url,
    institution: "ehpad-ben-guerir",
    gatewayId: "gw-1",
    token: gw1Token,
    batchMaxPoints: 10,
    flushIntervalMs: 100,
    timeoutMs: 3000,
    outbox,
    logger: pino({ level: "silent" }),
  });
  cleanups.push(() => sender.stop(500));
  sender.start();
  // Delivered to the broker, quarantined by ingestion (unknown token), and the gateway hears of it.
  await vi.waitFor(
    () =>
      expect(sender.status().feedback?.quarantine).toMatchObject({
        batches: 1,
        points: 3,
        reasons: [{ code: "JISR_ERR_UNAUTHORIZED" }],
      }),
    { timeout: 20_000, interval: 100 },
  );
  expect(outbox.size()).toBe(0);

  // gw-1 may not read gw-2's feedback (Mosquitto grants the subscription but delivers nothing), publish as
  // gw-2, nor forge its own feedback.
  const as = async (username: string, password: string) => {
    const client = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      username,
      password,
    });
    cleanups.push(() => client.endAsync(true));
    const received: string[] = [];
    client.on("message", (topic) => received.push(topic));
    return { client, received };
  };
  const gw1 = await as("gw-1", gw1Token);
  const gw2 = await as("gw-2", gw2Token);
  const ingest = await as("jisr-ingest", "ingest-secret");
  const gw2Feedback = "jisr/foyer-sidi-bennour/gw-2/feedback";
  await gw1.client.subscribeAsync(gw2Feedback, { qos: 1 });
  await gw2.client.subscribeAsync(gw2Feedback, { qos: 1 });
  await ingest.client.publishAsync(gw2Feedback, "{}", { qos: 1 });
  await vi.waitFor(() => expect(gw2.received).toEqual([gw2Feedback]), { timeout: 10_000 });
  expect(gw1.received).toEqual([]);
  await expect(
    gw1.client.publishAsync("jisr/ehpad-ben-guerir/gw-1/feedback", "{}", { qos: 1 }),
  ).rejects.toMatchObject({ code: 135 });
  // A new connection: after a refused PUBLISH, Mosquitto 2.0.11 answered no further one on the same.
  const gw1Again = await as("gw-1", gw1Token);
  await expect(
    gw1Again.client.publishAsync("jisr/foyer-sidi-bennour/gw-2/points", "{}", { qos: 1 }),
  ).rejects.toMatchObject({ code: 135 });
});
