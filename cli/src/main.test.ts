/** The `jisr` binary as a user runs it: through cli/bin/jisr.js, in a child process. */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = join(dirname(fileURLToPath(import.meta.url)), "../bin/jisr.js");

function jisr(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 30_000 });
}

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
