/**
 * What the runtime settings of docker-compose.yml save the ingestion service: CPU seconds and page faults
 * per 100k points of a line-protocol `jisr ingest` started as deployed (Node options: --single-threaded-gc,
 * --heap-growing-percent=100; environment: GLIBC_TUNABLES), without each of them, and without any,
 * alternating, on the same influxd:
 * 120 batches of 5 000 points per run, 4 in flight, the first run of each service not counted (JIT warm-up).
 *
 *   npm run bench:ingestion-runtime [-- --runs 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { encodePoints } from "@jisr/core";
import { addToken } from "@jisr/ingestion";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";
import { inverterBatches, post, sendAll } from "./ingest-client.js";
import { deployedRuntime, type IngestRuntime, startIngest } from "./jisr-ingest.js";
import { cpuSecondsOf, minorFaultsOf } from "./proc-cpu.js";
import { median } from "./stats.js";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(args.runs);
const BATCHES = 120;
const BATCH_SIZE = 5000;
const POINTS = BATCHES * BATCH_SIZE;

function bodies(run: number): Buffer[] {
  return inverterBatches(run, BATCHES, BATCH_SIZE).map((b) => Buffer.from(encodePoints(b, "ms")));
}

const describe = (r: IngestRuntime) =>
  [...r.nodeOptions, ...Object.entries(r.env).map(([k, v]) => `${k}=${v}`)].join(" ") || "(nothing)";

/** As deployed, then without each setting, then without any. */
function variants(): Array<{ name: string; runtime: IngestRuntime }> {
  const deployed = deployedRuntime();
  const out = [{ name: `as deployed: ${describe(deployed)}`, runtime: deployed }];
  for (const option of deployed.nodeOptions)
    out.push({
      name: `without ${option}`,
      runtime: { ...deployed, nodeOptions: deployed.nodeOptions.filter((o) => o !== option) },
    });
  for (const name of Object.keys(deployed.env)) {
    const { [name]: _dropped, ...env } = deployed.env;
    out.push({ name: `without ${name}`, runtime: { ...deployed, env } });
  }
  if (out.length > 2) out.push({ name: "without any", runtime: { nodeOptions: [], env: {} } });
  return out;
}

async function main(): Promise<void> {
  ensurePackages();
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-runtime-"));
  const tokensFile = join(dir, "tokens.json");
  const { token } = await addToken(tokensFile, "bench-institution");
  const tried = variants();
  const services = [];
  for (const [k, v] of tried.entries())
    services.push(
      await startIngest({ influxUrl: influx.url, tokensFile, database: `bench_rt_${k}`, runtime: v.runtime }),
    );
  const cpu: number[][] = tried.map(() => []);
  const faults: number[][] = tried.map(() => []);
  try {
    let run = 0;
    for (let r = 0; r <= RUNS; r++) {
      for (const [k, service] of services.entries()) {
        const sent = bodies(run++);
        const [cpu0, faults0] = [cpuSecondsOf(service.pid), minorFaultsOf(service.pid)];
        await sendAll(sent, 4, (body) =>
          post(`${service.url}/api/v1/write?precision=ms`, body, {
            authorization: `Bearer ${token}`,
            "content-type": "text/plain",
          }),
        );
        const cpuPer100k = ((cpuSecondsOf(service.pid) - cpu0) / POINTS) * 100_000;
        const faultsPer100k = ((minorFaultsOf(service.pid) - faults0) / POINTS) * 100_000;
        if (r > 0) {
          cpu[k]?.push(cpuPer100k);
          faults[k]?.push(faultsPer100k);
        }
        process.stderr.write(
          `  run ${r} ${tried[k]?.name}: ${cpuPer100k.toFixed(3)} CPU s, ${faultsPer100k.toFixed(0)} page faults / 100k points\n`,
        );
      }
    }
  } finally {
    for (const s of services) await s.stop();
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nLine-protocol service, per 100k points (runs of 600 000 points, 4 in flight):");
  console.log(
    "| runtime | CPU s, each run | CPU s, median | page faults, each run | page faults, median |\n|---|---|---:|---|---:|",
  );
  for (const [k, v] of tried.entries()) {
    const c = cpu[k] ?? [];
    const f = faults[k] ?? [];
    console.log(
      `| ${v.name} | ${c.map((x) => x.toFixed(3)).join(", ")} | ${median(c).toFixed(3)} | ${f.map((x) => x.toFixed(0)).join(", ")} | ${median(f).toFixed(0)} |`,
    );
  }
}

await main();
