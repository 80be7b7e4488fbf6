/**
 * The sending side of the ingestion benches: realistic batches, and a client that stands for senders on
 * other machines, so it costs this machine as little as can be and the same on every path.
 *
 * Why node:http with bodies encoded once, not fetch: fetch with a string body (a web stream, the string
 * encoded again on every send) cost the bench 0.06-0.07 CPU s per 100k points on the line-protocol paths
 * but 0.15-0.23 on the JSON path (bodies 30 % larger; sent to a trivial server in-process, the two cost
 * the same per byte), and on two cores what the client takes, the path being measured loses. This
 * client: 0.02-0.04 on every path.
 */
import http from "node:http";
import type { Point } from "@jisr/core";
import { inverterReading } from "@jisr/ingestion/testing";

/**
 * Realistic inverter readings: 120 inverters, 10 fields, one reading every 10 s, `batches` batches of
 * `size` points; `round` shifts them by a day (each round writes new points).
 */
export function inverterBatches(round: number, batches: number, size: number): Point[][] {
  const start = Date.UTC(2026, 9, 1) + round * 86_400_000;
  const out: Point[][] = [];
  let n = 0;
  for (let b = 0; b < batches; b++) {
    const batch: Point[] = [];
    for (let i = 0; i < size; i++, n++) {
      const device = n % 120;
      batch.push(
        inverterReading("bench-institution", `inv-${device}`, n, start + Math.floor(n / 120) * 10_000),
      );
    }
    out.push(batch);
  }
  return out;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Transport errors retried so far (a kept-alive socket the server had just closed: EPIPE, ECONNRESET). */
export const transport = { retried: 0 };

function postOnce(url: string, body: Buffer, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      agent,
      headers: { ...headers, "content-length": String(body.length) },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () =>
        res.statusCode === 204
          ? resolve()
          : reject(new Error(`${url} answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`)),
      );
    });
    req.end(body);
  });
}

/** POSTs `body`; resolves on 204, throws on any other answer. */
export async function post(url: string, body: Buffer, headers: Record<string, string>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postOnce(url, body, headers);
    } catch (err) {
      // The same body again writes the same points (same series and times): nothing is counted twice.
      if (attempt < 3 && /ECONNRESET|EPIPE/.test(String((err as { code?: string }).code))) {
        transport.retried++;
        continue;
      }
      throw err;
    }
  }
}

/** Sends every body, `inFlight` at a time. */
export async function sendAll(
  bodies: readonly Buffer[],
  inFlight: number,
  send: (body: Buffer) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) await send(bodies[next++] as Buffer);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}
