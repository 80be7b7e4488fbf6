/**
 * Weeks alone, time compressed (issue 13): 30 days without uplink leave a queue that the disk budget
 * bounds (the oldest dropped and counted); when the link returns, the gateway drains the backlog OLDEST
 * FIRST, while the readings it takes meanwhile go out within one poll interval (the sender's live lane),
 * not after the whole backlog. A real gateway (runGateway, SQLite queue on disk), a SunSpec inverter on
 * Modbus TCP and a recording HTTP server in the ingestion service's place, slowed down so the drain takes
 * several poll intervals as a long backlog on a slow link does.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { parseGatewayConfig, runGateway, SqliteOutbox } from "@jisr/gateway";
import { type RecordingServer, startRecordingServer } from "@jisr/gateway/testing";
import { startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../servers/free-port.js";

const INSTITUTION = "ehpad-ben-guerir";
const MiB = 1024 * 1024;
const BUDGET = 2 * MiB;
const DAY = 86_400_000;
const STEP = 5 * 60_000;
const INTERVAL_MS = 2000;
const T_END = Date.UTC(2026, 11, 1, 0, 0, 0);

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** One reading of the 30 days without link: three inverters every 5 min, about 300 bytes each. */
function oldReading(device: number, time: number): Point {
  return {
    measurement: "pv_inverter",
    tags: { institution: INSTITUTION, device: `old-inv-${device}` },
    fields: { power_w: (time / STEP) % 5000, energy_wh: time / STEP, ac_voltage_v: 231.4, state: "MPPT" },
    time,
  };
}

/** Writes 30 days of readings into the queue file, a day per transaction, as the outage would have. */
function thirtyDaysAlone(path: string): { written: number; kept: number[]; dropped: number } {
  const outbox = SqliteOutbox.open({ path, maxBytes: BUDGET });
  let written = 0;
  for (let day = 30; day > 0; day--) {
    const points: Point[] = [];
    for (let t = T_END - day * DAY; t < T_END - (day - 1) * DAY; t += STEP)
      for (let d = 1; d <= 3; d++) points.push(oldReading(d, t));
    outbox.enqueue(points);
    written += points.length;
  }
  const kept = outbox.peek(1_000_000).map((e) => e.point.time);
  const dropped = outbox.stats().dropped_total;
  outbox.close();
  return { written, kept, dropped };
}

const arrivals = (server: RecordingServer, device: (d: string) => boolean) =>
  server.requests.flatMap((r) =>
    r.points.filter((p) => device(p.tags.device ?? "")).map((p) => ({ time: p.time, at: r.at })),
  );

describe("weeks alone", () => {
  it("keeps 30 days within the disk budget, then drains oldest first while live readings go out within one interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-e2e-weeks-alone-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const queuePath = join(dir, "data", "outbox.sqlite");
    const footprint = () =>
      statSync(queuePath).size + (existsSync(`${queuePath}-wal`) ? statSync(`${queuePath}-wal`).size : 0);

    // 30 days × 3 inverters × every 5 min: more than the budget holds; the oldest are dropped.
    const outage = thirtyDaysAlone(queuePath);
    expect(outage.written).toBe(30 * 288 * 3);
    expect(outage.dropped).toBeGreaterThan(0);
    expect(outage.kept.length + outage.dropped).toBe(outage.written);
    expect(outage.kept.length).toBeGreaterThan(3000);
    expect(footprint()).toBeLessThanOrEqual(BUDGET);

    const sim = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => sim.close());
    const port = await freePort(); // nothing listens yet: the link is still down
    const config = parseGatewayConfig(
      `
institution: ${INSTITUTION}
data_dir: ${join(dir, "data")}
buffer: { max_bytes: 2MiB }
uplink: { url: "http://127.0.0.1:${port}", token: t0ken, flush_interval: 200ms, batch_max_points: 200 }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: ${INTERVAL_MS}ms }
`,
      { env: {} },
    );
    const gateway = await runGateway(config, {
      logger: pino({ level: "silent" }),
      uplinkRetry: { initialMs: 200, maxMs: 400 },
    });
    cleanup.push(() => gateway.stop());
    // A few polls while the link is still down: they join the backlog.
    await vi.waitFor(() => expect(gateway.status().devices[0]?.polls).toBeGreaterThanOrEqual(2), {
      timeout: 20_000,
      interval: 100,
    });
    expect(footprint()).toBeLessThanOrEqual(BUDGET);

    // The link returns, slow: 500 ms per request, so the backlog (over 3000 points in batches of 200, at
    // least 15 requests) takes more than 3 poll intervals to drain however fast the machine is; a live
    // reading still waits at most one backlog request and its own (1.2 s with the flush, < 2 s).
    const server = await startRecordingServer([], () => ({ status: 204 }), { port, delayMs: 500 });
    cleanup.push(() => server.close());
    await vi.waitFor(() => expect(gateway.status().queue.points).toBeLessThan(50), {
      timeout: 50_000,
      interval: 200,
    });
    const drainStart = server.requests[0]?.at as number;

    // Oldest first: the 30 days arrive in the order they were taken, and they are the newest kept ones
    // (live readings arriving while the queue was full pushed a few more of the oldest out).
    const backlog = arrivals(server, (d) => d.startsWith("old-inv"));
    const times = backlog.map((b) => b.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.length).toBeGreaterThan(3000);
    expect([...new Set(times)]).toEqual([...new Set(outage.kept.slice(outage.kept.length - times.length))]);
    const drainEnd = Math.max(...backlog.map((b) => b.at));
    expect(drainEnd - drainStart).toBeGreaterThan(3 * INTERVAL_MS);

    // Live: every reading taken after the drain began went out within one poll interval of being
    // stamped, most of them while the backlog was still going out.
    const live = arrivals(server, (d) => d === "inv-1").filter((a) => a.time >= drainStart);
    const duringDrain = live.filter((a) => a.at < drainEnd);
    expect(duringDrain.length).toBeGreaterThanOrEqual(2);
    for (const a of live) expect(a.at - a.time).toBeLessThanOrEqual(INTERVAL_MS);

    expect(gateway.status().queue.dropped_total).toBeGreaterThanOrEqual(outage.dropped);
    expect(footprint()).toBeLessThanOrEqual(BUDGET);
  }, 90_000);
});
