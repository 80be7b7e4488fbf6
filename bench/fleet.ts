/**
 * A fleet of N simulated sites (simulators/src/fleet) through `jisr ingest` into a private influxd, for
 * N = 40, 400, 2 000 and 4 000: each site posts 5 points / 50 fields every 10 s with its own token. Prints,
 * per size: offered and stored points/s (stored = counted in InfluxDB afterwards), p50/p95/p99 latency
 * from each batch's due time to its 204, the simulator's own lag (due time to sending, p95), the service's
 * own p95 from request to answer (its info summaries, the worst 5 s), errors, and CPU seconds of the
 * service, of influxd and of the fleet.
 *
 *   npm run bench:fleet [-- --sites 40,400,2000,4000 --seconds 60 --workers 1 --group-window 50 --cpu-prof DIR]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { makeFleet, percentile, runFleet } from "@jisr/simulators";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";
import { startIngest } from "./jisr-ingest.js";
import { cpuSecondsOf } from "./proc-cpu.js";

const { values: args } = parseArgs({
  options: {
    sites: { type: "string", default: "40,400,2000,4000" },
    seconds: { type: "string", default: "60" },
    workers: { type: "string", default: "1" },
    "group-window": { type: "string" },
    "cpu-prof": { type: "string" },
  },
});
const SIZES = (args.sites as string).split(",").map(Number);
const SECONDS = Number(args.seconds);

function cpuOf(pid: number): number {
  try {
    return cpuSecondsOf(pid, { children: true });
  } catch {
    return 0; // gone: a worker that ended
  }
}

/** CPU of a process and its live children (the cluster workers). */
function treeCpu(pid: number): number {
  let total = cpuOf(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const c of children) total += cpuOf(Number(c));
  } catch {}
  return total;
}

function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function count(url: string, db: string): Promise<number> {
  const q = new URLSearchParams({ db, q: 'SELECT count("power_w") FROM "pv_inverter"' });
  const res = await fetch(`${url}/query?${q}`);
  const body = (await res.json()) as { results: Array<{ series?: Array<{ values: number[][] }> }> };
  // 2 inverter points of 5 per batch.
  return ((body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0) * 5) / 2;
}

async function main(): Promise<void> {
  ensurePackages();
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), "jisr-fleet-"));
  const rows: string[] = [];
  try {
    for (const n of SIZES) {
      const tokensFile = join(dir, `tokens-${n}.json`);
      const sites = makeFleet(n, tokensFile, 10_000);
      const db = `fleet_${n}`;
      const service = await startIngest({
        influxUrl: influx.url,
        tokensFile,
        database: db,
        nodeArgs: args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", args["cpu-prof"]] : [],
        env: {
          JISR_INGEST_WORKERS: String(args.workers),
          JISR_INGEST_MAX_CONNECTIONS: "8192",
          // One info summary every 5 s: the service's own latency, from request to answer.
          JISR_LOG_LEVEL: "info",
          JISR_INGEST_LOG_INTERVAL: "5",
          ...(args["group-window"] !== undefined && { JISR_INGEST_GROUP_WINDOW: args["group-window"] }),
        },
        stdout: "pipe",
      });
      const { child, url } = service;
      const servedP95: number[] = [];
      let pending = "";
      child.stdout?.on("data", (b: Buffer) => {
        pending += b.toString();
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) {
          if (!l.includes('"Ingestion summary"')) continue;
          const p95 = (JSON.parse(l) as { latency_ms?: { p95?: number } }).latency_ms?.p95;
          if (typeof p95 === "number") servedP95.push(p95);
        }
      });
      const cpu0 = {
        service: treeCpu(child.pid as number),
        influxd: cpuOf(influx.process.pid as number),
        fleet: ownCpu(),
      };
      process.stderr.write(`${n} sites for ${SECONDS} s…\n`);
      // Latency is measured after the first period (every connection opened, the service warmed up),
      // as a fleet runs for months; what is offered and stored counts from the first batch.
      const r = await runFleet({
        url,
        sites,
        durationMs: SECONDS * 1000,
        timeScale: 60,
        warmupMs: 10_000,
        maxSockets: Number(process.env.FLEET_MAX_SOCKETS ?? 1024),
      });
      const cpu = {
        service: treeCpu(child.pid as number) - cpu0.service,
        influxd: cpuOf(influx.process.pid as number) - cpu0.influxd,
        fleet: ownCpu() - cpu0.fleet,
      };
      const stored = await count(influx.url, db);
      await service.stop();
      const lat = r.latencies.sort((a, b) => a - b);
      const lags = r.sendLags.sort((a, b) => a - b);
      const worstServed = servedP95.length > 0 ? Math.max(...servedP95) : Number.NaN;
      process.stderr.write(`  service p95 per 5 s: ${servedP95.join(", ")}\n`);
      const offered = r.offered * 5;
      const errors =
        Object.entries(r.errors)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ") || "0";
      const [load1] = readFileSync("/proc/loadavg", "utf8").split(" ");
      rows.push(
        `| ${n} | ${(offered / SECONDS).toFixed(0)} | ${(stored / SECONDS).toFixed(0)} | ${((100 * stored) / offered).toFixed(1)} % | ${percentile(lat, 0.5)} | ${percentile(lat, 0.95)} | ${percentile(lat, 0.99)} | ${percentile(lags, 0.95)} | ${worstServed} | ${errors} | ${cpu.service.toFixed(1)} | ${cpu.influxd.toFixed(1)} | ${cpu.fleet.toFixed(1)} | ${load1} |`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
    }
  } finally {
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nFleet through ingestion (${args.workers} worker(s)) into influxd, ${SECONDS} s per size, 5 points / 50 fields per site every 10 s:`,
  );
  console.log(
    "| sites | offered points/s | stored points/s | stored | p50 ms | p95 ms | p99 ms | send lag p95 ms | service p95 ms (worst 5 s) | errors | CPU s ingestion | CPU s influxd | CPU s fleet | load avg |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(r);
}

await main();
