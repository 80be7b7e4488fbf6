/**
 * One gateway polling 50 simulated SunSpec inverters every 5 s (Modbus TCP on loopback), queueing on
 * disk and uploading to a sink that answers 204: the gateway's CPU (process.cpuUsage, in its own
 * process) and resident memory over a measured window, after a warm-up that covers SunSpec discovery.
 *
 *   npx tsx bench/gateway-footprint.ts [--devices 50 --interval 5s --seconds 60 --warmup 15]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";

const { values: args } = parseArgs({
  // "--" arrives when run through npm run; it separates nothing here.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    devices: { type: "string", default: "50" },
    interval: { type: "string", default: "5s" },
    seconds: { type: "string", default: "60" },
    warmup: { type: "string", default: "15" },
  },
});
const DEVICES = Number(args.devices);
const WINDOW_S = Number(args.seconds);
const WARMUP_S = Number(args.warmup);

interface Sample {
  at: number;
  cpu: { user: number; system: number };
  rss: number;
  heap: number;
  polls: number;
  online: number;
  delivered: number;
  queued: number;
}

/** The ingestion service's place: accepts every batch at once, so only the gateway is measured. */
async function startSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function gatewayYaml(sinkUrl: string, sims: SunspecInverterHandle[], dataDir: string): string {
  const devices = sims.map(
    (s, i) =>
      `  - { id: inv-${i + 1}, profile: sunspec, host: 127.0.0.1, port: ${s.port}, interval: ${args.interval} }`,
  );
  return `institution: bench-institution
data_dir: ${dataDir}
uplink: { url: "${sinkUrl}", token: bench, flush_interval: 5s }
devices:
${devices.join("\n")}
`;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-footprint-"));
  const sims: SunspecInverterHandle[] = [];
  for (let i = 0; i < DEVICES; i++)
    sims.push(
      await startSunspecInverter({
        port: 0,
        unit: 1,
        kwp: 10,
        seed: i + 1,
        start: new Date("2026-06-21T11:00:00Z"),
      }),
    );
  const sink = await startSink();
  const config = join(dir, "gateway.yaml");
  writeFileSync(config, gatewayYaml(sink.url, sims, join(dir, "data")));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./gateway-footprint-child.ts", import.meta.url).pathname, config, "1000"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const samples: Sample[] = [];
  let idleRss = 0;
  let buffered = "";
  child.stdout.on("data", (b: Buffer) => {
    buffered += b.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      const parsed = JSON.parse(line) as Sample | { idle_rss: number };
      if ("idle_rss" in parsed) idleRss = parsed.idle_rss;
      else samples.push(parsed);
    }
  });
  process.stderr.write(
    `${DEVICES} simulated inverters, polled every ${args.interval}; warm-up ${WARMUP_S} s, window ${WINDOW_S} s\n`,
  );
  try {
    // Until the samples cover warm-up and window (the child needs a few seconds to start), bounded.
    const deadline = Date.now() + (WARMUP_S + WINDOW_S + 60) * 1000;
    const covered = () => {
      const first = samples[0];
      const last = samples.at(-1);
      return first !== undefined && last !== undefined && last.at >= first.at + (WARMUP_S + WINDOW_S) * 1000;
    };
    while (!covered()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("the gateway stopped reporting");
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    await sink.close();
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  }
  const first = samples[0];
  const begin = samples.find((s) => first && s.at >= first.at + WARMUP_S * 1000);
  const end = samples.findLast((s) => begin && s.at <= begin.at + WINDOW_S * 1000);
  if (!begin || !end || end === begin) throw new Error(`not enough samples (${samples.length})`);
  const window = samples.filter((s) => s.at >= begin.at && s.at <= end.at);
  const wallMs = end.at - begin.at;
  const cpuMs = (end.cpu.user + end.cpu.system - begin.cpu.user - begin.cpu.system) / 1000;
  const polls = end.polls - begin.polls;
  const rss = window.map((s) => s.rss);
  console.log(
    `\nOne gateway, ${DEVICES} SunSpec inverters polled every ${args.interval}, over ${(wallMs / 1000).toFixed(0)} s (after ${WARMUP_S} s warm-up):`,
  );
  console.log("| figure | value |");
  console.log("|---|---:|");
  console.log(`| devices online | ${end.online} of ${DEVICES} |`);
  console.log(`| polls | ${polls} (${((polls / wallMs) * 1000).toFixed(1)}/s) |`);
  console.log(`| points uploaded | ${end.delivered - begin.delivered} |`);
  console.log(`| CPU, user + system | ${((cpuMs / wallMs) * 100).toFixed(1)} % of one core |`);
  console.log(`| CPU per poll | ${(cpuMs / Math.max(polls, 1)).toFixed(2)} ms |`);
  console.log(
    `| resident memory (RSS) | ${mib(Math.min(...rss))} to ${mib(Math.max(...rss))} MiB, ${mib(end.rss)} at the end |`,
  );
  console.log(`| of which Node, tsx and the loaded code, idle | ${mib(idleRss)} MiB |`);
  console.log(`| JS heap used | ${mib(end.heap)} MiB |`);
}

await main();
