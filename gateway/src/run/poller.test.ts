import { createServer, type Server } from "node:net";
import type { Point } from "@jisr/core";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeviceConfig } from "../config/schema.js";
import { SunspecDriver } from "../drivers/sunspec/driver.js";
import { type ModbusTcpProxy, startModbusTcpProxy } from "../drivers/testing/modbus-tcp-proxy.js";
import type { Driver } from "../drivers/types.js";
import { DevicePoller } from "./poller.js";

interface LogLine {
  level: number;
  msg: string;
  device?: string;
}

function capture(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { logger: pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s)) }), lines };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function device(id: string, port: number, overrides: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    id,
    profile: "sunspec",
    host: "127.0.0.1",
    port,
    unit: 1,
    interval: 200,
    timeout: 1000,
    retries: 0,
    ...overrides,
  };
}

async function simulatorBehindProxy(): Promise<{ sim: SunspecInverterHandle; proxy: ModbusTcpProxy }> {
  const sim = await startSunspecInverter({
    port: 0,
    unit: 1,
    kwp: 10,
    speed: 60,
    start: new Date("2026-06-21T12:40:00Z"),
  });
  const proxy = await startModbusTcpProxy({ host: "127.0.0.1", port: sim.port });
  cleanup.push(
    () => sim.close(),
    () => proxy.close(),
  );
  return { sim, proxy };
}

/** A TCP server that accepts connections and never answers: a device hung mid-request. */
async function blackHole(): Promise<number> {
  // resume(): read and discard the requests, so the socket sees the client's FIN and can close.
  const server: Server = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

function startPoller(
  driver: Driver,
  intervalMs: number,
  logger: pino.Logger,
  onPoints: (p: Point[]) => void,
) {
  const poller = new DevicePoller(driver, { intervalMs, logger, onPoints });
  cleanup.push(async () => {
    await poller.stop(100);
    await driver.close();
  });
  poller.start();
  return poller;
}

describe("DevicePoller", () => {
  it("polls on a fixed grid from the start, never overlapping, skipping slots a slow poll overran", async () => {
    const starts: number[] = [];
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    // A driver whose every third poll takes 2.5 intervals: the scheduler, not the device, is under test.
    const slow: Driver = {
      id: "slow",
      init: async () => [],
      close: async () => {},
      poll: async (now) => {
        starts.push(now);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, calls++ % 3 === 2 ? 500 : 10));
        running--;
        return [];
      },
    };
    const { logger } = capture();
    startPoller(slow, 200, logger, () => {});
    await vi.waitFor(() => expect(starts.length).toBeGreaterThanOrEqual(8), { timeout: 5000, interval: 20 });

    expect(maxRunning).toBe(1);
    const t0 = starts[0] ?? 0;
    const slots = starts.map((t) => Math.round((t - t0) / 200));
    // Every start sits on start + k × 200 ms (timer jitter only, bounded generously for a busy
    // machine), so delays never add up.
    for (const [i, t] of starts.entries())
      expect(Math.abs(t - t0 - (slots[i] ?? 0) * 200), `poll ${i}`).toBeLessThan(80);
    // The slow polls (2, 5, ...) make the scheduler skip the slots they overran, never poll twice in one.
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.slice(0, 5)).toEqual([0, 1, 2, 5, 6]);
  });

  it("keeps a healthy device on schedule while another one hangs", async () => {
    const { proxy } = await simulatorBehindProxy();
    const hungPort = await blackHole();
    const { logger } = capture();
    const ctx = { institution: "ehpad-ben-guerir", logger };
    const good: number[] = [];
    const healthyDriver = new SunspecDriver(device("inv-1", proxy.port), ctx);
    await healthyDriver.init();
    await healthyDriver.poll(Date.now()); // discovery done, so every point below carries its slot time
    // The hung device's first poll waits 3 × 2 s (one timeout per SunSpec base address it tries).
    const hungDriver = new SunspecDriver(device("hung", hungPort, { timeout: 2000 }), ctx);
    await hungDriver.init();
    const hung = startPoller(hungDriver, 200, logger, () => {});
    // The poll's start (`now`): points carry the time of their answer, which varies with the machine.
    const healthy = startPoller(
      {
        id: healthyDriver.id,
        init: () => healthyDriver.init(),
        close: () => healthyDriver.close(),
        poll: (now, options) => {
          good.push(now);
          return healthyDriver.poll(now, options);
        },
      },
      200,
      logger,
      () => {},
    );

    await vi.waitFor(() => expect(good.length).toBeGreaterThanOrEqual(6), { timeout: 5000, interval: 20 });
    // Six polls while the other device's first poll is still waiting: polls never queue behind each other...
    expect(hung.health()).toMatchObject({ polls: 1, state: "starting" });
    // ...each on its slot of the grid (timer jitter aside), none delayed by the hung one.
    const t0 = good[0] ?? 0;
    for (const t of good) expect(Math.abs(((t - t0 + 100) % 200) - 100)).toBeLessThan(60);
    expect(healthy.health()).toMatchObject({ id: "inv-1", state: "online", failed_polls: 0 });
  });

  it("marks a failing device offline once, with the reason, and brings it back by itself", async () => {
    const { proxy } = await simulatorBehindProxy();
    const { logger, lines } = capture();
    const driver = new SunspecDriver(device("inv-1", proxy.port), {
      institution: "ehpad-ben-guerir",
      logger,
    });
    await driver.init();
    const poller = startPoller(driver, 200, logger.child({ device: "inv-1" }), () => {});
    await vi.waitFor(() => expect(poller.health().state).toBe("online"), { timeout: 5000, interval: 20 });

    await proxy.pause();
    await vi.waitFor(() => expect(poller.health().failed_polls).toBeGreaterThanOrEqual(4), {
      timeout: 10_000,
      interval: 20,
    });
    const offline = poller.health();
    expect(offline.state).toBe("offline");
    expect(offline.reason).toMatch(/^device "inv-1" at 127\.0\.0\.1:\d+ unit 1: /);
    expect(lines.filter((l) => l.msg.startsWith("Device offline"))).toHaveLength(1);
    expect(lines.find((l) => l.msg.startsWith("Device offline"))?.level).toBe(40);

    await proxy.resume();
    await vi.waitFor(() => expect(poller.health().state).toBe("online"), { timeout: 10_000, interval: 20 });
    expect(lines.filter((l) => l.msg === "Device back online")).toHaveLength(1);
    expect(lines.filter((l) => l.msg.startsWith("Device offline"))).toHaveLength(1);
    expect(poller.health().reason).toBeUndefined();
  });

  it("hands the polls of a moment to a shared sink in one call, and logs them as polled only after it returned", async () => {
    const { logger, lines } = capture();
    const instant = (id: string): Driver => ({
      id,
      init: async () => [],
      close: async () => {},
      poll: async (now) => [
        { measurement: "pv_inverter", tags: { device: id }, fields: { power_w: 1 }, time: now },
      ],
    });
    const calls: { devices: string[]; polledLogged: number }[] = [];
    let refuse = false;
    const sink = (points: Point[]) => {
      if (refuse) throw new Error("disk full");
      calls.push({
        devices: points.map((p) => p.tags.device as string),
        polledLogged: lines.filter((l) => l.msg === "Polled").length,
      });
    };
    // Same slots (1 s apart), both polls end within the hold (250 ms): one call, hence one transaction.
    startPoller(instant("inv-1"), 1000, logger.child({ device: "inv-1" }), sink);
    startPoller(instant("inv-2"), 1000, logger.child({ device: "inv-2" }), sink);
    await vi.waitFor(() => expect(lines.filter((l) => l.msg === "Polled")).toHaveLength(2), {
      timeout: 5000,
      interval: 10,
    });
    expect(calls).toEqual([{ devices: ["inv-1", "inv-2"], polledLogged: 0 }]);

    // A queue that refuses a call: neither poll of it is said to be polled, the loss is logged once.
    refuse = true;
    await vi.waitFor(() => expect(lines.filter((l) => l.msg.startsWith("Could not queue"))).toHaveLength(2), {
      timeout: 5000,
      interval: 10,
    });
    expect(lines.filter((l) => l.msg === "Polled")).toHaveLength(2);
  });
});
