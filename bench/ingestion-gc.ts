/**
 * What V8's collector options cost the ingestion service: CPU seconds per 100k points of one
 * line-protocol `jisr ingest`, started with the Node options docker-compose.yml gives it
 * (--single-threaded-gc) and without them, alternating, on the same influxd: 120 batches of 5 000
 * points per run, 4 in flight, the first run of each service not counted (JIT warm-up).
 *
 *   npm run bench:ingestion-gc [-- --runs 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { encodePoints } from "@jisr/core";
import { addToken } from "@jisr/ingestion";
import { ingestionNodeOptions } from "../test/deploy/testing/compose.js";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";
import { inverterBatches, post, sendAll } from "./ingest-client.js";
import { startIngest } from "./jisr-ingest.js";
import { cpuSecondsOf } from "./proc-cpu.js";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(args.runs);
const BATCHES = 120;
const BATCH_SIZE = 5000;

function bodies(run: number): Buffer[] {
  return inverterBatches(run, BATCHES, BATCH_SIZE).map((b) => Buffer.from(encodePoints(b, "ms")));
}

async function main(): Promise<void> {
  ensurePackages();
  const deployed = ingestionNodeOptions();
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-gc-"));
  const tokensFile = join(dir, "tokens.json");
  const { token } = await addToken(tokensFile, "bench-institution");
  // `startIngest` adds the Compose file's options itself; `bare` starts the service without them.
  const variants = [
    { name: `with ${deployed.join(" ") || "(none)"}`, bare: false },
    { name: "without them", bare: true },
  ];
  const services = [];
  for (const [k, v] of variants.entries())
    services.push(
      await startIngest({ influxUrl: influx.url, tokensFile, database: `bench_gc_${k}`, bare: v.bare }),
    );
  const results: number[][] = variants.map(() => []);
  try {
    let run = 0;
    for (let r = 0; r <= RUNS; r++) {
      for (const [k, service] of services.entries()) {
        const sent = bodies(run++);
        const before = cpuSecondsOf(service.pid);
        await sendAll(sent, 4, (body) =>
          post(`${service.url}/api/v1/write?precision=ms`, body, {
            authorization: `Bearer ${token}`,
            "content-type": "text/plain",
          }),
        );
        const per100k = ((cpuSecondsOf(service.pid) - before) / (BATCHES * BATCH_SIZE)) * 100_000;
        if (r > 0) results[k]?.push(per100k);
        process.stderr.write(`  run ${r} ${variants[k]?.name}: ${per100k.toFixed(3)} CPU s / 100k points\n`);
      }
    }
  } finally {
    for (const s of services) await s.stop();
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nLine-protocol service, CPU s per 100k points (runs of 600 000 points, 4 in flight):");
  console.log("| Node options | runs | median |\n|---|---|---:|");
  for (const [k, v] of variants.entries()) {
    const xs = results[k] ?? [];
    const median = [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    console.log(`| ${v.name} | ${xs.map((x) => x.toFixed(3)).join(", ")} | ${median.toFixed(3)} |`);
  }
}

await main();
