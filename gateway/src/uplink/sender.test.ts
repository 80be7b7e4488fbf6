import type { Point } from "@jisr/core";
import { ERR } from "@jisr/ingestion";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryOutbox } from "./memory-outbox.js";
import { type Outbox, OutboxError } from "./outbox.js";
import { CONTENT_CODES } from "./post-batch.js";
import { Sender, type SenderOptions } from "./sender.js";
import { type RecordingServer, startRecordingServer } from "./testing/recording-server.js";

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const point = (n: number): Point => ({
  measurement: "pv_inverter",
  tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
  fields: { power_w: n * 10, state: "MPPT" },
  time: T0 + n * 1000,
});
const points = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => point(from + i));

let server: RecordingServer | undefined;
let sender: Sender | undefined;
afterEach(async () => {
  await sender?.stop(100);
  await server?.close();
  sender = undefined;
  server = undefined;
});

function makeSender(url: string, outbox: Outbox, extra: Partial<SenderOptions> = {}): Sender {
  return new Sender({
    url,
    token: "tok-123",
    gatewayId: "gw-test",
    batchMaxPoints: 5,
    flushIntervalMs: 50,
    timeoutMs: 2000,
    outbox,
    logger: pino({ level: "silent" }),
    retry: { initialMs: 100, maxMs: 1000 },
    refusedRetry: { initialMs: 200, maxMs: 1000 },
    random: () => 0,
    ...extra,
  });
}

const delivered = (s: RecordingServer) => s.requests.slice(-1)[0]?.points ?? [];

describe("Sender", () => {
  it("posts gzipped JSON batches, oldest first, with the bearer token, and acknowledges them", async () => {
    server = await startRecordingServer();
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 12));
    sender = makeSender(`${server.url}/`, outbox);
    await sender.flush();

    expect(server.requests.map((r) => r.points.length)).toEqual([5, 5, 2]);
    expect(server.requests.flatMap((r) => r.points)).toEqual(points(1, 12));
    const first = server.requests[0];
    expect(first?.method).toBe("POST");
    expect(first?.url).toBe("/api/v1/write");
    expect(first?.headers).toMatchObject({
      authorization: "Bearer tok-123",
      "content-encoding": "gzip",
      "content-type": "application/json",
    });
    expect(outbox.size()).toBe(0);
    expect(sender.status()).toMatchObject({ delivered_points: 12, delivered_batches: 3, failures: 0 });
    expect(delivered(server)).toEqual(points(11, 12));
  });

  it("keeps a batch refused with 503 and sends it once, after Retry-After, in order", async () => {
    const busy = { error: { code: "JISR_ERR_STORE_UNAVAILABLE", message: "The database is unavailable" } };
    server = await startRecordingServer([{ status: 503, headers: { "retry-after": "1" }, body: busy }]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 3));
    sender = makeSender(server.url, outbox);
    sender.start();
    await vi.waitFor(() => expect(sender?.status()).toMatchObject({ failures: 1 }), {
      timeout: 5000,
      interval: 20,
    });
    outbox.enqueue(points(4, 6)); // arrives while backing off
    expect(server.requests).toHaveLength(1);
    expect(sender.status().last_error).toBe(
      "HTTP 503: JISR_ERR_STORE_UNAVAILABLE: The database is unavailable",
    );

    await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 5000, interval: 20 });
    const [refused, retried] = server.requests;
    expect(refused?.points).toEqual(points(1, 3));
    expect(retried?.points).toEqual(points(1, 5));
    expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(950);
    // Every point stored exactly once, in enqueue order.
    expect(server.requests.slice(1).flatMap((r) => r.points)).toEqual(points(1, 6));
    // The run of failures is over; the total since start remains, for the health readings.
    expect(sender.status()).toMatchObject({ failures: 0, failures_total: 1, delivered_points: 6 });
  });

  it("survives a queue that fails to read: records the error, backs off, and delivers once it works", async () => {
    server = await startRecordingServer();
    const inner = new MemoryOutbox(1000);
    inner.enqueue(points(1, 2));
    let broken = true;
    const outbox: Outbox = {
      enqueue: (p) => inner.enqueue(p),
      ack: (ids) => inner.ack(ids),
      size: () => inner.size(),
      stats: () => inner.stats(),
      peek: (max) => {
        if (broken)
          throw new OutboxError('Disk error while trying to read the queue in "/x": check the disk');
        return inner.peek(max);
      },
    };
    sender = makeSender(server.url, outbox);
    await sender.flush(); // resolves: the error is the queue's, not a crash of the sender
    expect(sender.status()).toMatchObject({ failures: 1, failures_total: 1 });
    expect(sender.status().last_error).toBe(
      'Disk error while trying to read the queue in "/x": check the disk',
    );
    expect(server.requests).toHaveLength(0);
    broken = false;
    sender.start();
    await vi.waitFor(() => expect(inner.size()).toBe(0), { timeout: 5000, interval: 20 });
    expect(server.requests.flatMap((r) => r.points)).toEqual(points(1, 2));
  });

  it("drops only the points a 400 names by index, sends the rest of the batch at once, and goes on", async () => {
    const bad = {
      error: {
        code: "JISR_ERR_INVALID_BATCH",
        message: "1 of 5 point(s) are not valid; nothing was written",
        problems: [{ index: 2, path: "points.2.fields.power_w", message: "must be a finite number" }],
      },
    };
    server = await startRecordingServer([{ status: 400, body: bad }]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 8));
    const lines: { msg: string; refused?: unknown[] }[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
    sender = makeSender(server.url, outbox, { logger });
    await sender.flush();

    const without3 = [point(1), point(2), point(4), point(5)];
    expect(server.requests.map((r) => r.points)).toEqual([points(1, 5), without3, points(6, 8)]);
    expect(outbox.size()).toBe(0);
    expect(sender.status()).toMatchObject({ rejected_points: 1, delivered_points: 7 });
    const logged = lines.filter((l) => l.msg.startsWith("Server refused"));
    expect(logged.map((l) => l.msg)).toEqual([
      "Server refused 1 of 5 point(s) for good and they were dropped; the others were sent: fields.power_w: must be a finite number",
    ]);
    expect(logged[0]?.refused).toEqual([
      {
        measurement: "pv_inverter",
        device: "inv-1",
        time: point(3).time,
        reason: "fields.power_w: must be a finite number",
      },
    ]);
  });

  it("halves a batch refused for its content until only the bad points are refused, each good one sent once", async () => {
    const isBad = (p: Point) => p.fields.state === "BAD";
    const refusal = {
      status: 400,
      body: {
        error: { code: "JISR_ERR_STORE_REJECTED", message: "The database refused the batch: conflict" },
      },
    };
    server = await startRecordingServer([], (batch) => (batch.some(isBad) ? refusal : { status: 204 }));
    const outbox = new MemoryOutbox(1000);
    const queued = points(1, 8).map((p, i) => (i === 5 || i === 6 ? { ...p, fields: { state: "BAD" } } : p));
    outbox.enqueue(queued);
    sender = makeSender(server.url, outbox, { batchMaxPoints: 8 });
    await sender.flush();

    // [1-8] refused: [1-4] stored; [5-8] refused: [5,6] refused: [5] stored, [6] refused; [7,8] refused: [7] refused, [8] stored.
    expect(server.requests.map((r) => r.points.length)).toEqual([8, 4, 4, 2, 1, 1, 2, 1, 1]);
    const stored = server.requests.filter((r) => r.status === 204).flatMap((r) => r.points);
    expect(stored).toEqual(queued.filter((p) => !isBad(p)));
    expect(outbox.size()).toBe(0);
    expect(sender.status()).toMatchObject({ rejected_points: 2, delivered_points: 6, failures: 0 });
    expect(sender.status().last_error).toBeUndefined();
  });

  it("keeps the data on a 400 that does not blame the points (a proxy's page, an unknown code) and retries", async () => {
    server = await startRecordingServer([
      { status: 400, headers: { "content-type": "text/html" }, body: "<html>400 Bad Request</html>" },
      { status: 400, body: { error: { code: "JISR_ERR_BAD_GZIP", message: "Body is not valid gzip" } } },
    ]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 3));
    sender = makeSender(server.url, outbox);
    await sender.flush();
    expect(outbox.size()).toBe(3);
    expect(sender.status()).toMatchObject({ failures: 1, rejected_points: 0 });
    expect(sender.status().last_error).toBe('HTTP 400: HTTP 400 "<html>400 Bad Request</html>"');
    sender.start();
    await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 5000, interval: 20 });
    expect(server.requests.map((r) => [r.status, r.points])).toEqual([
      [400, points(1, 3)],
      [400, points(1, 3)],
      [204, points(1, 3)],
    ]);
    expect(sender.status()).toMatchObject({ rejected_points: 0, delivered_points: 3, failures_total: 2 });
  });

  it("keeps the data on 403 (a token of another institution): the operator fixes the token", async () => {
    const forbidden = {
      error: {
        code: "JISR_ERR_FORBIDDEN_INSTITUTION",
        message: '2 point(s) name another institution than "foyer-sidi-bennour", the token\'s own',
        problems: [{ index: 0, path: "points.0.tags.institution", message: "names another institution" }],
      },
    };
    server = await startRecordingServer([{ status: 403, body: forbidden }]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 2));
    sender = makeSender(server.url, outbox);
    await sender.flush();
    expect(outbox.size()).toBe(2);
    expect(sender.status()).toMatchObject({ failures: 1, rejected_points: 0 });
    sender.start();
    await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 5000, interval: 20 });
    expect(server.requests.map((r) => r.points)).toEqual([points(1, 2), points(1, 2)]);
  });

  it("keeps a single point a proxy calls too large (413 without our code), drops one our ingestion does", async () => {
    server = await startRecordingServer([
      { status: 413, body: "<html>413 Request Entity Too Large</html>" },
      {
        status: 413,
        body: { error: { code: "JISR_ERR_BODY_TOO_LARGE", message: "Request body is larger" } },
      },
    ]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 2));
    sender = makeSender(server.url, outbox, { batchMaxPoints: 1 });
    await sender.flush();
    expect(outbox.size()).toBe(2);
    expect(sender.status()).toMatchObject({ failures: 1, rejected_points: 0 });
    sender.start();
    await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 5000, interval: 20 });
    expect(server.requests.map((r) => [r.status, r.points])).toEqual([
      [413, [point(1)]],
      [413, [point(1)]],
      [204, [point(2)]],
    ]);
    expect(sender.status()).toMatchObject({ rejected_points: 1, delivered_points: 1 });
  });

  it("keeps the data on 401 and retries slowly until the token is accepted", async () => {
    const unauthorized = { error: { code: "JISR_ERR_UNAUTHORIZED", message: "Missing or unknown token" } };
    server = await startRecordingServer([{ status: 401, body: unauthorized }]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 2));
    sender = makeSender(server.url, outbox);
    await sender.flush();
    expect(outbox.size()).toBe(2);
    expect(sender.status().last_error).toContain("HTTP 401");
    const retryAt = sender.status().retry_at ?? 0;
    expect(retryAt - Date.now()).toBeGreaterThan(0);
    await sender.flush(); // still backing off: no request
    expect(server.requests).toHaveLength(1);
    sender.start();
    await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 5000, interval: 20 });
    expect(server.requests.map((r) => r.points)).toEqual([points(1, 2), points(1, 2)]);
  });

  it("keeps the data while the server cannot be reached, and delivers it on stop once it is back", async () => {
    server = await startRecordingServer();
    const url = server.url;
    await server.close();
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 3));
    sender = makeSender(url, outbox);
    await sender.flush();
    expect(outbox.size()).toBe(3);
    expect(sender.status().last_error).toMatch(/cannot reach the server \(ECONNREFUSED\)/);
    server = undefined;
    await sender.stop(500);
    expect(outbox.size()).toBe(3);
  });

  it("halves the batch when the server answers 413", async () => {
    server = await startRecordingServer([
      { status: 413, body: { error: { code: "JISR_ERR_TOO_MANY_POINTS", message: "split it" } } },
    ]);
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 5));
    sender = makeSender(server.url, outbox);
    await sender.flush();
    expect(server.requests.map((r) => r.points.length)).toEqual([5, 2, 2, 1]);
    expect(outbox.size()).toBe(0);
  });

  it("drops points only on the 400 codes with which ingestion blames the points", () => {
    const byCode = new Map(Object.values(ERR).map((e) => [e.code, e.statusCode]));
    expect([...CONTENT_CODES].map((code) => [code, byCode.get(code)])).toEqual([
      ["JISR_ERR_INVALID_BATCH", 400],
      ["JISR_ERR_STORE_REJECTED", 400],
    ]);
  });
});
