/**
 * The MQTT consumer against the shared Mosquitto and a real influxd: what is stored, what is refused, and
 * that a batch is held (not acknowledged, not lost) while InfluxDB is away.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Point } from "@jisr/core";
import { encodePoints } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import { addToken } from "@jisr/service-kit";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { influxUrl, mqttUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { InitOnUseStore } from "../init-on-use.js";
import { startFakeInflux } from "../testing/fake-influx.js";
import { QUARANTINE_REASON } from "./batch.js";
import { type MqttIngest, type MqttIngestOptions, startMqttIngest } from "./consumer.js";
import { MqttIngestState } from "./state.js";
import { startTcpProxy } from "./testing/tcp-proxy.js";

const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
const A = "ehpad-ben-guerir";
const B = "foyer-sidi-bennour";
const wire = (n: number, extra: Partial<Point> = {}) => ({
  measurement: "pv_inverter",
  tags: { device: "inv-1" },
  fields: { power_w: 100 + n },
  time: T0 + n * 1000,
  ...extra,
});

let tokensFile: string;
let tokenA: string;
let tokenB: string;
beforeAll(async () => {
  tokensFile = join(mkdtempSync(join(tmpdir(), "jisr-mqtt-ingest-")), "tokens.json");
  tokenA = (await addToken(tokensFile, A)).token;
  tokenB = (await addToken(tokensFile, B)).token;
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function influx(url = influxUrl()) {
  const database = uniqueDatabase("mqtt");
  const store = new InfluxStore({ url, database });
  const check = new InfluxStore({ url: influxUrl(), database });
  cleanups.push(
    () => store.close(),
    () => check.close(),
  );
  const stored = async () =>
    (
      await check.latest({
        measurement: "pv_inverter",
        groupBy: ["institution", "device"],
        now: T0 + 3_600_000,
      })
    ).map((r) => ({ tags: r.tags, power_w: r.fields.power_w }));
  return { store: new InitOnUseStore(store), stored, check };
}

async function consumer(prefix: string, store: InitOnUseStore, extra: Partial<MqttIngestOptions> = {}) {
  const c = await startMqttIngest({
    url: mqttUrl(),
    topic: `${prefix}/+/+/points`,
    group: prefix,
    clientId: `ingest-${prefix}-${Math.random().toString(16).slice(2, 8)}`,
    store,
    tokensFile,
    limits: { maxPoints: 1000, maxBytes: 1024 * 1024 },
    state: { path: join(mkdtempSync(join(tmpdir(), "jisr-mqtt-state-")), "state.sqlite") },
    feedbackTopic: `${prefix}/{institution}/{gateway}/feedback`,
    logger: pino({ level: "silent" }),
    retry: { initialMs: 100, maxMs: 500 },
    ...extra,
  });
  cleanups.push(() => c.stop());
  await vi.waitFor(() => expect(c.status().connected).toBe(true), { timeout: 10_000, interval: 20 });
  return c;
}

async function gateway(): Promise<MqttClient> {
  const client = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 5, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

function publish(client: MqttClient, topic: string, body: unknown, token?: string, gzip = true) {
  const json = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return client.publishAsync(topic, gzip ? gzipSync(json) : json, {
    qos: 1,
    properties: token === undefined ? {} : { userProperties: { authorization: `Bearer ${token}` } },
  });
}

const prefix = () => `jisr-ingest-test-${Math.random().toString(16).slice(2, 10)}`;
const until = (check: () => void | Promise<void>, timeout = 15_000) =>
  vi.waitFor(check, { timeout, interval: 50 });
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const done = (c: MqttIngest) => {
  const s = c.status();
  return s.stored_batches + sum(s.refused_batches) + sum(s.quarantined_batches);
};

describe("MQTT ingestion", () => {
  it("stores the good points, keeps the bad ones with their reason, and quarantines batches with a bad token", async () => {
    const p = prefix();
    const db = await influx();
    const c = await consumer(p, db.store);
    await until(() => expect(c.status().subscription).toBe(`$share/${p}/${p}/+/+/points`));
    const gw = await gateway();
    const topicA = `${p}/${A}/gw-1/points`;
    await publish(gw, topicA, { points: [wire(1)] }); // no token
    await publish(gw, topicA, { points: [wire(2)] }, tokenB); // another institution's token
    await publish(gw, topicA, { points: [wire(3, { tags: { device: "inv-1", institution: B } })] }, tokenA);
    await publish(gw, topicA, { points: [wire(4, { fields: { "Power W": 1 } })] }, tokenA);
    await publish(gw, topicA, "{not json", tokenA, false);
    await publish(
      gw,
      topicA,
      { points: [wire(5), { ...wire(6), tags: { device: "inv-2" } }] },
      tokenA,
      false,
    );
    await until(() => expect(done(c)).toBe(6));

    expect(c.status()).toMatchObject({
      // The two batches with one bad point each were stored: 0 good points beside the bad one.
      stored_batches: 3,
      stored_points: 2,
      rejected_points: { JISR_ERR_FORBIDDEN_INSTITUTION: 1, JISR_ERR_INVALID_BATCH: 1 },
      refused_batches: { JISR_ERR_INVALID_JSON: 1 },
      quarantined_batches: { JISR_ERR_UNAUTHORIZED: 1, JISR_ERR_FORBIDDEN_INSTITUTION: 1 },
      quarantined_points: 2,
      quarantine: { batches: 2, points: 2, dropped_batches: 0 },
    });
    expect(await db.stored()).toEqual([
      { tags: { institution: A, device: "inv-1" }, power_w: 105 },
      { tags: { institution: A, device: "inv-2" }, power_w: 106 },
    ]);
    const state = new MqttIngestState({ path: c.status().state_file });
    cleanups.push(async () => state.close());
    expect(state.list().map((e) => [e.code, e.reason, e.points])).toEqual([
      ["JISR_ERR_UNAUTHORIZED", QUARANTINE_REASON.missing, 1],
      [
        "JISR_ERR_FORBIDDEN_INSTITUTION",
        `token of another institution: it belongs to "${B}", the topic names "${A}"`,
        1,
      ],
    ]);
    expect(
      state
        .rejected()
        .map((r) => [r.code, r.path])
        .sort(),
    ).toEqual([
      ["JISR_ERR_FORBIDDEN_INSTITUTION", "points.0.tags.institution"],
      ["JISR_ERR_INVALID_BATCH", "points.0.fields.Power W"],
      ["JISR_ERR_INVALID_JSON", "(batch)"],
    ]);
  });

  it("splits a batch InfluxDB itself refuses (a type it had not told us) until the bad point is alone", async () => {
    const p = prefix();
    const db = await influx();
    const c = await consumer(p, db.store);
    const gw = await gateway();
    await publish(gw, `${p}/${A}/gw-1/points`, { points: [wire(1)] }, tokenA);
    await until(() => expect(c.status().stored_batches).toBe(1));
    // Another writer makes a new field a float after ingestion learnt the measurement's fields.
    await db.check.write([{ ...wire(0), tags: { device: "other", institution: A }, fields: { code: 1 } }]);
    const points = [2, 3, 4, 5].map((n) => wire(n, { tags: { device: `inv-${n}` } }));
    points[1] = { ...(points[1] as Point), fields: { power_w: 1, code: "E7" } };
    await publish(gw, `${p}/${A}/gw-1/points`, { points }, tokenA);
    await until(() => expect(c.status().stored_batches).toBe(2));
    expect(c.status()).toMatchObject({ stored_points: 4, rejected_points: { JISR_ERR_STORE_REJECTED: 1 } });
    expect((await db.stored()).map((r) => r.tags.device).sort()).toEqual([
      "inv-1",
      "inv-2",
      "inv-4",
      "inv-5",
      "other", // the other writer's point
    ]);
    const state = new MqttIngestState({ path: c.status().state_file });
    cleanups.push(async () => state.close());
    expect(state.rejected()).toMatchObject([
      {
        code: "JISR_ERR_STORE_REJECTED",
        path: expect.stringMatching(/^points\.1\b/),
        message: expect.stringMatching(/conflict/),
      },
    ]);
  });

  it("shares the load between instances of one group: each batch is stored once", async () => {
    const p = prefix();
    const db = await influx();
    const [one, two] = [await consumer(p, db.store), await consumer(p, db.store)];
    const gw = await gateway();
    for (let n = 0; n < 10; n++) {
      await publish(
        gw,
        `${p}/${A}/gw-1/points`,
        { points: [wire(n, { tags: { device: `inv-${n}` } })] },
        tokenA,
      );
    }
    await until(() => expect(one.status().stored_batches + two.status().stored_batches).toBe(10));
    expect(one.status().stored_batches).toBeGreaterThan(0);
    expect(two.status().stored_batches).toBeGreaterThan(0);
    expect(await db.stored()).toHaveLength(10);
  });

  it("holds a batch while InfluxDB is away, keeps the connection, and stores everything once it is back", async () => {
    const p = prefix();
    const target = new URL(influxUrl());
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    cleanups.push(() => proxy.close());
    const db = await influx(proxy.url);
    await db.store.init();
    const c = await consumer(p, db.store, { keepaliveSeconds: 1 });
    await proxy.pause();
    const gw = await gateway();
    await publish(gw, `${p}/${A}/gw-1/points`, { points: [wire(1)] }, tokenA);
    await publish(gw, `${p}/${A}/gw-1/points`, { points: [wire(2, { tags: { device: "inv-2" } })] }, tokenA);
    await until(() => expect(c.status().holding).toBe(true));
    // Longer than 1.5 keepalives: the held message must not cost the connection.
    await new Promise((r) => setTimeout(r, 2500));
    expect(c.status()).toMatchObject({ connected: true, connections: 1, stored_batches: 0, holding: true });

    await proxy.resume();
    await until(() => expect(c.status().stored_batches).toBe(2));
    expect(c.status()).toMatchObject({ holding: false, connections: 1, refused_batches: {} });
    expect(await db.stored()).toEqual([
      { tags: { institution: A, device: "inv-1" }, power_w: 101 },
      { tags: { institution: A, device: "inv-2" }, power_w: 102 },
    ]);
  });

  it("holds a batch while InfluxDB refuses ingestion's credentials (401 on /write), and stores it once fixed", async () => {
    const p = prefix();
    const database = uniqueDatabase("mqtt");
    const influx = await startFakeInflux(database);
    cleanups.push(() => influx.close());
    const inner = new InfluxStore({ url: influx.url, database, logger: pino({ level: "silent" }) });
    cleanups.push(() => inner.close());
    const store = new InitOnUseStore(inner);
    await store.init();
    const c = await consumer(p, store);
    influx.mode = "unauthorized"; // the password of ingestion's InfluxDB user was changed
    const gw = await gateway();
    await publish(gw, `${p}/${A}/gw-1/points`, { points: [wire(1), wire(2)] }, tokenA);
    const writes401 = () => influx.requests.filter((r) => r.path === "/write" && r.status === 401);
    await until(() => expect(writes401().length).toBeGreaterThanOrEqual(3));
    expect(c.status()).toMatchObject({ holding: true, stored_batches: 0, refused_batches: {} });
    expect(c.status().last_error).toMatch(/refused \(HTTP 401\): the credentials are wrong/);

    influx.mode = "ok";
    await until(() => expect(c.status().stored_batches).toBe(1));
    const expected = [wire(1), wire(2)].map((w) => ({ ...w, tags: { ...w.tags, institution: A } }));
    expect(influx.lines).toEqual(encodePoints(expected, "ms").split("\n"));
    expect(c.status()).toMatchObject({ holding: false, stored_points: 2, refused_batches: {} });
  });

  it("holds a batch while the database is missing and ingestion may not create it (404), then stores it", async () => {
    const p = prefix();
    const database = uniqueDatabase("mqtt");
    const influx = await startFakeInflux(database, "database-not-found");
    cleanups.push(() => influx.close());
    const inner = new InfluxStore({ url: influx.url, database, logger: pino({ level: "silent" }) });
    cleanups.push(() => inner.close());
    const c = await consumer(p, new InitOnUseStore(inner));
    const gw = await gateway();
    await publish(gw, `${p}/${A}/gw-1/points`, { points: [wire(3)] }, tokenA);
    await until(() =>
      expect(
        influx.requests.filter((r) => r.path === "/write" && r.status === 404).length,
      ).toBeGreaterThanOrEqual(2),
    );
    expect(c.status()).toMatchObject({ holding: true, stored_batches: 0, refused_batches: {} });
    expect(c.status().last_error).toMatch(/HTTP 404\): the database does not exist/);

    influx.mode = "ok"; // the admin created the database
    await until(() => expect(c.status().stored_batches).toBe(1));
    expect(influx.lines).toEqual([`pv_inverter,device=inv-1,institution=${A} power_w=103 ${T0 + 3000}`]);
  });

  it("with a plain subscription (the default), stores what gateways sent while it was stopped", async () => {
    const p = prefix();
    const db = await influx();
    const clientId = `ingest-${p}`;
    const first = await consumer(p, db.store, { group: "", clientId });
    expect(first.status().subscription).toBe(`${p}/+/+/points`);
    await first.stop();
    const gw = await gateway();
    for (let n = 1; n <= 3; n++)
      await publish(
        gw,
        `${p}/${A}/gw-1/points`,
        { points: [wire(n, { tags: { device: `inv-${n}` } })] },
        tokenA,
      );
    // The same client id again: the broker hands over what it queued for the persistent session.
    const again = await consumer(p, db.store, { group: "", clientId });
    await until(() => expect(again.status().stored_batches).toBe(3));
    expect((await db.stored()).map((r) => r.tags.device)).toEqual(["inv-1", "inv-2", "inv-3"]);
  });
});
