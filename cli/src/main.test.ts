/** The `jisr` binary as a user runs it: through cli/bin/jisr.js, in a child process. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = join(dirname(fileURLToPath(import.meta.url)), "../bin/jisr.js");

function jisr(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 30_000 });
}

describe("jisr as built", () => {
  it("runs the JavaScript npm install builds, without tsx, and loads only the command that runs", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
    const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const env = { ...process.env, JISR_SOURCE: "" };
    const version = spawnSync(process.execPath, [bin, "--version"], {
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect({ status: version.status, stdout: version.stdout }).toEqual({ status: 0, stdout: "0.1.0\n" });
    // Which of our modules a command loaded, recorded by a module-resolution hook of Node's own.
    const dir = mkdtempSync(join(tmpdir(), "jisr-loaded-"));
    const log = join(dir, "loaded.txt");
    writeFileSync(
      join(dir, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  if (r.url.includes("/dist/")) appendFileSync(${JSON.stringify(log)}, r.url + "\\n");
  return r;
}`,
    );
    writeFileSync(
      join(dir, "register.mjs"),
      `import { register } from "node:module"; register("./hooks.mjs", import.meta.url);`,
    );
    const help = spawnSync(
      process.execPath,
      ["--import", join(dir, "register.mjs"), bin, "token", "--help"],
      {
        env,
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^\s+new\b/m);
    const loaded = readFileSync(log, "utf8");
    expect(loaded).toMatch(/ingestion\/dist\/cli\.js/);
    expect(loaded).not.toMatch(/gateway\/dist|services\/web\/dist|services\/reports\/dist/);
  });
});

describe("jisr", () => {
  it("--help lists every command", () => {
    const res = jisr(["--help"]);
    expect(res.status).toBe(0);
    for (const command of ["demo", "sim", "gateway", "ingest", "token"]) {
      expect(res.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });

  it("gateway --help lists read and run", () => {
    const res = jisr(["gateway", "--help"]);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^\s+read\b/m);
    expect(res.stdout).toMatch(/^\s+run\b/m);
  });

  it("refuses an unknown command with a hint", () => {
    const res = jisr(["frobnicate"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it("reports a failed command in one line, without a stack trace, and exits 1", () => {
    const res = jisr(["sim", "fault", "--control", "http://127.0.0.1:9", "inverter", "fire"]);
    expect({ status: res.status, stderr: res.stderr }).toEqual({
      status: 1,
      stderr:
        'jisr: unknown fault "fire"; known: trip, string-failure, soiling, pump-failure, stuck-sensor, comm-loss\n',
    });
  });

  it("demo refuses a bad option by name", () => {
    const res = jisr(["demo", "--start", "noonish"]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--start/);
  });

  it("demo runs end to end and prints each institution's power and energy", async () => {
    const child = spawn(
      process.execPath,
      [bin, "demo", "--duration", "6", "--every", "2", "--poll", "0.5", "--start", "12:30", "--speed", "30"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/3 simulated institutions/);
    const lastTable = stdout.slice(stdout.lastIndexOf("institution "));
    for (const id of ["foyer-ben-guerir", "maison-enfants-skhour", "centre-handicap-sidi-bouathmane"]) {
      expect(lastTable).toMatch(new RegExp(`${id}\\s+\\d+ kWp\\s+\\d+\\.\\d\\d kW\\s+\\d+\\.\\d\\d kWh`));
    }
    expect(stdout).toMatch(/Stopped\./);
  }, 40_000);
});
