/**
 * Points per second through the ingestion service (JSON, and line protocol with and without the
 * institution tag in its lines; batches of 5 000), against posting the same batches straight to
 * InfluxDB's /write, measured in the same run on the same influxd.
 * The figure that matters is the ratio: it says what authentication, validation and tenancy cost. A
 * control path posts the baseline's batches straight to /write again, into a database of its own: its
 * ratio (ideally 1) is how far two identical paths fall apart in the same run, the bench's noise floor.
 * Requests go `--in-flight` at a time (4 by default) on both paths. Each path's run starts once influxd
 * is idle (see `influxdQuiet`), on a database emptied for it (see `--databases`), and the order of the
 * paths turns from round to round and runs backwards every other round, so that no path is always
 * measured right after the same one. The service is
 * `jisr ingest` in a process of its own, as deployed: the built JavaScript (bench/jisr-ingest.ts), and
 * not in this process, whose client would otherwise share its thread.
 * CPU of the service and of influxd from /proc/<pid>/stat; of this process (the client) from
 * process.cpuUsage; the machine's idle cores from /proc/stat.
 *
 * The client stands for senders on other machines and is kept as cheap as can be (bench/ingest-client.ts); each
 * path's bodies are encoded before its run and the garbage of encoding them collected (see the loop).
 * A path's run is 120 batches (600 000 points, a few seconds): runs of 100 000 points lasted half a
 * second, and one cache snapshot or compaction of influxd falling inside a run or just after it moved a
 * ratio by ±0.2.
 *
 *   npm run bench:ingestion [-- --batches 120 --rounds 5 --in-flight 4 --databases fresh --paths … --cpu-prof DIR]
 *
 * `--databases fresh` (the default) drops and creates each path's database just before its run, so
 * that every path's run does the same work in influxd: the same points into the same empty database,
 * with the same cache snapshots and compactions. `--databases kept` lets each database grow round after
 * round, as the bench did up to 6 December: the compactions of earlier rounds' files (levels 2 and 3
 * rewrite everything written so far) then fall into one path's run or another's (in two runs of eight on
 * 6 December, influxd spent 9-17 % more per point on the line-protocol path's database than on the
 * baseline's, for the same bytes). Fresh databases take away that source of spread, not the machine's:
 * on the 2-core VM the figures come from, influxd's CPU per point still moved between 0.9 and 1.4 CPU s
 * per 100k points from one path's run to the next, the service's with it.
 * `--paths direct,lp` measures only those paths (direct, the baseline, always; control, lp, inject, json).
 * `--cpu-prof DIR` writes a V8 CPU profile of the service (node --cpu-prof) into DIR.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Point } from "@jisr/core";
import { encodePoints } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import { addToken } from "@jisr/ingestion";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";
import { inverterBatches, post, sendAll, transport } from "./ingest-client.js";
import { startIngest } from "./jisr-ingest.js";
import { cpuSecondsOf, idleSecondsOfMachine } from "./proc-cpu.js";
import { median } from "./stats.js";

const { values: args } = parseArgs({
  options: {
    batches: { type: "string", default: "120" },
    "batch-size": { type: "string", default: "5000" },
    rounds: { type: "string", default: "5" },
    "in-flight": { type: "string", default: "4" },
    databases: { type: "string", default: "fresh" },
    paths: { type: "string", default: "direct,control,lp,inject,json" },
    "cpu-prof": { type: "string" },
  },
});
if (args.databases !== "fresh" && args.databases !== "kept") {
  throw new Error(`--databases is fresh or kept, not ${args.databases}`);
}
const FRESH_DATABASES = args.databases === "fresh";
// Each path writes the same points into a database of its own, as the direct path does: sharing one
// database, the second path would overwrite points the first had just written (the same series and
// times), which is not the same work for influxd as writing new ones.
const DB = {
  direct: "bench_direct",
  control: "bench_direct_control",
  lp: "bench_ingest_lp",
  inject: "bench_ingest_lp_inject",
  json: "bench_ingest_json",
};
const PATH_IDS = Object.keys(DB);
const PATHS = args.paths.split(",");
const UNKNOWN_PATHS = PATHS.filter((id) => !PATH_IDS.includes(id));
if (UNKNOWN_PATHS.length > 0 || !PATHS.includes("direct")) {
  throw new Error(
    `--paths: ${UNKNOWN_PATHS.length > 0 ? `no path ${UNKNOWN_PATHS.join(", ")}` : "direct (the baseline of every ratio) is missing"}; the paths are ${PATH_IDS.join(", ")}`,
  );
}
const BATCHES = Number(args.batches);
const BATCH_SIZE = Number(args["batch-size"]);
const ROUNDS = Number(args.rounds);
const IN_FLIGHT = Number(args["in-flight"]);

/** `jisr ingest` as deployed (bench/jisr-ingest.ts), in a process of its own. */
function startService(influxUrl: string, tokensFile: string, database: string) {
  const nodeArgs = args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", args["cpu-prof"]] : [];
  return startIngest({ influxUrl, tokensFile, database, nodeArgs });
}

interface Run {
  seconds: number;
  serviceCpu: number;
  influxdCpu: number;
  /** This process: the client that encodes nothing during the run, only sends. */
  clientCpu: number;
  /** Idle core-seconds of the machine during the run: above zero, the path is not bound by CPU alone. */
  idle: number;
}

/** Sends every body, IN_FLIGHT at a time. */
async function timed(
  bodies: Buffer[],
  send: (body: Buffer) => Promise<void>,
  influxPid: number,
  servicePid: number,
): Promise<Run> {
  const started = process.hrtime.bigint();
  const [service0, influx0] = [cpuSecondsOf(servicePid), cpuSecondsOf(influxPid)];
  const [client0, idle0] = [process.cpuUsage(), idleSecondsOfMachine()];
  await sendAll(bodies, IN_FLIGHT, send);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    serviceCpu: cpuSecondsOf(servicePid) - service0,
    influxdCpu: cpuSecondsOf(influxPid) - influx0,
    clientCpu: cpuOf(process.cpuUsage(client0)),
    idle: idleSecondsOfMachine() - idle0,
  };
}

const cpuOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/**
 * Waits until influxd has been idle for a moment (under 2.5 % of a core over 1.1 s; at most 15 s): the
 * cache snapshots and compactions that follow one path's writes would otherwise run during the next
 * path's measurement and be counted against it (seen: the JSON path, measured third, charged with 0.97
 * influxd CPU s per 100k points against 0.73-0.91 for the others, on the same bytes).
 * Longer than a second because influxd's TSM engine looks for a cache to snapshot and for files to
 * compact once a second: over a shorter window it could be idle only because it had not looked yet.
 */
async function influxdQuiet(pid: number): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    const before = cpuSecondsOf(pid);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    if (cpuSecondsOf(pid) - before < 0.03 || Date.now() > until) return;
  }
}

/** A full collection of this process's heap now, through V8's gc() (exposed at run time). */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

async function main(): Promise<void> {
  ensurePackages();
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-"));
  const tokensFile = join(dir, "tokens.json");
  const { token } = await addToken(tokensFile, "bench-institution");
  const direct = new InfluxStore({ url: influx.url, database: DB.direct });
  await direct.init();
  const control = new InfluxStore({ url: influx.url, database: DB.control });
  await control.init();
  const lpService = await startService(influx.url, tokensFile, DB.lp);
  const jsonService = await startService(influx.url, tokensFile, DB.json);
  const injectService = await startService(influx.url, tokensFile, DB.inject);
  const auth = { authorization: `Bearer ${token}` };
  const modes: Record<
    string,
    {
      id: keyof typeof DB;
      encode: (b: Point[]) => string;
      send: (body: Buffer) => Promise<void>;
      pid?: number;
    }
  > = {
    "InfluxDB /write (baseline)": {
      id: "direct",
      encode: (b) => encodePoints(b, "ms"),
      send: (body) => post(`${influx.url}/write?db=${DB.direct}&precision=ms`, body, {}),
    },
    // The baseline again, into a database of its own: what two identical paths differ by in the same run
    // is the bench's noise floor (influxd's own cost per point varies from run to run: compactions, cache
    // snapshots, the machine it shares), against which the other ratios are read.
    "InfluxDB /write again (control)": {
      id: "control",
      encode: (b) => encodePoints(b, "ms"),
      send: (body) => post(`${influx.url}/write?db=${DB.control}&precision=ms`, body, {}),
    },
    "ingestion, line protocol": {
      id: "lp",
      encode: (b) => encodePoints(b, "ms"),
      send: (body) =>
        post(`${lpService.url}/api/v1/write?precision=ms`, body, { ...auth, "content-type": "text/plain" }),
      pid: lpService.pid,
    },
    // As a sender that leaves the institution to its token (Telegraf, a third-party gateway): the same
    // points, the tag injected by the service into every line.
    "ingestion, line protocol without the institution tag": {
      id: "inject",
      encode: (b) => encodePoints(b, "ms").replaceAll(",institution=bench-institution ", " "),
      send: (body) =>
        post(`${injectService.url}/api/v1/write?precision=ms`, body, {
          ...auth,
          "content-type": "text/plain",
        }),
      pid: injectService.pid,
    },
    "ingestion, JSON": {
      id: "json",
      encode: (b) => JSON.stringify({ points: b }),
      send: (body) =>
        post(`${jsonService.url}/api/v1/write`, body, { ...auth, "content-type": "application/json" }),
      pid: jsonService.pid,
    },
  };
  for (const [name, mode] of Object.entries(modes)) if (!PATHS.includes(mode.id)) delete modes[name];
  const runs: Record<string, Run[]> = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  const influxPid = influx.process.pid as number;
  const points = BATCHES * BATCH_SIZE;
  const per100k = (cpu: number) => ((cpu / points) * 100_000).toFixed(2);
  process.stderr.write(
    `influxd ${influx.url}; ${ROUNDS} rounds × ${BATCHES} batches × ${BATCH_SIZE} points, ${IN_FLIGHT} in flight, ${args.databases} databases\n`,
  );
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      // Round 0 warms up the JIT and influxd's shards; it is not counted.
      const batches = inverterBatches(round, BATCHES, BATCH_SIZE);
      // Each round starts with another path, and every other round goes backwards: turned only, the order
      // kept each path right after the same one (the control always after the baseline).
      const entries = Object.entries(modes);
      const turned = entries.map((_, k) => entries[(k + round) % entries.length] as (typeof entries)[number]);
      const order = round % 2 === 1 ? turned.reverse() : turned;
      for (const [name, mode] of order) {
        // Encoded, and the garbage of making them (and of the path before) collected before the run:
        // left for later, its collection fell inside the path being measured and was charged to it (seen:
        // the client's CPU per 100k points halved, 0.16-0.19 to 0.07-0.08, on the direct and line-protocol
        // paths). One path's bodies at a time: with every path's held, each collection during a run had
        // the others' to go over.
        const bodies = batches.map((b) => Buffer.from(mode.encode(b)));
        collectGarbage();
        if (FRESH_DATABASES) {
          // Through core's client, which throws with influxd's message when a statement fails.
          await direct.client.query(`DROP DATABASE ${DB[mode.id]}`);
          await direct.client.query(`CREATE DATABASE ${DB[mode.id]}`);
        }
        await influxdQuiet(influxPid);
        const run = await timed(bodies, mode.send, influxPid, mode.pid ?? lpService.pid);
        if (round > 0) runs[name]?.push(run);
        process.stderr.write(
          `  round ${round} ${name}: ${(points / run.seconds).toFixed(0)} points/s; CPU s / 100k points: influxd ${per100k(run.influxdCpu)}, service ${mode.pid === undefined ? "–" : per100k(run.serviceCpu)}\n`,
        );
      }
    }
  } finally {
    await lpService.stop();
    await jsonService.stop();
    await injectService.stop();
    await direct.close();
    await control.close();
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (name: string, f: (r: Run) => number) => median((runs[name] ?? []).map(f));
  const baselineName = "InfluxDB /write (baseline)";
  const baseline = points / med(baselineName, (r) => r.seconds);
  const [load1] = readFileSync("/proc/loadavg", "utf8").split(" ");
  console.log(
    `\nIngestion throughput, batches of ${BATCH_SIZE} points, ${IN_FLIGHT} requests in flight, median of ${ROUNDS} rounds (load average ${load1}; ${transport.retried} request(s) retried after a transport error):`,
  );
  console.log(
    "| path | points/s | ratio to InfluxDB /write | each round's ratio | service CPU s / 100k points | influxd CPU s / 100k points | client CPU s / 100k points | idle cores | other cores |",
  );
  console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|");
  const cores = availableParallelism();
  // Cores busy with anything but these three processes (other programs, kernel threads): a run where
  // they are well above zero was disturbed, whatever its ratio says.
  const other = (r: Run) => cores - (r.idle + r.serviceCpu + r.influxdCpu + r.clientCpu) / r.seconds;
  for (const name of Object.keys(modes)) {
    const rate = points / med(name, (r) => r.seconds);
    const service = modes[name]?.pid === undefined ? "–" : per100k(med(name, (r) => r.serviceCpu));
    const rounds = (runs[name] ?? []).map((r, k) =>
      ((runs[baselineName]?.[k]?.seconds ?? 0) / r.seconds).toFixed(2),
    );
    console.log(
      `| ${name} | ${rate.toFixed(0)} | ${(rate / baseline).toFixed(2)} | ${rounds.join(", ")} | ${service} | ${per100k(med(name, (r) => r.influxdCpu))} | ${per100k(med(name, (r) => r.clientCpu))} | ${med(name, (r) => r.idle / r.seconds).toFixed(2)} | ${med(name, other).toFixed(2)} |`,
    );
  }
}

await main();
