/**
 * How fast `jisr` starts, as shipped (the JavaScript `npm install` built), against bare Node measured in
 * the same run: wall time and peak resident memory of `jisr --version`, `jisr gateway --help`,
 * `jisr gateway run --help` and `jisr --help`, median of N runs each. Builds first, so it measures the
 * current sources. The goal (issue 10) is for the first two; the others show what a command's help costs.
 *
 *   npm run bench:cli-startup [-- --runs 10]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildOnce } from "./build.js";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: { runs: { type: "string", default: "10" } },
});
const RUNS = Number(args.runs);
const bin = fileURLToPath(new URL("../cli/bin/jisr.js", import.meta.url));
// Reports the child's own peak RSS on exit, so nothing outside Node is needed to measure it.
const REPORT_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss_kb="+process.resourceUsage().maxRSS+"\\n"))`;

buildOnce();

// A clean environment: no tsx, no source condition, as an operator runs it.
const env = { ...process.env, JISR_SOURCE: "", NODE_OPTIONS: "" };

function measure(argv: string[]): { ms: number; mb: number } {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const res = spawnSync(process.execPath, ["--import", REPORT_RSS, ...argv], { env, encoding: "utf8" });
    times.push(performance.now() - started);
    if (res.status !== 0) throw new Error(`${argv.join(" ")} exited ${res.status}: ${res.stderr}`);
    const kb = Number(/maxrss_kb=(\d+)/.exec(res.stderr)?.[1]);
    rss.push(kb / 1024);
  }
  return { ms: median(times), mb: median(rss) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const bare = measure(["-e", "0"]);
const rows = [
  ["node -e 0 (baseline)", bare],
  ["jisr --version", measure([bin, "--version"])],
  ["jisr gateway --help", measure([bin, "gateway", "--help"])],
  ["jisr gateway run --help", measure([bin, "gateway", "run", "--help"])],
  ["jisr --help", measure([bin, "--help"])],
] as const;
console.log(`median of ${RUNS} runs; goal: jisr --version and jisr gateway --help under 300 ms and 80 MB`);
console.log("command                      ms      MB   ×baseline ms");
for (const [name, r] of rows) {
  console.log(
    `${name.padEnd(26)} ${r.ms.toFixed(0).padStart(6)} ${r.mb.toFixed(1).padStart(7)} ${(r.ms / bare.ms).toFixed(2).padStart(8)}`,
  );
}
