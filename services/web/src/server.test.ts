/**
 * Timeouts and the connection cap of the listening server, with real sockets (node:net): slow and
 * unfinished requests are answered 408 with a JISR_ERR_ code and closed, while other clients are
 * served. Timeouts are short here and the bounds generous (a busy machine), so nothing hangs on a tick.
 */
import { connect, type Socket } from "node:net";
import { DEFAULT_HTTP_LIMITS, type HttpLimits, worstCaseCloseMs } from "@jisr/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { startWeb, type WebServer } from "./server.js";
import { NOW, type WebFixture, webFixture } from "./testing/fixture.js";

/** Far above every timeout set below: a connection still open by then was never going to close. */
const BOUND_MS = 25_000;

let fixture: WebFixture | undefined;
let server: WebServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  await fixture?.close();
  server = undefined;
  fixture = undefined;
});

async function start(limits: Partial<HttpLimits>): Promise<{ port: number; url: string }> {
  fixture = await webFixture();
  server = await startWeb({
    store: fixture.store,
    institutions: fixture.institutions,
    usersFile: fixture.usersFile,
    clock: () => NOW,
    httpLimits: limits,
  });
  return { port: Number(new URL(server.url).port), url: server.url };
}

interface Raw {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

/** A connection that sends `first` at once; `closed` settles when the server ends it (or after BOUND_MS). */
function raw(port: number, first: string): Raw {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  let data = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    data += chunk;
  });
  socket.on("error", () => {}); // a reset is a close too
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

const POST_HEAD = (length: number) =>
  `POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

function expect408(answer: string): void {
  expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { error: { code: string } };
  expect(body.error.code).toBe("JISR_ERR_REQUEST_TIMEOUT");
}

describe("timeouts (real sockets)", () => {
  it("answers 408 and closes slow or unfinished requests, while serving other clients", async () => {
    const { port, url } = await start({ headersTimeoutMs: 1_000, requestTimeoutMs: 3_000 });

    // A body sent one byte every 2 s, for as long as the server lets it.
    const drip = raw(port, POST_HEAD(100));
    const dripping = setInterval(() => {
      if (drip.socket.writable) drip.socket.write("{");
    }, 2_000);
    // Headers never finished.
    const headers = raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    // A body shorter than its Content-Length.
    const short = raw(port, `${POST_HEAD(100)}{"id":"karim"`);
    // A connection that never sends a byte.
    const silent = raw(port, "");

    // Meanwhile, another client is served at once.
    const health = await fetch(`${url}healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    try {
      const [dripped, unfinished, shorter, nothing] = await Promise.all([
        drip.closed,
        headers.closed,
        short.closed,
        silent.closed,
      ]);
      expect408(dripped);
      expect408(unfinished);
      expect408(shorter);
      // Nothing was asked, so there may be nothing to answer; closed either way.
      if (nothing !== "") expect408(nothing);
    } finally {
      clearInterval(dripping);
    }
    // And the server still serves.
    expect((await fetch(`${url}healthz`)).status).toBe(200);
  });

  it("closes a kept-alive connection once it has been idle for the keep-alive timeout", async () => {
    const { port } = await start({ keepAliveTimeoutMs: 1_000 });
    const conn = raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const answer = await conn.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toContain('{"status":"ok"}');
  });
});

describe("malformed requests (real sockets)", () => {
  it("answers oversized headers 431 and garbage 400, each with a JISR_ERR_ code", async () => {
    const { port } = await start({});
    const big = raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`,
    );
    const garbage = raw(port, "NOT HTTP AT ALL\r\n\r\n");
    const [tooLarge, malformed] = await Promise.all([big.closed, garbage.closed]);
    expect(tooLarge).toMatch(/^HTTP\/1\.1 431 /);
    expect(tooLarge).toContain('"code":"JISR_ERR_HEADERS_TOO_LARGE"');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toContain('"code":"JISR_ERR_BAD_REQUEST"');
  });
});

describe("connection cap (real sockets)", () => {
  it("closes connections beyond the cap at once, and accepts again when one leaves", async () => {
    const { port, url } = await start({ maxConnections: 3, keepAliveTimeoutMs: 60_000 });
    // Three kept-alive connections, each answered once, so the server has surely counted them.
    const held = [0, 1, 2].map(() => raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    await Promise.all(
      held.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.socket.once("data", () => resolve());
          }),
      ),
    );
    const fourth = raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(await fourth.closed).toBe(""); // dropped unanswered
    held[0]?.socket.end();
    await held[0]?.closed;
    // The server sees that close on its own time: retry for a while rather than race it.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await fetch(`${url}healthz`, { headers: { connection: "close" } }).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});

describe("the limits' defaults", () => {
  it("close a slow request within 30 s (the web takes the kit's defaults)", () => {
    expect(worstCaseCloseMs(DEFAULT_HTTP_LIMITS)).toBeLessThanOrEqual(30_000);
  });
});
