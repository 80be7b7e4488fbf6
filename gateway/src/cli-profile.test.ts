import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerProfileCommands } from "./cli-profile.js";
import { EXIT_INVALID_PROFILE, EXIT_OK, runProfileCheck, runProfileList } from "./profiles/check-command.js";
import { BUILTIN_PROFILES_DIR } from "./profiles/load.js";

function capture() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  return { out, io };
}

const dir = mkdtempSync(join(tmpdir(), "jisr-cli-profile-"));

describe("jisr profile", () => {
  it("check: OK with the points and requests per poll, exit 0", () => {
    const { out, io } = capture();
    const file = join(BUILTIN_PROFILES_DIR, "inverter/huawei-sun2000.yaml");
    expect(runProfileCheck(file, io)).toBe(EXIT_OK);
    expect(out.stdout).toBe(`${file}: OK (19 points, 3 requests per poll)\n`);
    expect(out.stderr).toBe("");
  });

  it("check: every mistake by path, warnings too, exit 2", () => {
    const file = join(dir, "mine.yaml");
    writeFileSync(
      file,
      `products: [{ brand: Acme, models: [M1] }]
description: { en: A meter., fr: Un compteur., ar: عداد. }
protocol: modbus
defaults: { table: input, measurement: grid_meter }
points:
  - { name: power, address: 0, type: float32, unit: W, field: power_w } # Total power
  - { name: energy, address: 1, type: float32, unit: Wh, field: energy_import_wh } # Import
  - { name: state, address: 4, type: float32, field: state, enum: { 0: OK } }
`,
    );
    const { out, io } = capture();
    expect(runProfileCheck(file, io)).toBe(EXIT_INVALID_PROFILE);
    expect(out.stdout).toBe("");
    // Every problem in file order, each with its line and point.
    expect(out.stderr).toBe(
      `${file}: warnings:\n` +
        "  - points.2.address: no trailing comment naming the vendor's register (e.g. `address: 32080 # Active power`)\n" +
        `    at ${file}:8, point "state"\n` +
        `${file} is not valid:\n` +
        '  - points.1.address: input 1-2 overlaps points.0 ("power", input 0-1)\n' +
        `    at ${file}:7, point "energy"\n` +
        "  - points.2.enum: enum on a float32: enum needs an integer type (uint16, uint32, ...)\n" +
        `    at ${file}:8, point "state"\n` +
        "(2 problems)\n",
    );
  });

  it("check: a file that is not there", () => {
    const { out, io } = capture();
    expect(runProfileCheck(join(dir, "nope.yaml"), io)).toBe(EXIT_INVALID_PROFILE);
    expect(out.stderr).toContain(`(file): cannot read "${join(dir, "nope.yaml")}": no such file`);
  });

  it("list: every built-in profile with its class and products, and sunspec", () => {
    const { out, io } = capture();
    expect(runProfileList(io)).toBe(EXIT_OK);
    const lines = out.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+CLASS\s+POINTS\s+PRODUCTS$/);
    expect(lines.find((l) => l.startsWith("huawei-sun2000 "))).toMatch(
      /\s+inverter\s+19\s+Huawei SUN2000-3KTL-M1/,
    );
    expect(lines.find((l) => l.startsWith("eastron-sdm630 "))).toMatch(/\s+meter\s+16\s+Eastron/);
    expect(lines.at(-1)).toMatch(/^sunspec\s+any\s+-\s+any SunSpec inverter or meter/);
  });

  it("registers check, list and schema, each with help", () => {
    const program = new Command("jisr");
    registerProfileCommands(program);
    const profile = program.commands.find((c) => c.name() === "profile");
    expect(profile?.commands.map((c) => c.name())).toEqual(["check", "list", "schema"]);
    for (const c of profile?.commands ?? []) expect(c.description()).not.toBe("");
  });
});
