/**
 * The gateway's footprint as operators run it (issue 13): the BUILT `jisr gateway run --config …`
 * (cli/bin/jisr.js running dist/, as the systemd unit starts it; run `npm run build` first), polling 50
 * simulated SunSpec inverters every 5 s over Modbus TCP on loopback, queueing on disk and uploading to a
 * sink that answers 204. Measured from outside, as `top` would: the process's resident memory (VmRSS,
 * sampled, and the kernel's own peak VmHWM, which a sample cannot miss) and its CPU time (utime + stime
 * from /proc/<pid>/stat) over a window after a warm-up that covers SunSpec discovery. Polls, devices
 * online and uploads come from the gateway's own status file (<data_dir>/status.json).
 *
 *   npm run build && npm run bench:gateway-footprint [-- --devices 50 --interval 5s --seconds 60 --warmup 20]
 *   ... -- --node-options="--max-semi-space-size=1"   (V8 flags to compare, passed as NODE_OPTIONS)
 *   ... -- --env UV_THREADPOOL_SIZE=4                    (another environment variable to compare; repeatable)
 *
 * The gateway gets the environment the shipped unit gives it (deploy/gateway/jisr-gateway.service, its
 * `Environment=` lines: NODE_ENV, and NODE_OPTIONS with the young-generation size); `--bare` runs it
 * without them, to compare. The simulators live in this (bench) process, so only the gateway is measured.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    warmup: { type: "string", default: "20" },
    "node-options": { type: "string", default: "" },
    env: { type: "string", multiple: true, default: [] },
    /** Node/V8 flags on node's command line (those NODE_OPTIONS refuses, e.g. --trace-gc), space-separated. */
    "node-args": { type: "string", default: "" },
    bare: { type: "boolean", default: false },
    /** The gateway's stdout passed through (for --node-options=--trace-gc) and RSS printed every second. */
    verbose: { type: "boolean", default: false },
  },
});
const DEVICES = Number(args.devices);
const WINDOW_S = Number(args.seconds);
const WARMUP_S = Number(args.warmup);
const ROOT = new URL("..", import.meta.url).pathname;
const JISR = join(ROOT, "cli", "bin", "jisr.js");
const UNIT = join(ROOT, "deploy", "gateway", "jisr-gateway.service");

/** The `Environment=NAME=value` lines of the shipped systemd unit. */
function unitEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(UNIT, "utf8").split("\n")) {
    // One assignment per line, as the shipped unit writes them: NAME=value or "NAME=value with spaces".
    const m = /^Environment=(?:"([A-Za-z_][A-Za-z0-9_]*)=(.*)"|([A-Za-z_][A-Za-z0-9_]*)=(.*))$/.exec(
      line.trim(),
    );
    if (m) env[(m[1] ?? m[3]) as string] = (m[2] ?? m[4]) as string;
  }
  return env;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every Linux this runs on. */
const TICKS_PER_S = 100;

interface Sample {
  at: number;
  /** utime + stime, seconds. */
  cpuS: number;
  /** utime alone (JavaScript, V8, SQLite's C code: the process's own work), seconds. */
  userS: number;
  rss: number;
  /** The kernel's high-water mark of RSS since the process started. */
  hwm: number;
}

interface GatewayFigures {
  polls: number;
  online: number;
  delivered: number;
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

/** CPU seconds and memory of `pid` now, from /proc (Linux). */
function sampleProc(pid: number): Sample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces, in parentheses): utime is the 14th field.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const userS = Number(fields[11]) / TICKS_PER_S;
  const cpuS = userS + Number(fields[12]) / TICKS_PER_S;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { at: Date.now(), cpuS, userS, rss: kib("VmRSS") * 1024, hwm: kib("VmHWM") * 1024 };
}

/** Polls, devices online and points delivered, as the gateway wrote them in its status file. */
function gatewayFigures(dataDir: string): GatewayFigures | undefined {
  const path = join(dataDir, "status.json");
  if (!existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as {
      devices: { polls: number; state: string }[];
      uplink: { delivered_points: number };
    };
    return {
      polls: s.devices.reduce((n, d) => n + d.polls, 0),
      online: s.devices.filter((d) => d.state === "online").length,
      delivered: s.uplink.delivered_points,
    };
  } catch {
    return undefined; // being rewritten: the next sample reads it
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, "cli", "dist", "main.js")) || !existsSync(join(ROOT, "gateway", "dist")))
    throw new Error("the built jisr is missing: run `npm run build` first");
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-footprint-"));
  const dataDir = join(dir, "data");
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
  writeFileSync(config, gatewayYaml(sink.url, sims, dataDir));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  delete env.JISR_SOURCE; // the built code, as shipped
  delete env.NODE_OPTIONS;
  const fromUnit = args.bare ? {} : unitEnvironment();
  Object.assign(env, fromUnit);
  if (args["node-options"]) env.NODE_OPTIONS = args["node-options"];
  const extra: Record<string, string> = {};
  for (const kv of args.env ?? []) {
    const at = kv.indexOf("=");
    if (at < 1) throw new Error(`--env ${kv}: expected NAME=value`);
    extra[kv.slice(0, at)] = kv.slice(at + 1);
  }
  Object.assign(env, extra);
  let setting = Object.entries({
    ...fromUnit,
    ...(args["node-options"] && { NODE_OPTIONS: args["node-options"] }),
    ...extra,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const nodeArgs = args["node-args"].split(" ").filter((a) => a !== "");
  if (nodeArgs.length > 0) setting = `${setting} node ${nodeArgs.join(" ")}`.trim();
  const child = spawn(
    process.execPath,
    [...nodeArgs, JISR, "gateway", "run", "--config", config, "--log-level", "warn"],
    {
      stdio: ["ignore", args.verbose ? "inherit" : "ignore", "inherit"],
      env,
    },
  );
  const pid = child.pid as number;
  process.stderr.write(
    `${DEVICES} simulated inverters, polled every ${args.interval} by \`jisr gateway run\` (built, pid ${pid}` +
      `, environment: ${setting || "none"}); warm-up ${WARMUP_S} s, window ${WINDOW_S} s\n`,
  );
  const samples: Sample[] = [];
  let begin: { sample: Sample; figures: GatewayFigures } | undefined;
  let end: { sample: Sample; figures: GatewayFigures } | undefined;
  try {
    const startedAt = Date.now();
    // Warm-up: until the status file exists and the warm-up time has passed (bounded).
    while (Date.now() < startedAt + WARMUP_S * 1000 || !gatewayFigures(dataDir)) {
      if (child.exitCode !== null) throw new Error(`the gateway exited (code ${child.exitCode})`);
      if (Date.now() > startedAt + (WARMUP_S + 60) * 1000) throw new Error("no status file from the gateway");
      const sample = sampleProc(pid);
      if (args.verbose && samples.length % 2 === 0)
        process.stderr.write(
          `[${((sample.at - startedAt) / 1000).toFixed(1)} s] RSS ${mib(sample.rss)} MiB, peak ${mib(sample.hwm)} MiB\n`,
        );
      samples.push(sample);
      await sleep(500);
    }
    begin = { sample: sampleProc(pid), figures: gatewayFigures(dataDir) as GatewayFigures };
    const windowStart = Date.now();
    const window: Sample[] = [begin.sample];
    while (Date.now() < windowStart + WINDOW_S * 1000) {
      if (child.exitCode !== null) throw new Error(`the gateway exited (code ${child.exitCode})`);
      await sleep(500);
      window.push(sampleProc(pid));
    }
    const last = window.at(-1) as Sample;
    end = { sample: last, figures: gatewayFigures(dataDir) ?? begin.figures };
    samples.push(...window);
    const wallS = (last.at - begin.sample.at) / 1000;
    const cpuS = last.cpuS - begin.sample.cpuS;
    const userS = last.userS - begin.sample.userS;
    const polls = end.figures.polls - begin.figures.polls;
    const rss = window.map((s) => s.rss);
    const sorted = [...rss].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(
      `\n\`jisr gateway run\` (built), ${DEVICES} SunSpec inverters every ${args.interval}, over ${wallS.toFixed(0)} s after ${WARMUP_S} s warm-up` +
        ` (environment: ${setting || "none"}${args.bare ? ", --bare" : ", as the shipped unit sets it"}):`,
    );
    console.log("| figure | value |");
    console.log("|---|---:|");
    console.log(`| devices online | ${end.figures.online} of ${DEVICES} |`);
    console.log(`| polls (status file, 5 s granularity) | ${polls} (${(polls / wallS).toFixed(1)}/s) |`);
    console.log(`| points uploaded | ${end.figures.delivered - begin.figures.delivered} |`);
    console.log(`| CPU, user + system | ${((cpuS / wallS) * 100).toFixed(2)} % of one core |`);
    console.log(
      `| of which user / system (kernel: syscalls, fsync, loopback TCP) | ${((userS / wallS) * 100).toFixed(2)} / ${(((cpuS - userS) / wallS) * 100).toFixed(2)} % |`,
    );
    console.log(`| CPU per poll | ${((cpuS * 1000) / Math.max(polls, 1)).toFixed(2)} ms |`);
    console.log(
      `| RSS in the window (sampled every 0.5 s) | ${mib(Math.min(...rss))} to ${mib(Math.max(...rss))} MiB |`,
    );
    console.log(`| RSS steady state (median of the window's samples) | ${mib(median)} MiB |`);
    console.log(`| RSS peak since start (kernel VmHWM) | ${mib(last.hwm)} MiB |`);
  } finally {
    // A gateway that already exited (a refused flag, a crash) has sent its "exit": do not wait for another.
    const running = child.exitCode === null && child.signalCode === null;
    const exited = running ? new Promise((r) => child.once("exit", r)) : Promise.resolve();
    if (running) child.kill("SIGTERM");
    await exited;
    await sink.close();
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
