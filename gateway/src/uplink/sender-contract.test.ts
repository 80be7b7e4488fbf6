/**
 * One Sender, two transports: the same scenarios run over HTTP (a real HTTP server on loopback,
 * recording-server.ts) and over MQTT (the run's Mosquitto, and a private one where the broker's limits
 * matter), so the loop in sender.ts is shown to behave the same whatever the wire.
 */

import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { gunzipSync } from "node:zlib";
import type { Point } from "@jisr/core";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { uniquePrefix } from "../mqtt/testing/harness.js";
import { startRestartableMosquitto } from "../mqtt/testing/mosquitto.js";
import { MemoryOutbox } from "./memory-outbox.js";
import { MqttSender } from "./mqtt-sender.js";
import type { Outbox } from "./outbox.js";
import { Sender, type SenderLoopOptions } from "./sender.js";
import { startRecordingServer } from "./testing/recording-server.js";

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const point = (n: number, extra = ""): Point => ({
  measurement: "pv_inverter",
  tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
  fields: { power_w: n * 10, state: `MPPT${extra}` },
  time: T0 + n * 1000,
});
const points = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => point(from + i));

/** What the central side sees, whatever the wire, and how to make the wire fail for a while. */
interface Rig {
  sender(outbox: Outbox, loop?: Partial<SenderLoopOptions>): Promise<Sender>;
  /** The batches the central side took, in the order they arrived. */
  batches(): Point[][];
  /** Makes uploads fail in a way that may pass by itself (HTTP 503; MQTT: PUBACKs held back). */
  failTransiently(): void;
  recover(): void;
}

interface Transport {
  name: string;
  /** `maxBatchBytes`: the central side refuses larger batches (HTTP 413 from ingestion; broker max_packet_size). */
  rig(options?: { maxBatchBytes?: number }): Promise<Rig>;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const loopDefaults = (outbox: Outbox): SenderLoopOptions => ({
  batchMaxPoints: 5,
  flushIntervalMs: 50,
  timeoutMs: 1500,
  outbox,
  logger: pino({ level: "silent" }),
  retry: { initialMs: 100, maxMs: 400 },
  refusedRetry: { initialMs: 100, maxMs: 400 },
  random: () => 0,
});

function keep<S extends Sender>(sender: S): S {
  cleanups.push(() => sender.stop(300));
  return sender;
}

const http: Transport = {
  name: "HTTP",
  async rig(options = {}) {
    let failing = false;
    const server = await startRecordingServer([], (batch) => {
      if (failing)
        return { status: 503, body: { error: { code: "JISR_ERR_STORE_UNAVAILABLE", message: "down" } } };
      const max = options.maxBatchBytes;
      if (max !== undefined && JSON.stringify({ points: batch }).length > max)
        return {
          status: 413,
          body: { error: { code: "JISR_ERR_BODY_TOO_LARGE", message: "body too large" } },
        };
      return { status: 204 };
    });
    cleanups.push(() => server.close());
    return {
      async sender(outbox, loop = {}) {
        const s = keep(
          new Sender({ ...loopDefaults(outbox), ...loop, url: server.url, token: "tok", gatewayId: "gw-1" }),
        );
        s.start();
        return s;
      },
      batches: () => server.requests.filter((r) => r.status < 300).map((r) => r.points),
      failTransiently: () => {
        failing = true;
      },
      recover: () => {
        failing = false;
      },
    };
  },
};

const mqttTransport: Transport = {
  name: "MQTT",
  async rig(options = {}) {
    let url = mqttUrl();
    if (options.maxBatchBytes !== undefined) {
      const broker = await startRestartableMosquitto(`max_packet_size ${options.maxBatchBytes}`);
      cleanups.push(() => broker.close());
      url = broker.url;
    }
    const topic = `${uniquePrefix()}/ehpad-ben-guerir/gw-1/points`;
    const received: Point[][] = [];
    const central = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    central.on("message", (_topic, payload) => {
      const text = payload[0] === 0x1f ? gunzipSync(payload).toString() : payload.toString();
      received.push((JSON.parse(text) as { points: Point[] }).points);
    });
    await central.subscribeAsync(topic, { qos: 1 });
    cleanups.push(() => central.endAsync(true));
    // The gateway reaches the broker through a relay that can hold back what the broker says (its
    // PUBACKs): a link that takes the batches but answers late, as a stalled broker or path does.
    const relay = await startRelay(url);
    cleanups.push(() => relay.close());
    return {
      async sender(outbox, loop = {}) {
        const s = keep(
          new MqttSender({
            ...loopDefaults(outbox),
            ...loop,
            url: relay.url,
            institution: "ehpad-ben-guerir",
            gatewayId: `gw-${uniquePrefix()}`,
            token: "tok",
            topic,
            gzip: options.maxBatchBytes === undefined,
            reconnect: { initialMs: 100, maxMs: 400 },
          }),
        );
        s.start();
        // Connected before the test goes on: holding the broker's answers back must hold PUBACKs, not CONNACK.
        await until(() => expect(s.status().connected).toBe(true));
        return s;
      },
      batches: () => received,
      failTransiently: () => relay.hold(),
      recover: () => relay.release(),
    };
  },
};

/** A TCP relay on loopback to `brokerUrl`; `hold` keeps the broker's bytes back until `release`. */
async function startRelay(brokerUrl: string) {
  const target = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  const down: Array<() => void> = [];
  let held = false;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (held) down.push(() => client.write(chunk));
      else client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const write of down.splice(0)) write();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An outbox in memory that calls `onFirstPeek` once, when the sender first reads it (a drain began). */
function outboxWithHook(onFirstPeek: (outbox: MemoryOutbox) => void): MemoryOutbox {
  const outbox = new MemoryOutbox(10_000);
  const peek = outbox.peek.bind(outbox);
  let fired = false;
  outbox.peek = (max: number) => {
    const entries = peek(max);
    if (!fired) {
      fired = true;
      onFirstPeek(outbox);
    }
    return entries;
  };
  return outbox;
}

const until = (check: () => void, timeout = 20_000) => vi.waitFor(check, { timeout, interval: 20 });

describe.each([http, mqttTransport])("Sender over $name", (transport) => {
  it("drains the queue oldest first, in batches of at most batch_max_points, and acknowledges them", async () => {
    const rig = await transport.rig();
    const outbox = new MemoryOutbox(1000);
    outbox.enqueue(points(1, 12));
    const sender = await rig.sender(outbox);
    await until(() => expect(rig.batches().flat()).toHaveLength(12));
    expect(rig.batches()).toEqual([points(1, 5), points(6, 10), points(11, 12)]);
    // The other side has the last batch before the sender has its answer (a PUBACK, a 204): wait for it.
    await until(() => expect(outbox.size()).toBe(0));
    await until(() =>
      expect(sender.status()).toMatchObject({ delivered_points: 12, delivered_batches: 3, failures: 0 }),
    );
  });

  it("sends readings queued after a backlog began draining before the rest of the backlog (live lane)", async () => {
    const rig = await transport.rig();
    const live = [point(101), point(102), point(103)];
    const outbox = outboxWithHook((o) => o.enqueue(live));
    outbox.enqueue(points(1, 20));
    await rig.sender(outbox);
    await until(() => expect(rig.batches().flat()).toHaveLength(23));
    expect(rig.batches()).toEqual([points(1, 5), live, points(6, 10), points(11, 15), points(16, 20)]);
    await until(() => expect(outbox.size()).toBe(0));
  });

  it("keeps the data through a failure that passes by itself, backs off, then delivers each point once", async () => {
    const rig = await transport.rig();
    const outbox = new MemoryOutbox(1000);
    const sender = await rig.sender(outbox);
    rig.failTransiently();
    outbox.enqueue(points(1, 3));
    await until(() => expect(sender.status().failures).toBeGreaterThan(0));
    expect(outbox.size()).toBe(3);
    expect(sender.status().retry_at).toBeGreaterThan(0);
    rig.recover();
    await until(() => expect(outbox.size()).toBe(0));
    await until(() => expect(rig.batches().flat()).toHaveLength(3));
    expect(sender.status()).toMatchObject({ failures: 0, delivered_points: 3, rejected_points: 0 });
    expect(sender.status().failures_total).toBeGreaterThan(0);
    expect(rig.batches().flat()).toEqual(points(1, 3));
  });

  it("sends smaller batches when the other side refuses one as too large, and sets aside a point too large for good", async () => {
    // 40 points of about 130 bytes: one batch is too large, a few points are not; point 7 never fits.
    const rig = await transport.rig({ maxBatchBytes: 3000 });
    const outbox = new MemoryOutbox(1000);
    const all = points(1, 40);
    all[6] = point(7, "x".repeat(4000));
    outbox.enqueue(all);
    const sender = await rig.sender(outbox, { batchMaxPoints: 40 });
    await until(() => expect(outbox.size()).toBe(0));
    await until(() => expect(rig.batches().flat()).toHaveLength(39));
    const got = rig.batches();
    expect(got.flat()).toEqual(all.filter((_, i) => i !== 6));
    expect(Math.max(...got.map((b) => b.length))).toBeLessThan(40);
    expect(sender.status()).toMatchObject({ rejected_points: 1, delivered_points: 39 });
  });
});
