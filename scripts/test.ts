/**
 * `npm test`: installs what the tests need (where it can), then build, lint, type check and every test.
 * The first failure stops the run with its exit code.
 *
 * Lint and type check run side by side: neither reads what the other writes, and on a quiet machine
 * biome took 3.7 s beside tsc's 15.1 s one after the other, which this saves at most. On the loaded
 * machine (load 19-28, other people's tests) the difference was within the noise: side by side 202 and
 * 206 s, one after the other 218 and 187 s. Their output is held and printed one after the other, each
 * whole, so the two never interleave. The build and the tests print straight to the terminal.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensurePackages } from "../test/servers/ensure-packages.js";

const passThrough = process.argv.slice(2);

/**
 * The workspace's own binary, started directly: npx adds an npm process per step (2-3 s each at a load
 * of 22: `npx tsc --version` took 4.2-5.3 s, the binary itself 2.0 s).
 */
const bin = (name: string) => join("node_modules", ".bin", name);

interface Step {
  name: string;
  cmd: string;
  args: string[];
}

function header(s: Step): void {
  process.stderr.write(`\n== ${s.name}: ${s.cmd} ${s.args.join(" ")}\n`);
}

/** Steps still running side by side: stopped when another fails, so none outlives `npm test`. */
const running = new Set<ChildProcess>();

function verdict(s: Step, started: number, code: number | null, signal: string | null): void {
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    process.stderr.write(`== ${s.name} failed after ${secs} s (exit ${code ?? signal})\n`);
    for (const child of running) child.kill("SIGTERM");
    process.exit(code ?? 1);
  }
  process.stderr.write(`== ${s.name} passed in ${secs} s\n`);
}

/** One step, its output straight to the terminal. */
function step(s: Step): void {
  const started = Date.now();
  header(s);
  const res = spawnSync(s.cmd, s.args, { stdio: "inherit" });
  verdict(s, started, res.status, res.signal);
}

interface Finished {
  step: Step;
  started: number;
  code: number | null;
  signal: string | null;
  output: Buffer[];
}

/** Starts a step with its output (stdout and stderr, in arrival order) held until it ends. */
function held(s: Step): Promise<Finished> {
  const started = Date.now();
  const output: Buffer[] = [];
  const child = spawn(s.cmd, s.args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.stdout.on("data", (c: Buffer) => output.push(c));
  child.stderr.on("data", (c: Buffer) => output.push(c));
  return new Promise((resolve) => {
    child.on("error", (err) => {
      running.delete(child);
      output.push(Buffer.from(`${err.message}\n`));
      resolve({ step: s, started, code: 1, signal: null, output });
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve({ step: s, started, code, signal, output });
    });
  });
}

/** Steps side by side; each one's output printed whole, in the order given; the first failure exits. */
async function together(steps: Step[]): Promise<void> {
  const runs = steps.map(held);
  for (const run of runs) {
    const done = await run;
    header(done.step);
    for (const chunk of done.output) process.stdout.write(chunk);
    verdict(done.step, done.started, done.code, done.signal);
  }
}

try {
  ensurePackages();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
// The build first: the binary's own test runs the JavaScript it makes (cli/src/main.test.ts).
step({ name: "build", cmd: process.execPath, args: ["scripts/build.mjs"] });
await together([
  { name: "lint", cmd: bin("biome"), args: ["check", "."] },
  { name: "type check", cmd: bin("tsc"), args: ["-p", "tsconfig.json", "--noEmit"] },
]);
step({ name: "tests", cmd: bin("vitest"), args: ["run", ...passThrough] });
