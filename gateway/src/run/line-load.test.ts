import { describe, expect, it } from "vitest";
import { gatewayConfigSchema } from "../config/schema.js";
import type { BusInfo } from "../modbus/link-pool.js";
import { lineLoads } from "./line-load.js";
import { slotsUntilNextPoll } from "./poller.js";
import { type GatewayStatusFile, STATUS_FORMAT } from "./status-file.js";
import { statusText } from "./status-text.js";

const serial = { path: "/dev/ttyUSB0", baud: 9600 };
const devices = gatewayConfigSchema.parse({
  institution: "x",
  uplink: { url: "http://127.0.0.1:1" },
  devices: [
    { id: "inv-1", profile: "sunspec", serial, unit: 1, interval: "2s" },
    { id: "inv-2", profile: "sunspec", serial, unit: 2, interval: "5s" },
    { id: "meter", profile: "sunspec", host: "192.168.1.9", unit: 1 },
  ],
}).devices;

const bus = (where: string, serialised: boolean): BusInfo => ({
  where,
  units: [1, 2],
  users: 2,
  serialised,
  stats: {} as BusInfo["stats"],
  load: {
    window_ms: 60_000,
    busy_ms: 36_000,
    units: [
      { unit: 2, busy_ms: 30_000, requests: 15, timeouts: 15 },
      { unit: 1, busy_ms: 6_000, requests: 30, timeouts: 0 },
    ],
  },
});

describe("line load", () => {
  it("scales the minute's wire time to the line's shortest interval and names the devices of each unit", () => {
    const loads = lineLoads([bus("/dev/ttyUSB0 9600 8N1", true), bus("192.168.1.9:502", false)], devices);
    expect(loads).toEqual([
      {
        where: "/dev/ttyUSB0 9600 8N1",
        window_ms: 60_000,
        busy_ms: 36_000,
        interval_ms: 2000,
        busy_per_interval_ms: 1200,
        units: [
          { unit: 2, devices: ["inv-2"], busy_ms: 30_000, requests: 15, timeouts: 15 },
          { unit: 1, devices: ["inv-1"], busy_ms: 6_000, requests: 30, timeouts: 0 },
        ],
      },
    ]);
  });

  it("is shown by jisr gateway status with the unit that costs most", () => {
    const now = Date.UTC(2026, 11, 5, 12);
    const status: GatewayStatusFile = {
      format: STATUS_FORMAT,
      institution: "x",
      gateway_id: "gw",
      pid: 1,
      started_at: now - 60_000,
      written_at: now,
      status_interval_ms: 5000,
      devices: [],
      lines: lineLoads([bus("/dev/ttyUSB0 9600 8N1", true)], devices),
      queue: { kind: "memory", points: 0, bytes: 0, dropped_total: 0 },
      uplink: {
        url: "http://h",
        delivered_points: 0,
        delivered_batches: 0,
        rejected_points: 0,
        failures: 0,
        failures_total: 0,
      },
    };
    const text = statusText({
      configPath: "g.yaml",
      statusPath: "s.json",
      queuePath: "q",
      status,
      liveness: { running: true },
      queueFile: { kind: "missing" },
      now,
    });
    expect(text).toContain("  /dev/ttyUSB0 9600 8N1: busy 1.2 s of every 2 s (60 %)\n");
    expect(text).toContain("    most: unit 2 (inv-2), 1 s per interval, 15 of 15 requests unanswered\n");
  });
});

describe("slotsUntilNextPoll", () => {
  it("waits one slot while the device answers, then 1, 2, 4 ... slots up to the cap", () => {
    const slots = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => slotsUntilNextPoll(n, 2000, 300_000));
    expect(slots).toEqual([1, 1, 2, 4, 8, 16, 32, 64, 128, 150, 150, 150]);
    // A cap shorter than the interval still polls every slot.
    expect(slotsUntilNextPoll(5, 10_000, 1000)).toBe(1);
  });
});
