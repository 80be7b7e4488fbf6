/**
 * The queue's disk budget (issue 3): buffer.max_bytes bounds the queue files; when the server has been
 * away so long that the queue is full, the OLDEST readings are dropped, counted (the count travels as
 * the gateway_health reading dropped_points_total) and logged once. Everything newer still arrives.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import { parseGatewayConfig, runGateway, SqliteOutbox } from "@jisr/gateway";
import { addToken, startIngestion } from "@jisr/ingestion";
import { startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../servers/context.js";
import { freePort } from "../servers/free-port.js";
import { query, storedTimes } from "./helpers/influx.js";
import { logLines, logSink, missing, polledAt } from "./helpers/polls.js";

const INSTITUTION = "ehpad-ben-guerir";
const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 5, 20, 6, 0, 0);

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Readings of a day when the link was down, from a device that is gone now: about 350 bytes each. */
function backlogReading(n: number): Point {
  return {
    measurement: "pv_inverter",
    tags: { institution: INSTITUTION, device: "old-inv" },
    fields: { power_w: n, energy_wh: 1_000_000 + n, ac_voltage_v: 231.4, frequency_hz: 50.01, state: "MPPT" },
    time: T0 + n * 10_000,
  };
}

/** Fills the queue file up to its budget, as a long outage would have: returns the times it kept. */
function fillToBudget(path: string, maxBytes: number): { kept: number[]; dropped: number } {
  const outbox = SqliteOutbox.open({ path, maxBytes });
  let n = 0;
  while (outbox.stats().dropped_total === 0)
    outbox.enqueue(Array.from({ length: 200 }, () => backlogReading(++n)));
  const kept = outbox.peek(1_000_000).map((e) => e.point.time);
  const dropped = outbox.stats().dropped_total;
  outbox.close();
  return { kept, dropped };
}

describe("the queue's disk budget", () => {
  it("stays within buffer.max_bytes, drops the oldest with a counter and one log line, and delivers the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-e2e-budget-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const queuePath = join(dir, "state", "outbox.sqlite");
    const backlog = fillToBudget(queuePath, MiB);
    expect(backlog.kept.length).toBeGreaterThan(1000);

    const database = uniqueDatabase("e2e_budget");
    const store = new InfluxStore({ url: influxUrl(), database });
    cleanup.push(() => store.close());
    const { token } = await addToken(join(dir, "tokens.json"), INSTITUTION);
    const port = await freePort(); // nothing listens there yet: the link is down
    const sim = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => sim.close());
    const config = parseGatewayConfig(
      `
institution: ${INSTITUTION}
data_dir: state
buffer: { max_bytes: 1MiB }
health: { interval: 1s }
uplink: { url: "http://127.0.0.1:${port}", token: "${token}", flush_interval: 200ms, batch_max_points: 500 }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
`,
      { env: {}, baseDir: dir },
    );
    const log = logSink();
    const gateway = await runGateway(config, {
      logger: pino({ level: "debug" }, log),
      uplinkRetry: { initialMs: 200, maxMs: 500 },
    });
    cleanup.push(() => gateway.stop());
    const footprint = () =>
      statSync(queuePath).size + (existsSync(`${queuePath}-wal`) ? statSync(`${queuePath}-wal`).size : 0);

    await vi.waitFor(
      () => {
        expect(footprint()).toBeLessThanOrEqual(MiB);
        expect(polledAt(log.text(), "inv-1").length).toBeGreaterThanOrEqual(15);
        expect(gateway.status().queue.dropped_total).toBeGreaterThan(backlog.dropped + 20);
      },
      { timeout: 15_000, interval: 50 },
    );
    const full = logLines(log.text()).filter((l) => l.msg?.startsWith("Queue full"));
    expect(full).toHaveLength(1);
    expect(full[0]?.level).toBe(40);

    const ingestion = await startIngestion({
      store,
      tokensFile: join(dir, "tokens.json"),
      host: "127.0.0.1",
      port,
      logger: pino({ level: "silent" }),
    });
    cleanup.push(() => ingestion.close());
    const maxDroppedReported = async () =>
      (await query(influxUrl(), database, "SELECT max(dropped_points_total) FROM gateway_health"))[0]?.max;
    await vi.waitFor(
      async () => {
        // The readings polled up to 3 s ago: the gateway keeps polling every 200 ms, so on a loaded machine
        // the newest are always on their way. After stop() below, every one of them is checked.
        const settled = polledAt(log.text(), "inv-1").filter((t) => t <= Date.now() - 3000);
        expect(missing(settled, await storedTimes(influxUrl(), database, "inv-1"))).toEqual([]);
        // The counter reaches the server as a reading (every health.interval), for an alert rule to see.
        expect(await maxDroppedReported()).toBe(gateway.status().queue.dropped_total);
      },
      { timeout: 15_000, interval: 200 },
    );
    await gateway.stop();
    const final = gateway.status();
    expect(final.queue.points).toBe(0);
    expect(footprint()).toBeLessThanOrEqual(MiB);

    // Every reading the gateway took arrived; of the backlog, the newest arrived and the oldest were dropped.
    expect(missing(polledAt(log.text(), "inv-1"), await storedTimes(influxUrl(), database, "inv-1"))).toEqual(
      [],
    );
    const arrived = (await storedTimes(influxUrl(), database, "old-inv")).sort((a, b) => a - b);
    expect(arrived.length).toBeGreaterThan(0);
    expect(arrived).toEqual(backlog.kept.slice(backlog.kept.length - arrived.length));
    // Every lost reading was counted. The count may exceed the loss by what was dropped while its batch
    // was already on the wire (it arrived all the same): at most one batch, one being sent at a time.
    const lost = backlog.kept.length - arrived.length;
    const counted = final.queue.dropped_total - backlog.dropped;
    expect(counted).toBeGreaterThanOrEqual(lost);
    expect(counted - lost).toBeLessThanOrEqual(500);
    // Still one log line: the whole outage was one episode.
    expect(logLines(log.text()).filter((l) => l.msg?.startsWith("Queue full"))).toHaveLength(1);
    expect(await maxDroppedReported()).toBe(final.queue.dropped_total);
  });
});
