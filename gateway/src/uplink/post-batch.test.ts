/**
 * postBatch over node:http / node:https against real servers on loopback: kept-alive connections, the
 * race of a connection the server closes as it is reused, timeouts and cancellation, TLS.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Point } from "@jisr/core";
import { afterEach, describe, expect, it } from "vitest";
import { postBatch, type UplinkConnections, uplinkConnections, writeEndpoint } from "./post-batch.js";

const T0 = Date.UTC(2026, 11, 6, 2, 0, 0);
const points = (n: number): Point[] =>
  Array.from({ length: n }, (_, i) => ({
    measurement: "pv_inverter",
    tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
    fields: { power_w: i * 10 },
    time: T0 + i * 1000,
  }));

interface TestServer {
  url: string;
  /** Connections opened to it. */
  connections: number;
  /** Points of the requests it read in full, in order. */
  received: Point[][];
}

const servers: Server[] = [];
const pools: UplinkConnections[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) p.agent.destroy();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A server whose `handle` gets each request once its gzipped JSON body is read. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse, nthOnSocket: number) => void,
  server: Server = createServer(),
  scheme: "http" | "https" = "http",
): Promise<TestServer> {
  const state: TestServer = { url: "", connections: 0, received: [] };
  const perSocket = new WeakMap<Socket, number>();
  server.on("connection", () => state.connections++);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      state.received.push(
        (JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as { points: Point[] }).points,
      );
      handle(req, res, n);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `${scheme}://127.0.0.1:${port}`;
  return state;
}

async function connectionsFor(url: string): Promise<UplinkConnections> {
  const c = await uplinkConnections(writeEndpoint(url));
  pools.push(c);
  return c;
}

const post = (url: string, connections: UplinkConnections, n: number, signal = AbortSignal.timeout(10_000)) =>
  postBatch({
    endpoint: writeEndpoint(url),
    token: "tok-1",
    userAgent: "jisr-gateway (test)",
    points: points(n),
    signal,
    connections,
  });

describe("postBatch over node:http", () => {
  it("sends successive batches over one kept-alive connection", async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    const connections = await connectionsFor(server.url);
    for (const n of [1, 2, 3]) expect(await post(server.url, connections, n)).toEqual({ kind: "delivered" });
    expect(server.received.map((p) => p.length)).toEqual([1, 2, 3]);
    expect(server.connections).toBe(1);
  });

  it("sends a batch again, once, on a new connection when the server drops the kept-alive one it arrived on", async () => {
    // The race of a server closing an idle connection as the gateway reuses it, made certain: the
    // second request on a connection is dropped unanswered.
    const server = await serve((req, res, nth) => {
      if (nth >= 2) req.socket.destroy();
      else res.writeHead(204).end();
    });
    const connections = await connectionsFor(server.url);
    expect(await post(server.url, connections, 1)).toEqual({ kind: "delivered" });
    expect(await post(server.url, connections, 2)).toEqual({ kind: "delivered" });
    expect(server.received.map((p) => p.length)).toEqual([1, 2, 2]);
    expect(server.connections).toBe(2);
  });

  it("does not send again when a new connection is dropped: the server may be failing, the sender backs off", async () => {
    const server = await serve((req) => req.socket.destroy());
    const outcome = await post(server.url, await connectionsFor(server.url), 1);
    expect(outcome).toEqual({ kind: "unavailable", message: "cannot reach the server (ECONNRESET)" });
    expect(server.received).toHaveLength(1);
  });

  it("gives up on a server that does not answer within the timeout, and says so", async () => {
    const server = await serve(() => {}); // reads the batch, never answers
    const outcome = await post(server.url, await connectionsFor(server.url), 1, AbortSignal.timeout(300));
    expect(outcome).toEqual({ kind: "unavailable", message: "no answer within uplink.timeout" });
  });

  it("gives up on an answer whose body never ends within the timeout", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.write('{"error":');
    });
    const outcome = await post(server.url, await connectionsFor(server.url), 1, AbortSignal.timeout(300));
    expect(outcome).toEqual({ kind: "unavailable", message: "no answer within uplink.timeout" });
  });

  it("is cancelled when the gateway stops", async () => {
    const server = await serve(() => {});
    const stopping = new AbortController();
    const outcome = post(server.url, await connectionsFor(server.url), 1, stopping.signal);
    while (server.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    stopping.abort();
    expect(await outcome).toEqual({ kind: "unavailable", message: "upload cancelled (gateway stopping)" });
  });

  it("reads an error answer's code, message, problems and Retry-After", async () => {
    const server = await serve((_req, res, nth) => {
      if (nth === 1) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { code: "JISR_ERR_INVALID_BATCH", message: "point 0 is bad", problems: [{ index: 0 }] },
          }),
        );
      } else res.writeHead(503, { "retry-after": "7", "content-type": "text/html" }).end("<h1>busy</h1>");
    });
    const connections = await connectionsFor(server.url);
    expect(await post(server.url, connections, 2)).toEqual({
      kind: "rejected",
      status: 400,
      message: "JISR_ERR_INVALID_BATCH: point 0 is bad",
      problems: [{ index: 0 }],
    });
    expect(await post(server.url, connections, 2)).toEqual({
      kind: "unavailable",
      status: 503,
      message: "HTTP 503 <h1>busy</h1>",
      retryAfterMs: 7000,
    });
    expect(server.connections).toBe(1);
  });
});

describe("postBatch over node:https", () => {
  /** A self-signed certificate for 127.0.0.1, made for this test. */
  function selfSigned(): { key: Buffer; cert: Buffer } {
    const dir = mkdtempSync(join(tmpdir(), "jisr-post-batch-tls-"));
    dirs.push(dir);
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
        ...[
          "-addext",
          "subjectAltName=IP:127.0.0.1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
  }

  it("checks the server's certificate: one it cannot verify is refused, one it trusts carries the batches", async () => {
    const tls = selfSigned();
    const server = await serve((_req, res) => res.writeHead(204).end(), createHttpsServer(tls), "https");
    expect(server.url).toMatch(/^https:/);
    // The gateway's own connections for an https:// uplink verify the certificate against the system's CAs.
    const outcome = await post(server.url, await connectionsFor(server.url), 1);
    expect(outcome).toEqual({
      kind: "unavailable",
      message: "cannot reach the server (DEPTH_ZERO_SELF_SIGNED_CERT)",
    });
    expect(server.received).toHaveLength(0);
    // Trusting it, batches go over one kept-alive TLS connection.
    const trusted: UplinkConnections = {
      agent: new HttpsAgent({ keepAlive: true, ca: tls.cert }),
      request: httpsRequest,
    };
    pools.push(trusted);
    expect(await post(server.url, trusted, 1)).toEqual({ kind: "delivered" });
    expect(await post(server.url, trusted, 2)).toEqual({ kind: "delivered" });
    expect(server.received.map((p) => p.length)).toEqual([1, 2]);
  });
});
