/**
 * `jisr profile check FILE`, `jisr profile list` and `jisr profile schema`: for a technician adding a
 * device by writing one file (STYLE.md habit 4: one CLI checks a single new file, with the same checks as
 * the test over every shipped profile).
 */

import type { Command } from "commander";
// Only commander's types here: the checkers (zod, yaml, the profiles) load when a command runs, so
// `jisr profile --help` stays light (profiles/check-command.ts does the work).
import type { ProfileCliIo } from "./profiles/check-command.js";

export type { ProfileCliIo } from "./profiles/check-command.js";

const CHECK_HELP = `
Validates a device profile as the gateway would load it, a Modbus register map or an MQTT payload
profile (protocol: mqtt), in one pass: the schema (unknown keys, with the key you probably meant;
types, units, fr/ar/en texts) and the rules across points or topics: overlapping registers, an
unknown scale register or one too far from its value, a 32-bit point that cannot fit in one request,
an enum on a float, a field name that does not end with its unit, a measurement whose tags vary.
Every problem is printed by path, with its line and point, e.g.
  - points.3.scale_register: unknown scale register "sf": no point has that name
    at my-inverter.yaml:41, point "ac_power"
Warnings (an address without a comment naming the vendor's register, a point read but never stored)
do not fail the check.

Examples:
  jisr profile check my-inverter.yaml
  jisr profile check gateway/profiles/modbus/inverter/huawei-sun2000.yaml
  jisr profile check gateway/profiles/mqtt/shelly-gen2.yaml

Exit codes: 0 valid, 2 not valid.`;

const LIST_HELP = `
Lists the profiles shipped in gateway/profiles/modbus/<class>/<name>.yaml (Modbus devices) and
gateway/profiles/mqtt/<name>.yaml (class mqtt: MQTT devices). Use the name as "profile:" in a
gateway config, or give the path of your own .yaml file there instead.

Example:
  jisr profile list`;

function guard(run: () => number, io: ProfileCliIo): number {
  try {
    return run();
  } catch (err) {
    io.stderr.write(`error: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}\n`);
    return 1;
  }
}

const work = () => import("./profiles/check-command.js");

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
    .action(async (file: string) => {
      const { runProfileCheck } = await work();
      process.exitCode = guard(() => runProfileCheck(file, io), io);
    });
  profile
    .command("list")
    .description("list the built-in device profiles")
    .addHelpText("after", LIST_HELP)
    .action(async () => {
      const { runProfileList } = await work();
      process.exitCode = guard(() => runProfileList(io), io);
    });
  profile
    .command("schema")
    .description("print the JSON Schema of a profile file (for editor completion)")
    .action(async () => {
      const { runProfileSchema } = await work();
      process.exitCode = guard(() => runProfileSchema(io), io);
    });
}
