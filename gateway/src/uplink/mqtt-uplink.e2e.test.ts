/**
 * The MQTT uplink end to end, every part real: gateway MqttSender → Mosquitto → `jisr ingest`'s MQTT
 * consumer (startIngestion with `mqtt`) → influxd. The broker is stopped for a while in the middle of the
 * run and started again on the same port: every reading still arrives, exactly once in the database.
 * Then a whole gateway (`runGateway`, a simulated SunSpec inverter) whose token ingestion does not know:
 * its batches are quarantined, ingestion's feedback reaches the gateway and `jisr gateway status` says so,
 * and once the token is added the batches are stored.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import {
  addToken,
  generateToken,
  hashToken,
  type IngestionServer,
  readTokensFile,
  startIngestion,
  writeTokensFile,
} from "@jisr/ingestion";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { gatewayStatusCommand } from "../commands/status.js";
import { loadGatewayConfig } from "../config/load.js";
import { type RestartableMosquitto, startRestartableMosquitto } from "../mqtt/testing/mosquitto.js";
import { type GatewayHandle, runGateway } from "../run/gateway.js";
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
let gateway: GatewayHandle | undefined;
let sim: SunspecInverterHandle | undefined;
const stores: InfluxStore[] = [];
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await sim?.close();
  sim = undefined;
  await sender?.stop(500);
  sender = undefined;
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

it("shows in `jisr gateway status` the batches ingestion quarantined for an unknown token, and stores them once it is added", async () => {
  broker = await startRestartableMosquitto();
  const database = uniqueDatabase("mqtt_feedback");
  const dir = mkdtempSync(join(tmpdir(), "jisr-mqtt-feedback-"));
  const tokensFile = join(dir, "tokens.json");
  await addToken(tokensFile, institution); // another gateway's
  const token = generateToken(); // this gateway's, not yet in ingestion's tokens file
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
      group: "",
      clientId: "ingest-feedback",
      state: { path: join(dir, "mqtt-state.sqlite") },
    },
  });
  const consumer = ingestion.mqtt;
  await vi.waitFor(() => expect(consumer?.status().connected).toBe(true), { timeout: 10_000 });

  sim = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
  const config = join(dir, "gateway.yaml");
  writeFileSync(
    config,
    `institution: ${institution}\ngateway_id: gw-fb\ndata_dir: state\n` +
      `uplink: { url: "${broker.url}", flush_interval: 100ms }\n` +
      `devices:\n  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }\n`,
  );
  gateway = await runGateway(loadGatewayConfig(config, { JISR_GATEWAY_TOKEN: token }), {
    logger: pino({ level: "silent" }),
    statusIntervalMs: 100,
  });
  const status = () => {
    let out = "";
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } };
    gatewayStatusCommand({ config }, io);
    return out;
  };
  let seen = "";
  await vi.waitFor(
    () => {
      seen = status();
      expect(seen).toMatch(
        /QUARANTINED at ingestion: [1-9]\d* batch\(es\), [1-9]\d* reading\(s\), not stored yet/,
      );
    },
    { timeout: 20_000, interval: 100 },
  );
  expect(seen).toContain(
    "batch(es): unknown token: not in the tokens file (never issued there, or revoked) (JISR_ERR_UNAUTHORIZED)",
  );
  expect(seen).toContain("check uplink.token");
  expect(consumer?.status().quarantine.batches).toBeGreaterThan(0);
  const inverterReadings = async () => {
    const series = await check.aggregate({
      measurement: "pv_inverter",
      field: "power_w",
      fn: "count",
      from: Date.now() - 3_600_000,
      to: Date.now() + 60_000,
      everyMs: 86_400_000,
      where: { institution },
    });
    return series.flatMap((x) => x.points).reduce((a, p) => a + p.value, 0);
  };
  expect(await inverterReadings()).toBe(0); // nothing stored while the token is unknown

  // The fix: the gateway's token is registered. Its quarantined batches are replayed and stored, and the
  // gateway hears that its quarantine is empty.
  const file = await readTokensFile(tokensFile);
  await writeTokensFile(tokensFile, {
    ...file,
    tokens: [
      ...file.tokens,
      { id: "tok_00112233aabb", institution, sha256: hashToken(token), created: new Date().toISOString() },
    ],
  });
  await vi.waitFor(
    () => {
      seen = status();
      expect(seen).toMatch(/quarantine empty: (\d+) of \1 quarantined batch\(es\) replayed/);
    },
    { timeout: 20_000, interval: 100 },
  );
  expect(consumer?.status()).toMatchObject({ quarantine: { batches: 0 } });
  expect(consumer?.status().replayed_points).toBeGreaterThan(0);
  expect(await inverterReadings()).toBeGreaterThan(0);
});
