/**
 * `jisr profile check FILE`, `jisr profile list` and `jisr profile schema`: for a technician adding a
 * device by writing one file (STYLE.md habit 4: one CLI checks a single new file, with the same checks as
 * the test over every shipped profile).
 */

import type { Problem } from "@jisr/core";
import type { Command } from "commander";
import { inspectProfileFile, listBuiltinProfiles, loadProfile } from "./profiles/load.js";
import { planReads } from "./profiles/plan.js";
import { profileJsonSchema } from "./profiles/schema.js";

/** Exit codes: 0 valid, 1 the command itself failed, 2 the profile is not valid. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID_PROFILE = 2;

interface Output {
  write(text: string): unknown;
}
export interface ProfileCliIo {
  stdout: Output;
  stderr: Output;
}

const CHECK_HELP = `
Validates a device profile as the gateway would load it: the schema (unknown keys, types, units,
fr/ar/en texts), then the rules across points: overlapping registers, an unknown scale register or
one too far from its value, a 32-bit point that cannot fit in one request, an enum on a float, a
field name that does not end with its unit, a measurement whose tags vary. Every problem is printed
by path, e.g. "points.3.scale_register: unknown scale register ...". Warnings (an address without a
comment naming the vendor's register, a point read but never stored) do not fail the check.

Examples:
  jisr profile check my-inverter.yaml
  jisr profile check gateway/profiles/modbus/inverter/huawei-sun2000.yaml

Exit codes: 0 valid, 2 not valid.`;

const LIST_HELP = `
Lists the profiles shipped in gateway/profiles/modbus/<class>/<name>.yaml. Use the name as
"profile:" in a gateway config, or give the path of your own .yaml file there instead.

Example:
  jisr profile list`;

function problemLines(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.path}: ${p.message}\n`).join("");
}

/** Runs `profile check` and returns its exit code. */
export function runProfileCheck(file: string, io: ProfileCliIo): number {
  const found = inspectProfileFile(file);
  if (found.warnings.length > 0) io.stderr.write(`${file}: warnings:\n${problemLines(found.warnings)}`);
  if (!found.profile) {
    io.stderr.write(`${file} is not valid:\n${problemLines(found.errors)}`);
    return EXIT_INVALID_PROFILE;
  }
  const { points, read } = found.profile;
  const requests = planReads(points, read).length;
  io.stdout.write(`${file}: OK (${points.length} points, ${requests} requests per poll)\n`);
  return EXIT_OK;
}

/** Runs `profile list` and returns its exit code. */
export function runProfileList(io: ProfileCliIo): number {
  const rows = listBuiltinProfiles().map((b) => {
    const profile = loadProfile(b.file);
    const products = profile.spec.products.map((p) => `${p.brand} ${p.models.join(", ")}`).join("; ");
    return [b.name, b.class, String(profile.points.length), products];
  });
  const header = ["NAME", "CLASS", "POINTS", "PRODUCTS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `${cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join("  ")}\n`;
  io.stdout.write(line(header));
  for (const r of rows) io.stdout.write(line(r));
  io.stdout.write(
    `${line(["sunspec", "any", "-", "any SunSpec inverter or meter (discovered on the device)"])}`,
  );
  return EXIT_OK;
}

function guard(run: () => number, io: ProfileCliIo): number {
  try {
    return run();
  } catch (err) {
    io.stderr.write(`error: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}\n`);
    return EXIT_FAILURE;
  }
}

/** Adds `jisr profile check|list|schema`. */
export function registerProfileCommands(program: Command): void {
  const io: ProfileCliIo = { stdout: process.stdout, stderr: process.stderr };
  const profile = program
    .command("profile")
    .description("device profiles (register maps as data): check a new one, list the built-in ones");
  profile
    .command("check")
    .description("validate a device profile file and explain every mistake by path")
    .argument("<file>", "the profile, a .yaml file")
    .addHelpText("after", CHECK_HELP)
    .action((file: string) => {
      process.exitCode = guard(() => runProfileCheck(file, io), io);
    });
  profile
    .command("list")
    .description("list the built-in device profiles")
    .addHelpText("after", LIST_HELP)
    .action(() => {
      process.exitCode = guard(() => runProfileList(io), io);
    });
  profile
    .command("schema")
    .description("print the JSON Schema of a profile file (for editor completion)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
    });
}
