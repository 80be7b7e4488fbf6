import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { ServerTCP } from "modbus-serial";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../../../test/servers/free-port.js";
import type { DeviceConfig } from "../../config/schema.js";
import { LinkPool } from "../../modbus/link-pool.js";
import { createDriver } from "../index.js";
import { type ModbusTcpProxy, startModbusTcpProxy } from "../testing/modbus-tcp-proxy.js";
import { DeviceError } from "../types.js";
import { SunspecDriver } from "./driver.js";

const T0 = Date.UTC(2026, 5, 21, 12, 0, 0);
const logger = pino({ level: "silent" });

let sim: SunspecInverterHandle;
let proxy: ModbusTcpProxy;
let clockMs: number;
let driver: SunspecDriver | undefined;
let links: LinkPool;

beforeEach(async () => {
  sim = await startSunspecInverter({
    port: 0,
    unit: 1,
    kwp: 10,
    speed: 60,
    start: new Date("2026-06-21T12:40:00Z"),
  });
  proxy = await startModbusTcpProxy({ host: "127.0.0.1", port: sim.port });
  clockMs = T0;
  // The links' reconnect backoff runs on the same clock as the driver's.
  links = new LinkPool({ clock: () => clockMs });
});

afterEach(async () => {
  await driver?.close();
  driver = undefined;
  await links.closeAll();
  await proxy.close();
  await sim.close();
});

function makeDriver(overrides: Partial<DeviceConfig> = {}): SunspecDriver {
  const device: DeviceConfig = {
    id: "inv-1",
    profile: "sunspec",
    host: "127.0.0.1",
    port: proxy.port,
    unit: 1,
    interval: 1000,
    timeout: 500,
    retries: 0,
    ...overrides,
  };
  driver = new SunspecDriver(device, {
    institution: "ehpad-ben-guerir",
    logger,
    clock: () => clockMs,
    links,
  });
  return driver;
}

const markerReads = () => proxy.requests.filter((r) => r.address === 40000 && r.quantity === 2).length;

async function pollError(d: SunspecDriver, now: number): Promise<DeviceError> {
  const err = await d.poll(now).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceError);
  return err as DeviceError;
}

describe("SunspecDriver", () => {
  it("is the driver registered for the sunspec profile, and its constructor does no I/O", () => {
    const d = createDriver(
      {
        id: "inv-9",
        profile: "sunspec",
        host: "127.0.0.1",
        port: proxy.port,
        unit: 1,
        interval: 1000,
        timeout: 500,
        retries: 0,
      },
      { institution: "x", logger },
    );
    expect(d).toBeInstanceOf(SunspecDriver);
    expect(d.id).toBe("inv-9");
    expect(proxy.connections).toBe(0);
  });

  it("reads one model per request from then on when the device refuses a read across models", async () => {
    // A second proxy that answers exception 2 for any read longer than one model's block: some devices
    // serve only ranges within one model.
    const strict = await startModbusTcpProxy(
      { host: "127.0.0.1", port: sim.port },
      { refuse: (r) => r.functionCode === 3 && r.address !== 40000 && r.quantity > 52 },
    );
    try {
      const d = makeDriver({ port: strict.port });
      expect(await d.init()).toEqual([]);
      clockMs = T0 + 1000;
      const first = await d.poll(T0 + 1000);
      expect(first.filter((p) => p.measurement === "pv_mppt").map((p) => p.tags.mppt)).toEqual(["1", "2"]);
      expect(first.some((p) => p.measurement === "pv_inverter")).toBe(true);
      // The joined read of 103 and 160 was refused once; the poll then read each model alone.
      const refusedReads = strict.requests.filter((r) => r.quantity > 52 && r.address !== 40000);
      expect(refusedReads).toHaveLength(1);

      const before = strict.requests.length;
      clockMs = T0 + 2000;
      const points = await d.poll(T0 + 2000);
      const reads = strict.requests.slice(before);
      expect(reads.map((r) => [r.address, r.quantity])).toEqual([
        [40070, 52],
        [40122, 50],
      ]);
      expect(points.find((p) => p.measurement === "pv_inverter")?.fields.power_w).toBe(
        sim.servedAt(Date.now())?.values.W,
      );
    } finally {
      await driver?.close();
      driver = undefined;
      await strict.close();
    }
  });

  it("discovers once, then reads only the model bodies on every poll", async () => {
    const d = makeDriver();
    expect(await d.init()).toEqual([]);
    expect(proxy.connections).toBe(1);
    expect(proxy.requests).toHaveLength(0); // init connects; discovery waits for the first poll
    clockMs = T0 + 1005;
    const first = await d.poll(T0 + 1000);
    expect(markerReads()).toBe(1);
    // Discovery took time, so the first points carry the clock read after it, just before the models.
    expect(first.every((p) => p.time === T0 + 1005)).toBe(true);

    const before = proxy.requests.length;
    // The points carry the clock read as each model's answer arrived, not the poll's start.
    clockMs = T0 + 2007;
    const points = await d.poll(T0 + 2000);
    const perPoll = proxy.requests.length - before;
    await d.poll(T0 + 3000);
    await d.poll(T0 + 4000);

    expect(markerReads()).toBe(1);
    // Models 103 (inverter) and 160 (MPPT) lie side by side within 125 registers: one request a poll;
    // the common model 1 yields no reading and is not read again.
    expect(perPoll).toBe(1);
    expect(proxy.requests.length - before).toBe(3 * perPoll);
    expect(proxy.connections).toBe(1);
    expect(proxy.requests.every((r) => r.functionCode === 3 && r.unit === 1)).toBe(true);

    const inverter = points.find((p) => p.measurement === "pv_inverter");
    expect(inverter).toMatchObject({
      tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
      time: T0 + 2007,
    });
    expect(inverter?.fields.power_w).toBe(sim.servedAt(Date.now())?.values.W);
    expect(points.filter((p) => p.measurement === "pv_mppt").map((p) => p.tags.mppt)).toEqual(["1", "2"]);
    expect(points.every((p) => p.time === T0 + 2007)).toBe(true);
  });

  it("after the connection drops, fails the poll, waits out the backoff, then reconnects and rediscovers", async () => {
    const d = makeDriver();
    await d.init();
    await d.poll(T0);
    proxy.dropConnections();

    const err = await pollError(d, T0 + 1000);
    expect(["transport", "timeout"]).toContain(err.kind);
    expect(err.message).toMatch(new RegExp(`^device "inv-1" at 127.0.0.1:${proxy.port} unit 1: `));

    // Within the backoff the driver does not even try: same error, no new connection.
    expect(await pollError(d, T0 + 1100)).toBe(err);
    expect(proxy.connections).toBe(1);

    clockMs += 61_000; // past the longest reconnect delay
    const points = await d.poll(clockMs);
    expect(points.length).toBeGreaterThan(0);
    expect(proxy.connections).toBe(2);
    expect(markerReads()).toBe(2);
  });

  it("with retries, recovers from a dropped connection within the same poll", async () => {
    const d = makeDriver({ retries: 1 });
    await d.init();
    proxy.dropConnections();
    const points = await d.poll(T0);
    expect(points.some((p) => p.measurement === "pv_inverter")).toBe(true);
    expect(proxy.connections).toBe(2);
  });

  it("starts without error while the device is unreachable, and comes back by itself", async () => {
    await proxy.pause();
    const d = makeDriver();
    expect(await d.init()).toEqual([]);
    const err = await pollError(d, T0);
    expect(err.kind).toBe("transport");
    expect(err.message).toContain("connection refused");

    await proxy.resume();
    expect(await pollError(d, T0 + 10)).toBe(err); // still backing off
    expect(proxy.connections).toBe(0);
    clockMs += 61_000;
    expect((await d.poll(clockMs)).length).toBeGreaterThan(0);
    expect(proxy.connections).toBe(1);
  });

  it("reports a silent unit as a timeout that names the device and its unit", async () => {
    const d = makeDriver({ unit: 7, timeout: 200 });
    expect(await d.init()).toEqual([]);
    const err = await pollError(d, T0);
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/^device "inv-1" at 127\.0\.0\.1:\d+ unit 7: no answer/);
  });

  it("tells a Modbus device without SunSpec apart from a network failure", async () => {
    const zeros = {
      getHoldingRegister: () => 0,
      getMultipleHoldingRegisters: (_a: number, n: number) => new Array(n).fill(0),
    };
    const port = await freePort(); // modbus-serial reads port 0 as 502
    const plain = new ServerTCP(zeros, { host: "127.0.0.1", port, unitID: 1 });
    await new Promise((resolve) => plain.on("initialized", resolve));
    try {
      const d = makeDriver({ port });
      await d.init();
      const err = await pollError(d, T0);
      expect(err.kind).toBe("device");
      expect(err.message).toContain('no "SunS" marker');
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
