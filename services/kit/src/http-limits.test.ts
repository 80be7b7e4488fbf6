/**
 * The shared HTTP limits on a real Fastify server on loopback, with raw node:net clients so the test sees
 * every byte the server sends before closing: unfinished requests get a 408, oversized headers a 431,
 * garbage a 400, each with a JISR_ERR_* body (the kit's own or a service's entries), and connections beyond
 * the cap are dropped. The services' tests assert their own messages on their own servers.
 */
import { connect, type Socket } from "node:net";
import { JisrError } from "@jisr/core/errors";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ClientErrors,
  checkingIntervalMs,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  httpLimitsSchema,
  httpServerOptions,
  resolveHttpLimits,
  worstCaseCloseMs,
} from "./http-limits.js";

/** Far above every timeout set below: a connection still open by then was never going to close. */
const BOUND_MS = 25_000;

const apps: FastifyInstance[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const a of apps.splice(0)) await a.close();
});

async function start(given: Partial<HttpLimits>, errors?: ClientErrors): Promise<number> {
  const limits = resolveHttpLimits(given);
  const app = Fastify({ ...httpServerOptions(limits, errors), logger: false });
  app.server.maxConnections = limits.maxConnections;
  app.get("/healthz", async () => ({ status: "ok" }));
  app.post("/echo", async (req) => req.body);
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on a port");
  return address.port;
}

/** A connection that sends `first` at once; `closed` settles with all it received when the server ends it. */
function raw(port: number, first: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  let data = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    data += chunk;
  });
  socket.on("error", () => {}); // a reset after the answer is a close too
  if (first) socket.write(first);
  const closed = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${BOUND_MS} ms`)), BOUND_MS);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
  return { socket, closed };
}

/** Status line and JSON error of a raw HTTP/1.1 answer. */
function answer(rawAnswer: string) {
  const head = rawAnswer.slice(0, rawAnswer.indexOf("\r\n"));
  const body = JSON.parse(rawAnswer.slice(rawAnswer.indexOf("\r\n\r\n") + 4)) as {
    error: { code: string; message: string };
  };
  return { head, error: body.error };
}

const POST_HEAD = (length: number) =>
  `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe("resolving the limits", () => {
  it("takes the defaults for what is not given, or given undefined", () => {
    expect(resolveHttpLimits({ maxConnections: 5, idleTimeoutMs: undefined })).toEqual({
      ...DEFAULT_HTTP_LIMITS,
      maxConnections: 5,
    });
    const own = { ...DEFAULT_HTTP_LIMITS, requestTimeoutMs: 25_000 };
    expect(resolveHttpLimits({}, own).requestTimeoutMs).toBe(25_000);
  });

  it("refuses a headers timeout longer than the request timeout, naming it", () => {
    expect(() => resolveHttpLimits({ headersTimeoutMs: 40_000 })).toThrow(
      "the headers timeout must not exceed the request timeout",
    );
    const parsed = httpLimitsSchema.safeParse({ ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 40_000 });
    expect(parsed.error?.issues[0]?.path).toEqual(["headersTimeoutMs"]);
    expect(() => resolveHttpLimits({ maxConnections: 0 })).toThrow();
  });

  it("checks for late requests a quarter of the shorter timeout apart, within 0.25-5 s", () => {
    expect(checkingIntervalMs({ ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 8_000 })).toBe(2_000);
    expect(checkingIntervalMs({ ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 100 })).toBe(250);
    expect(
      checkingIntervalMs({ ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 }),
    ).toBe(5_000);
    expect(worstCaseCloseMs(DEFAULT_HTTP_LIMITS)).toBe(20_000 + 2_500);
  });

  it("hands Node the timeouts, the checking interval and the header size limit", () => {
    const o = httpServerOptions({ ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 8_000 });
    expect(o.http).toMatchObject({
      headersTimeout: 8_000,
      requestTimeout: 20_000,
      connectionsCheckingInterval: 2_000,
      maxHeaderSize: 16 * 1024,
    });
    expect([o.requestTimeout, o.keepAliveTimeout, o.connectionTimeout]).toEqual([20_000, 10_000, 60_000]);
  });
});

describe("client errors (real sockets)", () => {
  it("answers 408 with a JISR_ERR_ body to unfinished requests, while serving others", async () => {
    const port = await start({ headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
    const headers = raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    const short = raw(port, `${POST_HEAD(100)}{"id":"karim"`);
    const served = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await served.json()).toEqual({ status: "ok" });
    const expected = {
      head: "HTTP/1.1 408 Request Timeout",
      error: {
        code: "JISR_ERR_REQUEST_TIMEOUT",
        message:
          "The request did not arrive in time (headers or body too slow, or the body shorter than its Content-Length)",
      },
    };
    expect(answer(await headers.closed)).toEqual(expected);
    expect(answer(await short.closed)).toEqual(expected);
  });

  it("answers oversized headers 431 and garbage 400 with the kit's entries", async () => {
    const port = await start({});
    const big = raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`,
    );
    const garbage = raw(port, "NOT HTTP AT ALL\r\n\r\n");
    expect(answer(await big.closed)).toEqual({
      head: "HTTP/1.1 431 Request Header Fields Too Large",
      error: {
        code: "JISR_ERR_HEADERS_TOO_LARGE",
        message: "The request's headers are too large (16 KiB at most)",
      },
    });
    expect(answer(await garbage.closed)).toEqual({
      head: "HTTP/1.1 400 Bad Request",
      error: { code: "JISR_ERR_BAD_REQUEST", message: "Malformed HTTP request" },
    });
  });

  it("answers with a service's own entries when given, passing the limit and Node's code", async () => {
    const errors: ClientErrors = {
      requestTimeout: () => new JisrError("JISR_ERR_OWN_TIMEOUT", 408, "too slow"),
      headersTooLarge: (max) => new JisrError("JISR_ERR_OWN_HEADERS", 431, `over ${max}`),
      badRequest: (cause) => new JisrError("JISR_ERR_OWN_BAD", 400, `bad: ${cause}`),
    };
    const port = await start({}, errors);
    const big = raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`,
    );
    const garbage = raw(port, "NOT HTTP AT ALL\r\n\r\n");
    expect(answer(await big.closed).error).toEqual({ code: "JISR_ERR_OWN_HEADERS", message: "over 16384" });
    expect(answer(await garbage.closed).error).toEqual({
      code: "JISR_ERR_OWN_BAD",
      message: "bad: HPE_INVALID_METHOD",
    });
  });
});

describe("connection cap (real sockets)", () => {
  it("drops connections beyond the cap unanswered, and accepts again when one leaves", async () => {
    const port = await start({ maxConnections: 2, keepAliveTimeoutMs: 60_000 });
    const held = [0, 1].map(() => raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    // Each answered once, so the server has surely counted them.
    await Promise.all(
      held.map((c) => new Promise<void>((resolve) => c.socket.once("data", () => resolve()))),
    );
    expect(await raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").closed).toBe("");
    held[0]?.socket.end();
    await held[0]?.closed;
    // The server sees that close on its own time: retry for a while rather than race it.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: "close" } }).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
