import { type SunspecRtuBusHandle, startSunspecRtuBus } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PtyPair, startPtyPair } from "../../../../test/servers/socat.js";
import type { DeviceConfig } from "../../config/schema.js";
import { LinkPool } from "../../modbus/link-pool.js";
import { DevicePoller } from "../../run/poller.js";
import { DeviceError } from "../types.js";
import { SunspecDriver } from "./driver.js";

/**
 * The SunSpec driver over Modbus RTU for real: simulated inverters answer on one end of a socat
 * pseudo-terminal pair, the gateway reads the other end. Several devices on the bus share one link.
 */

const T0 = Date.UTC(2026, 5, 21, 12, 0, 0);
const logger = pino({ level: "silent" });
const START = new Date("2026-06-21T12:40:00Z");

let pty: PtyPair;
let bus: SunspecRtuBusHandle;
let links: LinkPool;
let clockMs: number;
const drivers: SunspecDriver[] = [];

async function startBus(): Promise<SunspecRtuBusHandle> {
  // tickMs 0: the registers change only on tick(), so what was served is what the gateway must read.
  return startSunspecRtuBus({
    path: pty.a,
    inverters: [
      { unit: 1, kwp: 10, seed: 1, start: START, tickMs: 0 },
      { unit: 2, kwp: 20, seed: 2, start: START, tickMs: 0 },
    ],
  });
}

beforeEach(async () => {
  pty = await startPtyPair();
  bus = await startBus();
  clockMs = T0;
  links = new LinkPool({ clock: () => clockMs });
});

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  await links.closeAll();
  await bus.close();
  await pty.stop();
});

function rtuDriver(id: string, unit: number, overrides: Partial<DeviceConfig> = {}): SunspecDriver {
  const device: DeviceConfig = {
    id,
    profile: "sunspec",
    serial: { path: pty.b, baud: 9600, parity: "none", data_bits: 8, stop_bits: 1 },
    port: 502,
    unit,
    interval: 1000,
    // Generous: a loaded test machine must not turn a live inverter into a timeout.
    timeout: 1000,
    retries: 0,
    ...overrides,
  };
  const d = new SunspecDriver(device, {
    institution: "ehpad-ben-guerir",
    logger,
    clock: () => clockMs,
    links,
  });
  drivers.push(d);
  return d;
}

async function pollError(d: SunspecDriver, now: number): Promise<DeviceError> {
  const err = await d.poll(now).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceError);
  return err as DeviceError;
}

const requestsOf = (unit: number) => bus.server.requests.filter((r) => r.unit === unit).length;
const served = (unit: number) => bus.inverters.get(unit)?.servedAt(Date.now())?.values;

describe("SunspecDriver over Modbus RTU", () => {
  it("reads a simulated SunSpec inverter through the pty pair", async () => {
    const d = rtuDriver("inv-1", 1);
    expect(await d.init()).toEqual([]);
    const points = await d.poll(T0);
    const inverter = points.find((p) => p.measurement === "pv_inverter");
    expect(inverter?.tags).toEqual({ institution: "ehpad-ben-guerir", device: "inv-1" });
    expect(inverter?.fields.power_w).toBe(served(1)?.W);
    expect(inverter?.fields.energy_wh).toBe(served(1)?.WH);
    expect(points.filter((p) => p.measurement === "pv_mppt")).toHaveLength(2);
    expect(bus.server.requests.every((r) => r.unit === 1 && r.functionCode === 3)).toBe(true);
  });

  it("shares one link among the units of one bus, one request at a time", async () => {
    const a = rtuDriver("inv-1", 1);
    const b = rtuDriver("inv-2", 2);
    await Promise.all([a.init(), b.init()]);
    for (let round = 0; round < 3; round++) {
      const [pa, pb] = await Promise.all([a.poll(T0 + round * 1000), b.poll(T0 + round * 1000)]);
      const power = (points: typeof pa) =>
        points.find((p) => p.measurement === "pv_inverter")?.fields.power_w;
      expect(power(pa)).toBe(served(1)?.W);
      expect(power(pb)).toBe(served(2)?.W);
    }
    const [info, ...others] = links.buses();
    expect(others).toEqual([]);
    expect(info).toMatchObject({ units: [1, 2], users: 2, serialised: true });
    // Every request reached the bus alone and was answered: none garbled, none lost to a collision.
    expect(info?.stats).toMatchObject({ maxInFlight: 1, connects: 1, timeouts: 0, frameErrors: 0 });
    expect(info?.stats.answered).toBe(bus.server.requests.length);
    expect(requestsOf(1)).toBe(requestsOf(2));
  });

  it("refuses a second device on the same port with other line settings, as a config error", async () => {
    await rtuDriver("inv-1", 1).init();
    const other = rtuDriver("inv-2", 2, {
      serial: { path: pty.b, baud: 19_200, parity: "even", data_bits: 8, stop_bits: 1 },
    });
    const [problem, ...more] = await other.init();
    expect(more).toEqual([]);
    expect(problem).toBeInstanceOf(DeviceError);
    expect((problem as DeviceError).kind).toBe("config");
    expect(problem?.message).toBe(
      `device "inv-2": serial port ${pty.b} is already used at 9600 8N1 by another device, not 19200 8E1: ` +
        "every device on one RS-485 bus must use the same baud rate, parity, data and stop bits",
    );
  });

  it("shows a wrong unit id as a timeout, and lets the others have the bus while it rests", async () => {
    const a = rtuDriver("inv-1", 1);
    const b = rtuDriver("inv-2", 2);
    const wrong = rtuDriver("inv-9", 9, { timeout: 150, retries: 1 });
    await Promise.all([a.init(), b.init(), wrong.init()]);

    const first = await Promise.all([a.poll(T0), b.poll(T0), pollError(wrong, T0)]);
    const err = first[2];
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe(
      `device "inv-9" at ${pty.b} 9600 8N1 unit 9: no answer at register 40000, 0, 50000 (timed out): check the unit id`,
    );
    // Bounded: three base addresses, each tried twice (retries: 1), then no more.
    expect(requestsOf(9)).toBe(6);

    const perPoll = (unit: number, before: number) => requestsOf(unit) - before;
    for (const step of [100, 200, 300]) {
      const [before1, before2] = [requestsOf(1), requestsOf(2)];
      clockMs = T0 + step; // within the first backoff (500 to 1000 ms)
      const [pa, pb, again] = await Promise.all([
        a.poll(clockMs),
        b.poll(clockMs),
        pollError(wrong, clockMs),
      ]);
      expect(again).toBe(err);
      expect(pa.length).toBeGreaterThan(0);
      expect(pb.length).toBeGreaterThan(0);
      // The bus carried the two live inverters' model reads (one request each: models 103 and 160 in
      // one span) and nothing for the wrong unit.
      expect(perPoll(1, before1)).toBe(1);
      expect(perPoll(2, before2)).toBe(1);
    }
    expect(requestsOf(9)).toBe(6);
    // A timeout on a serial line is one unit's silence: the line stayed open for the others.
    expect(links.buses()[0]?.stats.connects).toBe(1);
  });

  it("reopens the port by itself after the cable is pulled and put back", async () => {
    const d = rtuDriver("inv-1", 1);
    await d.init();
    expect((await d.poll(T0)).length).toBeGreaterThan(0);

    await bus.close();
    await pty.unplug();
    const err = await pollError(d, T0 + 1000);
    expect(["transport", "timeout"]).toContain(err.kind);

    await pty.replug();
    bus = await startBus();
    clockMs = T0 + 120_000; // past the device's and the link's backoff
    expect((await d.poll(clockMs)).some((p) => p.measurement === "pv_inverter")).toBe(true);
    expect(links.buses()[0]?.stats.connects).toBe(2);
  });

  it("marks a device that dies offline with the reason, and back online by itself", async () => {
    // Real time here: the poller runs on timers, and we wait for states with a bounded poll.
    const realLinks = new LinkPool();
    const device: DeviceConfig = {
      id: "inv-2",
      profile: "sunspec",
      serial: { path: pty.b, baud: 9600, parity: "none", data_bits: 8, stop_bits: 1 },
      port: 502,
      unit: 2,
      interval: 200,
      timeout: 150,
      retries: 0,
    };
    const d = new SunspecDriver(device, { institution: "x", logger, links: realLinks });
    await d.init();
    const poller = new DevicePoller(d, { intervalMs: 200, logger, onPoints: () => {} });
    const until = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting until ${what}: ${JSON.stringify(poller.health())}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      poller.start();
      await until("online", () => poller.health().state === "online");
      bus.server.setSilent(2, true);
      await until("offline", () => poller.health().state === "offline");
      expect(poller.health().reason).toMatch(/^device "inv-2" at .* unit 2: no answer .*\(timed out\)/);
      bus.server.setSilent(2, false);
      await until("back online", () => poller.health().state === "online");
      expect(poller.health().failed_polls).toBeGreaterThan(0);
    } finally {
      await poller.stop();
      await d.close();
      await realLinks.closeAll();
    }
  });
});
