/**
 * The service on a real socket, against the run's real influxd: gzip bodies and gzip bombs, InfluxDB down
 * (and back), tokens issued while the service runs, and logs that never show a token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { Command } from "commander";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { freePort, waitFor } from "../../../test/servers/free-port.js";
import { registerIngestCommands } from "./cli.js";
import { createInfluxStore } from "./influx.js";
import { errorBodySchema } from "./schemas/write.js";
import { type IngestionServer, startIngestion } from "./server.js";
import { INSTITUTION, influxQuery, makeTokens } from "./testing/service.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);
const silent = pino({ level: "silent" });
const LIMIT = 64 * 1024;

let dir: string;
let tokens: Awaited<ReturnType<typeof makeTokens>>;
const cleanups: Array<() => Promise<unknown> | unknown> = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-ingest-server-"));
  tokens = await makeTokens(dir);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(url = influxUrl(), database = uniqueDatabase("ingest"), logger = silent) {
  const store = createInfluxStore({ influxUrl: url, database, logger: silent, timeoutMs: 2000 });
  const server: IngestionServer = await startIngestion({
    store,
    tokensFile: tokens.tokensFile,
    bodyLimitBytes: LIMIT,
    tokensPollMs: 50,
    logger,
    host: "127.0.0.1",
    port: 0,
  });
  cleanups.push(
    () => store.close(),
    () => server.close(),
  );
  return { server, database, query: (q: string) => influxQuery(influxUrl(), database, q) };
}

/** The error of an answer, checked against the declared error body shape. */
async function errorOf(res: Response) {
  return errorBodySchema.parse(await res.json()).error;
}

function post(
  server: IngestionServer,
  body: string | Buffer,
  headers: Record<string, string>,
  token = tokens.token,
) {
  return fetch(`${server.url}/api/v1/write?precision=ms`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...headers },
    body,
  });
}

describe("gzip bodies", () => {
  it("are inflated and stored", async () => {
    const { server, query } = await start();
    const points = Array.from({ length: 500 }, (_, i) => ({
      measurement: "gz",
      tags: { device: `d${i % 5}` },
      fields: { power_w: i },
      time: T + i * 1000,
    }));
    const res = await post(server, gzipSync(JSON.stringify({ points })), {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(res.status).toBe(204);
    const rows = await query('SELECT count("power_w") AS n, sum("power_w") AS s FROM "gz"');
    expect(rows).toEqual([{ time: 0, n: 500, s: (499 * 500) / 2 }]);
  });

  it("are refused with 413 when the inflated size is over the limit (gzip bomb), plain ones too", async () => {
    const { server, query } = await start();
    const bomb = gzipSync(`gz_bomb,device=d v="${"0".repeat(20 * 1024 * 1024)}" ${T}`);
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post(server, bomb, { "content-type": "text/plain", "content-encoding": "gzip" });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: {
        code: "JISR_ERR_BODY_TOO_LARGE",
        message: "Request body is larger than 65536 bytes (after decompression): send smaller batches",
      },
    });
    const plain = await post(server, `gz_bomb,device=d v="${"0".repeat(LIMIT)}" ${T}`, {
      "content-type": "text/plain",
    });
    expect(plain.status).toBe(413);
    expect((await errorOf(plain)).code).toBe("JISR_ERR_BODY_TOO_LARGE");
    expect(await query('SELECT * FROM "gz_bomb"')).toEqual([]);
  });

  it("answers 400 for a corrupt gzip body and 415 for another encoding", async () => {
    const { server } = await start();
    const good = gzipSync(`gz_bad,device=d v=1 ${T}`);
    const corrupt = await post(server, good.subarray(0, good.length - 6), {
      "content-type": "text/plain",
      "content-encoding": "gzip",
    });
    expect(corrupt.status).toBe(400);
    expect((await errorOf(corrupt)).code).toBe("JISR_ERR_BAD_GZIP");
    const br = await post(server, "x", { "content-type": "text/plain", "content-encoding": "br" });
    expect(br.status).toBe(415);
    expect(await errorOf(br)).toEqual({
      code: "JISR_ERR_UNSUPPORTED_ENCODING",
      message: 'Content-Encoding "br" is not accepted: send gzip or no encoding',
    });
  });
});

describe("InfluxDB unreachable", () => {
  it("starts anyway, answers 503 with Retry-After to writes and to /readyz, 200 to /healthz", async () => {
    const { server } = await start(`http://127.0.0.1:${await freePort()}`);
    const res = await post(server, `down,device=d v=1 ${T}`, { "content-type": "text/plain" });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({
      error: {
        code: "JISR_ERR_STORE_UNAVAILABLE",
        message: expect.stringMatching(/^The database is unavailable: keep the data and retry in \d+ s$/),
      },
    });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", store: "influxdb" });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
  });

  it("creates the database and stores on the first write after InfluxDB comes back", async () => {
    const port = await freePort();
    const { server, query } = await start(`http://127.0.0.1:${port}`);
    expect((await post(server, `back,device=d v=1 ${T}`, { "content-type": "text/plain" })).status).toBe(503);

    // InfluxDB "comes back" on that port: a TCP relay to the real influxd.
    const target = new URL(influxUrl());
    const sockets = new Set<Socket>();
    const relay: Server = createServer((client) => {
      const upstream = new Socket().connect(Number(target.port), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(port, "127.0.0.1", resolve));
    cleanups.push(() => {
      relay.close();
      for (const socket of sockets) socket.destroy(); // keep-alive connections would hold close() for seconds
    });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await post(server, `back,device=d v=2 ${T}`, { "content-type": "text/plain" })).status).toBe(204);
    expect(await query('SELECT "v", "institution" FROM "back"')).toEqual([
      { time: T, v: 2, institution: INSTITUTION },
    ]);
  });
});

describe("tokens", () => {
  it("a token issued with `jisr token new` while the service runs is accepted shortly after", async () => {
    const { server, query } = await start();
    const out: string[] = [];
    const program = new Command("jisr").exitOverride();
    registerIngestCommands(program, {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: () => true },
    });
    await program.parseAsync(["token", "new", "--institution", "new-inst", "--tokens", tokens.tokensFile], {
      from: "user",
    });
    const token = out.join("").trim();
    expect(token).toMatch(/^jisr_[A-Za-z0-9_-]{43}$/);

    const body = `new_token,device=d v=1 ${T}`;
    await waitFor(
      async () => (await post(server, body, { "content-type": "text/plain" }, token)).status === 204,
      5000,
      "the new token to be accepted",
    );
    expect(await query('SELECT "v", "institution" FROM "new_token"')).toEqual([
      { time: T, v: 1, institution: "new-inst" },
    ]);
  });

  it("never appear in the logs", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    // A serializer that logs every header, as someone debugging might add: the token must still not show.
    const req = (r: { headers: Record<string, string> }) => ({ headers: r.headers });
    const { server } = await start(
      undefined,
      undefined,
      pino({ level: "trace", serializers: { req } }, sink),
    );
    expect((await post(server, `logged,device=d v=1 ${T}`, { "content-type": "text/plain" })).status).toBe(
      204,
    );
    expect(
      (await post(server, "logged v=1", { "content-type": "text/plain" }, tokens.otherToken)).status,
    ).toBe(400);
    const unknown = `jisr_${"B".repeat(43)}`;
    expect((await post(server, "x", { "content-type": "text/plain" }, unknown)).status).toBe(401);
    await waitFor(async () => lines.some((l) => l.includes("request completed")), 2000, "request logs");
    const all = lines.join("");
    expect(all).toContain(INSTITUTION);
    expect(all).toContain('"authorization":"[redacted]"');
    for (const secret of [tokens.token, tokens.otherToken, unknown]) expect(all).not.toContain(secret);
  });
});
