/**
 * `npm test`: installs what the tests need (where it can), then build, lint, type check and every test.
 * Each step's output goes straight to the terminal; the first failure stops the run with its exit code.
 */
import { spawnSync } from "node:child_process";
import { ensurePackages } from "../test/servers/ensure-packages.js";

const passThrough = process.argv.slice(2);

function step(name: string, cmd: string, args: string[]): void {
  const started = Date.now();
  process.stderr.write(`\n== ${name}: ${cmd} ${args.join(" ")}\n`);
  const res = spawnSync(cmd, args, { stdio: "inherit" });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status !== 0) {
    process.stderr.write(`== ${name} failed after ${secs} s (exit ${res.status ?? res.signal})\n`);
    process.exit(res.status ?? 1);
  }
  process.stderr.write(`== ${name} passed in ${secs} s\n`);
}

try {
  ensurePackages();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
// The build first: the binary's own test runs the JavaScript it makes (cli/src/main.test.ts).
step("build", process.execPath, ["scripts/build.mjs"]);
step("lint", "npx", ["biome", "check", "."]);
step("type check", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
step("tests", "npx", ["vitest", "run", ...passThrough]);
