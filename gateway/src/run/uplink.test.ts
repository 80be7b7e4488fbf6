import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Point } from "@jisr/core";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type GatewayConfig, gatewayConfigSchema } from "../config/schema.js";
import { MemoryOutbox } from "../uplink/memory-outbox.js";
import { createUplink, type Uplink } from "./uplink.js";

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const point = (n: number): Point => ({
  measurement: "pv_inverter",
  tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
  fields: { power_w: n },
  time: T0 + n * 1000,
});

/** A real HTTP server standing in for ingestion; it can go away and come back on the same port. */
function ingestion() {
  const received: { at: number; points: number }[] = [];
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      const s = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          received.push({ at: Date.now(), points: 1 });
          res.writeHead(204).end();
        });
      });
      server = s;
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as AddressInfo).port;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = undefined;
    });
  return { received, listen, close, url: () => `http://127.0.0.1:${port}` };
}

function configFor(url: string, retryMaxDelay?: string): GatewayConfig {
  const file = gatewayConfigSchema.parse({
    institution: "ehpad-ben-guerir",
    uplink: { url, flush_interval: "200ms", ...(retryMaxDelay && { retry_max_delay: retryMaxDelay }) },
    devices: [{ id: "inv-1", profile: "sunspec", host: "127.0.0.1" }],
  });
  return { ...file, uplink: { ...file.uplink, token: "tok" } };
}

let uplink: Uplink | undefined;
let server: ReturnType<typeof ingestion> | undefined;
afterEach(async () => {
  await uplink?.stop(100);
  await server?.close();
  uplink = undefined;
  server = undefined;
});

describe("uplink backoff cap (uplink.retry_max_delay)", () => {
  it("is 30 s by default, for HTTP and for the devices' MQTT broker", () => {
    const config = gatewayConfigSchema.parse({
      institution: "x",
      uplink: { url: "http://127.0.0.1:1" },
      mqtt: { url: "mqtt://127.0.0.1:1", devices: [{ id: "m", profile: "tasmota", topic: "t" }] },
    });
    expect(config.uplink.retry_max_delay).toBe(30_000);
    expect(config.mqtt?.reconnect_max_delay).toBe(30_000);
    expect(() =>
      gatewayConfigSchema.parse({ ...config, uplink: { url: "http://h", retry_max_delay: "30" } }),
    ).toThrow(/retry_max_delay/);
  });

  it("sends again within the cap of the server coming back after an outage the uncapped backoff would outlast", async () => {
    server = ingestion();
    await server.listen();
    const url = server.url();
    await server.close(); // down from the start: every upload fails for the whole outage
    const outbox = new MemoryOutbox(10_000);
    outbox.enqueue([point(1), point(2)]);
    uplink = await createUplink(configFor(url, "2s"), { outbox, logger: pino({ level: "silent" }) });
    uplink.start();

    // 10 s down. Uncapped (1 s doubling, as before this fix, each wait drawn in [half, all] of its step)
    // the fourth wait, 4-8 s, is scheduled by 7 s (waits of at most 1 + 2 + 4 s before it); capped at
    // 2 s, no wait the uplink schedules may be longer than 2 s, and the failures come at least every 2 s.
    const outageMs = 10_000;
    const longestWait = { ms: 0 };
    const end = Date.now() + outageMs;
    while (Date.now() < end) {
      const retryAt = uplink.status().retry_at;
      if (retryAt !== undefined) longestWait.ms = Math.max(longestWait.ms, retryAt - Date.now());
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(uplink.status().failures).toBeGreaterThanOrEqual(5);
    expect(longestWait.ms).toBeLessThanOrEqual(2000);
    expect(outbox.size()).toBe(2);

    const backAt = Date.now();
    await server.listen();
    // Cap 2 s plus generous slack for a busy machine.
    await vi.waitFor(() => expect(server?.received.length).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 50,
    });
    const firstSend = (server.received[0]?.at ?? Number.POSITIVE_INFINITY) - backAt;
    expect(firstSend).toBeLessThan(10_000);
    await vi.waitFor(() => expect(outbox.size()).toBe(0), { timeout: 5000, interval: 50 });
  }, 40_000);
});
