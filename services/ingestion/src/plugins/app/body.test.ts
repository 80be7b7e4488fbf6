/**
 * Bodies read into pooled buffers (body-pool.ts), over a real socket and into the run's real influxd:
 * buffers are used again from request to request while other requests' points are still being written,
 * so every point stored is checked against what was sent, value for value.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestBed, type TestBed } from "../../testing/service.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);
const POINTS = 1_000;
let bed: TestBed;
let url: string;

beforeAll(async () => {
  bed = await buildTestBed();
  url = await bed.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(() => bed.close());

/** Batch `b`: POINTS readings of its own device, each value telling batch and point apart (b·1e6 + i). */
function batch(b: number) {
  return Array.from({ length: POINTS }, (_, i) => ({
    measurement: "pool_check",
    tags: { device: `dev-${b}` },
    fields: { value: b * 1_000_000 + i, note: `batch ${b} point ${i}` },
    time: T + i * 1000,
  }));
}

const lines = (b: number) =>
  batch(b)
    .map(
      (p) =>
        `${p.measurement},device=${p.tags.device} value=${p.fields.value},note="${p.fields.note}" ${p.time}`,
    )
    .join("\n");

function post(body: string | Buffer | ReadableStream, type: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/api/v1/write?precision=ms`, {
    method: "POST",
    headers: { "content-type": type, authorization: `Bearer ${bed.token}`, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** Sends one batch, each a different way: JSON, line protocol, gzip, chunked (no Content-Length). */
function send(b: number) {
  switch (b % 4) {
    case 0:
      return post(JSON.stringify({ points: batch(b) }), "application/json");
    case 1:
      return post(lines(b), "text/plain");
    case 2:
      return post(gzipSync(lines(b)), "text/plain", { "content-encoding": "gzip" });
    default: {
      const bytes = Buffer.from(JSON.stringify({ points: batch(b) }));
      const stream = new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 50_000)
            controller.enqueue(bytes.subarray(at, at + 50_000));
          controller.close();
        },
      });
      return post(stream, "application/json");
    }
  }
}

describe("request bodies in pooled buffers", () => {
  it("stores every point of concurrent batches exactly as sent while buffers are used again", async () => {
    const BATCHES = 32;
    const refused: number[] = [];
    let next = 0;
    // Six at a time, with a bad batch (refused whole) after every eighth: its buffer goes back too.
    const lane = async () => {
      while (next < BATCHES) {
        const b = next++;
        const res = await send(b);
        expect(res.status, `batch ${b}: ${(await res.clone().text()).slice(0, 300)}`).toBe(204);
        if (b % 8 === 7) {
          const bad = await post(`${lines(1000 + b)}\npool_check,device=x value=oops ${T}`, "text/plain");
          refused.push(bad.status);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, lane));
    expect(refused).toEqual([400, 400, 400, 400]);
    // The pool did its job: most bodies went into a buffer that held another body before.
    expect(bed.app.bodyPool.stats.reused).toBeGreaterThan(10);

    for (let b = 0; b < BATCHES; b++) {
      const [row] = await bed.query(
        `SELECT count("value") AS n, sum("value") AS s, first("note") AS note1, last("note") AS note2 FROM "pool_check" WHERE "device" = 'dev-${b}'`,
      );
      expect(row, `batch ${b}`).toMatchObject({
        n: POINTS,
        s: b * 1_000_000 * POINTS + (POINTS * (POINTS - 1)) / 2,
        note1: `batch ${b} point 0`,
        note2: `batch ${b} point ${POINTS - 1}`,
      });
      // Every point, not just the sums: a byte of another body would show in the text or the value.
      const wrong = await bed.query(
        `SELECT count("value") FROM "pool_check" WHERE "device" = 'dev-${b}' AND ("value" < ${b * 1_000_000} OR "value" >= ${b * 1_000_000 + POINTS})`,
      );
      expect(wrong, `batch ${b}`).toEqual([]);
    }
    // Nothing of the refused batches was stored.
    const [bad] = await bed.query(
      `SELECT count("value") AS n FROM "pool_check" WHERE "device" =~ /^dev-10[0-9][0-9]$/`,
    );
    expect(bad).toBeUndefined();
  }, 120_000);
});
