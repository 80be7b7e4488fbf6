/**
 * The HTTP server's own limits on a real socket, against the run's real influxd: slow and unfinished
 * requests are answered 408 and closed while other senders are served, oversized headers get a 431 with
 * a JISR_ERR_* body, connections beyond the cap are refused. Clients are raw node:net sockets, so the test
 * controls every byte and sees exactly what the server sends back before closing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { waitFor } from "../../../test/servers/free-port.js";
import type { HttpLimits } from "./app.js";
import { createInfluxStore } from "./influx.js";
import { errorBodySchema } from "./schemas/write.js";
import { type IngestionServer, startIngestion } from "./server.js";
import { influxQuery, makeTokens } from "./testing/service.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);
const silent = pino({ level: "silent" });

let dir: string;
let tokens: Awaited<ReturnType<typeof makeTokens>>;
const closers: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-http-limits-"));
  tokens = await makeTokens(dir);
});
afterAll(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function start(http: Partial<HttpLimits>) {
  const database = uniqueDatabase("limits");
  const store = createInfluxStore({ influxUrl: influxUrl(), database, logger: silent });
  const server: IngestionServer = await startIngestion({
    store,
    tokensFile: tokens.tokensFile,
    logger: false,
    host: "127.0.0.1",
    port: 0,
    http,
  });
  closers.push(
    () => store.close(),
    () => server.close(),
  );
  const { port } = new URL(server.url);
  return { server, port: Number(port), query: (q: string) => influxQuery(influxUrl(), database, q) };
}

/** A raw client: what it received, and when the server closed the connection (ms after opening). */
interface RawClient {
  socket: Socket;
  received(): string;
  closedAfterMs(): number | undefined;
  closed: Promise<number>;
}

function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const opened = Date.now();
    const chunks: Buffer[] = [];
    let closedAfter: number | undefined;
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("data", (c: Buffer) => chunks.push(c));
    // A reset after the answer is still a close; the test asserts on what was received.
    socket.on("error", () => {});
    const closed = new Promise<number>((done) =>
      socket.on("close", () => {
        closedAfter = Date.now() - opened;
        done(closedAfter);
      }),
    );
    socket.once("connect", () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks).toString("utf8"),
        closedAfterMs: () => closedAfter,
        closed,
      }),
    );
    socket.once("error", reject);
  });
}

/** Status and JSON error of a raw HTTP/1.1 answer. */
function parseAnswer(raw: string) {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1]);
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  return { status, error: errorBodySchema.parse(JSON.parse(body)).error };
}

function line(device: string) {
  return `limits,device=${device} power_w=1 ${T}`;
}

function headers(contentLength: number) {
  return (
    "POST /api/v1/write?precision=ms HTTP/1.1\r\n" +
    "Host: 127.0.0.1\r\n" +
    `Authorization: Bearer ${tokens.token}\r\n` +
    "Content-Type: text/plain\r\n" +
    `Content-Length: ${contentLength}\r\n\r\n`
  );
}

describe("slow and unfinished requests", () => {
  it("are answered 408 and closed, while a normal sender is served meanwhile", async () => {
    const { server, port, query } = await start({ headersTimeoutMs: 8000, requestTimeoutMs: 10_000 });

    // 1. Headers that never end.
    const noHeaderEnd = await rawClient(port);
    noHeaderEnd.socket.write(
      "POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n",
    );
    // 2. A body sent one byte every 2 s.
    const slow = await rawClient(port);
    const slowBody = line("slow");
    slow.socket.write(headers(Buffer.byteLength(slowBody)));
    let sent = 0;
    const drip = setInterval(() => {
      if (!slow.socket.destroyed && sent < slowBody.length) slow.socket.write(slowBody[sent++] as string);
    }, 2000);
    // 3. A body shorter than its Content-Length.
    const short = await rawClient(port);
    const shortBody = line("short");
    short.socket.write(headers(Buffer.byteLength(shortBody) + 100) + shortBody);

    try {
      // Meanwhile a normal sender is stored and the service answers, while all three still hang.
      const res = await fetch(`${server.url}/api/v1/write?precision=ms`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.token}`, "content-type": "text/plain" },
        body: line("normal"),
      });
      expect(res.status).toBe(204);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect([noHeaderEnd, slow, short].map((c) => c.closedAfterMs())).toEqual([
        undefined,
        undefined,
        undefined,
      ]);

      // Each is closed well within 45 s (the server's timeouts are 8 s and 10 s here), with a 408.
      const bound = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("a slow client was not closed within 45 s")), 45_000).unref(),
      );
      const closedAfter = await Promise.race([
        Promise.all([noHeaderEnd.closed, slow.closed, short.closed]),
        bound,
      ]);
      for (const ms of closedAfter) expect(ms).toBeLessThan(45_000);
      for (const client of [noHeaderEnd, slow, short]) {
        expect(parseAnswer(client.received())).toEqual({
          status: 408,
          error: {
            code: "JISR_ERR_REQUEST_TIMEOUT",
            message:
              "The request was not received in time (headers or body too slow, or shorter than Content-Length)",
          },
        });
      }
      expect(sent).toBeLessThan(slowBody.length); // it was cut off, not finished
    } finally {
      clearInterval(drip);
    }
    expect(await query('SELECT "power_w", "device" FROM "limits"')).toEqual([
      { time: T, power_w: 1, device: "normal" },
    ]);
  }, 60_000);
});

describe("headers too large", () => {
  it("answers 431 with a JISR_ERR_ code for a 100 KiB token", async () => {
    const { port } = await start({});
    const client = await rawClient(port);
    client.socket.write(
      "POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        `Authorization: Bearer jisr_${"A".repeat(100 * 1024)}\r\n` +
        "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nx f=1",
    );
    await client.closed;
    expect(parseAnswer(client.received())).toEqual({
      status: 431,
      error: {
        code: "JISR_ERR_HEADERS_TOO_LARGE",
        message:
          "Request headers are larger than 16384 bytes: a token is 48 characters, send no other large header",
      },
    });
  });

  it("answers a request that is not HTTP with 400 and a JISR_ERR_ code", async () => {
    const { port } = await start({});
    const client = await rawClient(port);
    client.socket.write("HELLO THERE\r\n\r\n");
    await client.closed;
    const { status, error } = parseAnswer(client.received());
    expect(status).toBe(400);
    expect(error.code).toBe("JISR_ERR_BAD_HTTP_REQUEST");
  });
});

describe("connection cap", () => {
  it("closes connections beyond the cap at once and serves again once one is gone", async () => {
    const { server, port } = await start({ maxConnections: 3, headersTimeoutMs: 20_000 });
    const held = await Promise.all([rawClient(port), rawClient(port), rawClient(port)]);
    // Node counts a connection once it has accepted it: wait until all three are counted.
    await waitFor(
      async () => (await new Promise<number>((r) => server.app.server.getConnections((_e, n) => r(n)))) === 3,
      10_000,
      "three connections to be open",
    );
    const extra = await rawClient(port);
    expect(await extra.closed).toBeLessThan(20_000);
    expect(extra.received()).toBe("");
    expect(held.map((c) => c.closedAfterMs())).toEqual([undefined, undefined, undefined]);

    held[0]?.socket.destroy();
    await held[0]?.closed;
    await waitFor(
      async () => (await new Promise<number>((r) => server.app.server.getConnections((_e, n) => r(n)))) < 3,
      10_000,
      "a connection slot to be free",
    );
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    for (const c of held) c.socket.destroy();
  });
});
