/**
 * How fast a gateway catches up after a day without link: the durable queue is filled with 24 hours of
 * readings of 40 inverters (one every 10 s each), then the link comes back and the sender drains it
 * into the real ingestion service and InfluxDB. The baseline posts the same batches (same points, gzip
 * JSON, same size) straight to the ingestion service, in the same run, on the same influxd. The ratio
 * says what the queue costs (reading and deleting rows, JSON parsing) on top of the upload itself.
 *
 *   npx tsx bench/gateway-drain.ts [--devices 40 --hours 24 --rounds 2]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Point } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import { addToken, startIngestion } from "@jisr/ingestion";
import { inverterReading } from "@jisr/ingestion/testing";
import { pino } from "pino";
import type { Outbox } from "../gateway/src/uplink/outbox.js";
import { postBatch, writeEndpoint } from "../gateway/src/uplink/post-batch.js";
import { Sender } from "../gateway/src/uplink/sender.js";
import { SqliteOutbox } from "../gateway/src/uplink/sqlite-outbox.js";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";

const { values: args } = parseArgs({
  // "--" arrives when run through npm run; it separates nothing here.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    devices: { type: "string", default: "40" },
    hours: { type: "string", default: "24" },
    rounds: { type: "string", default: "2" },
    "batch-size": { type: "string", default: "5000" },
  },
});
const DEVICES = Number(args.devices);
const HOURS = Number(args.hours);
const ROUNDS = Number(args.rounds);
const BATCH = Number(args["batch-size"]);
const STEP_MS = 10_000;
const INSTITUTION = "bench-institution";

/** One inverter reading, as the gateway queues it: 10 fields, the device's own timestamp. */
function reading(device: number, slot: number, start: number): Point {
  const n = slot * DEVICES + device;
  return inverterReading(INSTITUTION, `inv-${device + 1}`, n, start + slot * STEP_MS);
}

/** The backlog, one hour of all devices per array (as written to the queue, one transaction each). */
function backlog(start: number, hours = HOURS): Point[][] {
  const slotsPerHour = 3_600_000 / STEP_MS;
  return Array.from({ length: hours }, (_, h) =>
    Array.from({ length: slotsPerHour * DEVICES }, (_, i) =>
      reading(i % DEVICES, h * slotsPerHour + Math.floor(i / DEVICES), start),
    ),
  );
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function drainQueue(path: string, hours: Point[][], url: string, token: string) {
  const outbox = SqliteOutbox.open({ path, maxBytes: 4 * 1024 ** 3 });
  const filling = process.hrtime.bigint();
  for (const hour of hours) outbox.enqueue(hour);
  const fillS = seconds(filling);
  const fileMiB = statSync(path).size / 1024 ** 2;
  // The queue's own share of the drain: time spent reading and deleting rows.
  let queueS = 0;
  const timedQueue: Outbox = {
    enqueue: (p) => outbox.enqueue(p),
    size: () => outbox.size(),
    stats: () => outbox.stats(),
    peek: (max) => {
      const t = process.hrtime.bigint();
      const entries = outbox.peek(max);
      queueS += seconds(t);
      return entries;
    },
    ack: (ids) => {
      const t = process.hrtime.bigint();
      outbox.ack(ids);
      queueS += seconds(t);
    },
  };
  const sender = new Sender({
    url,
    token,
    gatewayId: "bench",
    batchMaxPoints: BATCH,
    flushIntervalMs: 60_000,
    timeoutMs: 60_000,
    outbox: timedQueue,
    logger: pino({ level: "warn" }),
  });
  const draining = process.hrtime.bigint();
  await sender.flush();
  const drainS = seconds(draining);
  const left = outbox.size();
  const status = sender.status();
  outbox.close();
  if (left > 0 || status.rejected_points > 0) throw new Error(`drain incomplete: ${JSON.stringify(status)}`);
  return { fillS, drainS, fileMiB, queueS };
}

async function postStraight(points: Point[], url: string, token: string): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < points.length; i += BATCH) {
    const outcome = await postBatch({
      endpoint: writeEndpoint(url),
      token,
      userAgent: "bench",
      points: points.slice(i, i + BATCH),
      signal: AbortSignal.timeout(60_000),
    });
    if (outcome.kind !== "delivered") throw new Error(`straight post failed: ${JSON.stringify(outcome)}`);
  }
  return seconds(started);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  ensurePackages();
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-drain-"));
  const tokensFile = join(dir, "tokens.json");
  const { token } = await addToken(tokensFile, INSTITUTION);
  const stores: InfluxStore[] = [];
  const results = {
    drain: [] as number[],
    straight: [] as number[],
    fill: [] as number[],
    queue: [] as number[],
    file: 0,
  };
  const count = DEVICES * HOURS * (3_600_000 / STEP_MS);
  process.stderr.write(
    `influxd ${influx.url}; ${DEVICES} devices × ${HOURS} h every ${STEP_MS / 1000} s = ${count} readings\n`,
  );
  try {
    // Warm-up, not counted: the JIT, influxd's first shard, the ingestion service's first requests.
    const warm = new InfluxStore({ url: influx.url, database: "bench_warmup" });
    stores.push(warm);
    const warmIngestion = await startIngestion({
      store: warm,
      tokensFile,
      host: "127.0.0.1",
      port: 0,
      logger: false,
    });
    await postStraight(
      backlog(Date.UTC(2026, 8, 1))
        .slice(0, 2)
        .flat(),
      warmIngestion.url,
      token,
    );
    await warmIngestion.close();
    for (let round = 1; round <= ROUNDS; round++) {
      // A fresh database per path and round, so neither runs against a bigger database than the other.
      const start = Date.UTC(2026, 9, 1) + round * 86_400_000;
      const hours = backlog(start);
      const run = async (kind: "drain" | "straight") => {
        const store = new InfluxStore({ url: influx.url, database: `bench_${kind}_${round}` });
        stores.push(store);
        const ingestion = await startIngestion({
          store,
          tokensFile,
          host: "127.0.0.1",
          port: 0,
          logger: false,
        });
        try {
          if (kind === "straight")
            results.straight.push(await postStraight(hours.flat(), ingestion.url, token));
          else {
            const r = await drainQueue(join(dir, `outbox-${round}.sqlite`), hours, ingestion.url, token);
            results.drain.push(r.drainS);
            results.fill.push(r.fillS);
            results.queue.push(r.queueS);
            results.file = r.fileMiB;
          }
        } finally {
          await ingestion.close();
        }
        const s = (kind === "drain" ? results.drain : results.straight).at(-1) as number;
        process.stderr.write(`  round ${round} ${kind}: ${(count / s).toFixed(0)} readings/s\n`);
      };
      // Alternate the order, so neither path always meets a warmer influxd.
      for (const kind of round % 2 === 1
        ? (["straight", "drain"] as const)
        : (["drain", "straight"] as const))
        await run(kind);
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const straight = count / median(results.straight);
  const drain = count / median(results.drain);
  console.log(
    `\nDraining a ${HOURS} h backlog of ${DEVICES} devices (${count} readings, batches of ${BATCH}), median of ${ROUNDS} rounds:`,
  );
  console.log("| path | readings/s | ratio | time for the backlog |");
  console.log("|---|---:|---:|---:|");
  console.log(
    `| straight to ingestion (baseline) | ${straight.toFixed(0)} | 1.00 | ${median(results.straight).toFixed(1)} s |`,
  );
  console.log(
    `| gateway queue (SQLite) → sender → ingestion | ${drain.toFixed(0)} | ${(drain / straight).toFixed(2)} | ${median(results.drain).toFixed(1)} s |`,
  );
  const batches = Math.ceil(count / BATCH);
  const queueS = median(results.queue);
  console.log(
    `\nOf the drain, the queue itself (peek + ack of ${batches} batches) took ${queueS.toFixed(2)} s, ` +
      `${((queueS / batches) * 1000).toFixed(1)} ms per batch of ${BATCH}.`,
  );
  console.log(
    `Filling the queue (one transaction per hour of readings) took ${median(results.fill).toFixed(1)} s; file ${results.file.toFixed(0)} MiB.`,
  );
}

await main();
