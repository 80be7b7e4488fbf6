/**
 * What a refusal behind ingestion does to a gateway's data, every part real: gateway Sender + SQLite outbox
 * → ingestion (startIngestion, InitOnUseStore) → InfluxDB. Nothing already read may be lost:
 *
 * - InfluxDB refusing ingestion's credentials (401) or lacking its database (404) is a setup to fix, not a
 *   bad batch: the gateway keeps every reading and delivers all of them once InfluxDB is fixed (a fake
 *   InfluxDB on loopback stands in, answering as 1.x does);
 * - a point of another field type than the database holds is refused alone: the batch's other points
 *   arrive (the run's real influxd), whether ingestion names the bad point or InfluxDB itself refuses it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePoints, type Point, parseLines } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import { addToken, type IngestionServer, startIngestion } from "@jisr/ingestion";
import { type FakeInflux, influxQuery, startFakeInflux } from "@jisr/ingestion/testing";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { Sender } from "./sender.js";
import { SqliteOutbox } from "./sqlite-outbox.js";

// A Sunday noon: far from the weekly shard boundaries (Thursdays 00:00 UTC) of InfluxDB 1.x, whose field
// types are kept per shard.
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const institution = "ehpad-ben-guerir";
const reading = (n: number, state: number | string = n / 10): Point => ({
  measurement: "pv_inverter",
  tags: { institution, device: `inv-${n % 3}` },
  fields: { power_w: 100 + n, state },
  time: T0 + n * 1000,
});

let dir: string;
let ingestion: IngestionServer | undefined;
let sender: Sender | undefined;
let outbox: SqliteOutbox | undefined;
let fake: FakeInflux | undefined;
const stores: InfluxStore[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-refusals-e2e-"));
});
afterEach(async () => {
  await sender?.stop(500);
  await ingestion?.close();
  for (const s of stores.splice(0)) await s.close();
  outbox?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
  sender = ingestion = outbox = fake = undefined;
});

const until = (check: () => void | Promise<void>, timeout = 30_000) =>
  vi.waitFor(check, { timeout, interval: 50 });

/** Ingestion in front of an InfluxDB at `url`, a token of `institution`, and a gateway sender. */
async function chain(url: string, database: string, logger = pino({ level: "silent" })) {
  const tokensFile = join(dir, "tokens.json");
  const { token } = await addToken(tokensFile, institution);
  const store = new InfluxStore({ url, database, logger: pino({ level: "silent" }) });
  stores.push(store);
  ingestion = await startIngestion({ store, tokensFile, host: "127.0.0.1", port: 0, logger });
  outbox = SqliteOutbox.open({ path: join(dir, "outbox.sqlite"), maxBytes: 64 * 1024 * 1024 });
  sender = new Sender({
    url: ingestion.url,
    token,
    gatewayId: "gw-e2e",
    batchMaxPoints: 50,
    flushIntervalMs: 50,
    timeoutMs: 5000,
    outbox,
    logger: pino({ level: "silent" }),
    retry: { initialMs: 100, maxMs: 1000 },
    refusedRetry: { initialMs: 100, maxMs: 1000 },
    random: () => 0,
  });
  return { outbox, sender };
}

function logLines() {
  const lines: { msg: string; level: number }[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { lines, logger };
}

describe("InfluxDB refusing ingestion's setup", () => {
  // Ingestion asks for Retry-After: 5 on each refusal: the run takes two of those waits at least.
  it("keeps every reading through a 401 and a 404 on /write, and delivers all of them once InfluxDB is fixed", {
    timeout: 60_000,
  }, async () => {
    fake = await startFakeInflux("jisr");
    const { lines, logger } = logLines();
    const { outbox, sender } = await chain(fake.url, "jisr", logger);
    const influx = fake;
    // InfluxDB was fine when ingestion started; then someone changed the password of its InfluxDB user.
    influx.mode = "unauthorized";
    const queued = Array.from({ length: 120 }, (_, n) => reading(n));
    outbox.enqueue(queued);
    sender.start();

    await until(() => expect(sender.status().failures).toBeGreaterThanOrEqual(1));
    expect(influx.requests).toContainEqual({
      method: "POST",
      path: "/write",
      mode: "unauthorized",
      status: 401,
    });
    expect(outbox.size()).toBe(120);
    expect(sender.status()).toMatchObject({ rejected_points: 0, delivered_points: 0 });
    expect(sender.status().last_error).toMatch(/^HTTP 503: JISR_ERR_STORE_UNAVAILABLE: /);
    const misconfigured = () =>
      lines.filter((l) => l.msg.startsWith("Store misconfigured")).map((l) => l.msg);
    expect(misconfigured()[0]).toMatch(/HTTP 401\): the credentials are wrong: .*authorization failed/);

    // The password is fixed, but the database was dropped and ingestion's user may not create it.
    influx.mode = "database-not-found";
    await until(() =>
      expect(influx.requests).toContainEqual({
        method: "POST",
        path: "/write",
        mode: "database-not-found",
        status: 404,
      }),
    );
    await until(() => expect(sender.status().failures).toBeGreaterThanOrEqual(2));
    expect(outbox.size()).toBe(120);
    expect(sender.status().rejected_points).toBe(0);
    expect(misconfigured().at(-1)).toMatch(/HTTP 404\): the database does not exist.*database not found/);

    influx.mode = "ok";
    await until(() => expect(outbox.size()).toBe(0));
    // Every reading once, in order, exactly as read. Compared as parsed points: ingestion forwards a line's
    // tags in the order it got them (InfluxDB sorts them itself), so the text may differ in tag order only.
    const parsed = (body: string) => parseLines(body, "ms");
    expect(influx.lines).toHaveLength(120);
    expect(parsed(influx.lines.join("\n"))).toEqual(parsed(encodePoints(queued, "ms")));
    expect(sender.status()).toMatchObject({ rejected_points: 0, delivered_points: 120, failures: 0 });
    expect(outbox.rejectedTotal()).toBe(0);
  });
});

describe("one point of another field type in a batch of good ones", () => {
  async function realInflux() {
    const url = influxUrl();
    const database = uniqueDatabase("refusals");
    const raw = (path: string, body: string | URLSearchParams) =>
      fetch(`${url}${path}`, { method: "POST", body }).then(async (res) => {
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      });
    await raw("/query", new URLSearchParams({ q: `CREATE DATABASE "${database}"` }));
    /** What another writer puts in the database, behind ingestion's back. */
    const otherWriter = (line: string) => raw(`/write?db=${database}&precision=ms`, line);
    const stored = async () =>
      (await influxQuery(url, database, `SELECT * FROM "pv_inverter" WHERE time >= ${T0 * 1e6}`)).map(
        (row) => [row.time, row.power_w, row.state],
      );
    return { url, database, otherWriter, stored };
  }

  it("is refused alone when ingestion names it: the 49 others arrive, the queue is empty, the refusal is kept", async () => {
    const db = await realInflux();
    await db.otherWriter(`pv_inverter,device=inv-0,institution=${institution} state=1 ${T0 - 60_000}`);
    const { outbox, sender } = await chain(db.url, db.database);
    const bad = reading(20, "FAULT");
    const queued = Array.from({ length: 50 }, (_, n) => (n === 20 ? bad : reading(n)));
    outbox.enqueue(queued);
    await sender.flush();

    const good = queued.filter((p) => p !== bad);
    expect(await db.stored()).toEqual(good.map((p) => [p.time, p.fields.power_w, p.fields.state]));
    // Named by index: the 49 went in one request.
    expect(sender.status()).toMatchObject({ rejected_points: 1, delivered_points: 49, delivered_batches: 1 });
    expect(outbox.size()).toBe(0);
    const [refused] = outbox.rejected();
    expect(refused?.point).toEqual(bad);
    expect(refused?.reason).toBe(
      'fields.state: field type conflict: "pv_inverter.state" holds float values, this point sends a string',
    );
    expect(outbox.rejectedTotal()).toBe(1);
  });

  it("is found by halving when InfluxDB itself refuses it (another writer set the type): the 49 others arrive", async () => {
    const db = await realInflux();
    const { outbox, sender } = await chain(db.url, db.database);
    // Ingestion learns pv_inverter's fields from a first reading (power_w only)...
    outbox.enqueue([{ ...reading(-1), fields: { power_w: 1 } }]);
    await sender.flush();
    expect(sender.status().delivered_points).toBe(1);
    // ...then another writer makes `state` a float, which this ingestion has not seen.
    await db.otherWriter(`pv_inverter,device=inv-9,institution=${institution} state=1 ${T0 - 60_000}`);
    // The bad point first: within the batch it looks like the good one, and the others like the bad ones.
    const bad = reading(0, "FAULT");
    const queued = [bad, ...Array.from({ length: 49 }, (_, n) => reading(n + 1))];
    outbox.enqueue(queued);
    await sender.flush();

    const good = queued.slice(1);
    expect(await db.stored()).toEqual(good.map((p) => [p.time, p.fields.power_w, p.fields.state]));
    expect(sender.status()).toMatchObject({ rejected_points: 1, delivered_points: 50 });
    expect(outbox.size()).toBe(0);
    const [refused] = outbox.rejected();
    expect(refused?.point).toEqual(bad);
    expect(refused?.reason).toMatch(
      /^JISR_ERR_STORE_REJECTED: The database refused the batch: .*partial write: field type conflict/,
    );
  });
});
