/**
 * `jisr gateway scan`: which unit ids answer on this bus, and what are they? Registration only: the work
 * (zod, the Modbus link, profiles, SunSpec) is in commands/scan.ts and loaded when the command runs, so
 * that `jisr gateway --help` starts fast on a small box.
 */
import type { Command } from "commander";
import type { GatewayScanOptions } from "./commands/scan.js";
import { addTargetOptions } from "./modbus/cli-target-options.js";

export type { GatewayScanOptions, ScanReport, ScanResult } from "./commands/scan.js";

const HELP_AFTER = `
Asks every unit id in --units, one at a time, for the SunSpec marker (holding register 40000).
A unit that answers (with data or with a Modbus exception) is then identified: its SunSpec
models, maker, model and serial number, and every built-in data profile whose "identify" register
matches. A unit that stays silent for --timeout is taken as absent, so a full scan takes about
(number of units) x (timeout): 247 units at 300 ms is a little over a minute. Identifying a unit
that answered waits longer for each answer: 3 x timeout, at least one second.

Examples:
  jisr gateway scan --serial /dev/ttyUSB0 --baud 9600
  jisr gateway scan --serial /dev/ttyUSB0 --baud 19200 --parity even --units 1-10
  jisr gateway scan --host 192.168.1.60 --units 1-32 --timeout 500     (a TCP-to-RTU converter)
  jisr gateway scan --host 192.168.1.50 --units 1,3,126 --json

Nothing answers? Check A/B wiring (swap them), baud rate and parity (all devices on a bus must
use the same), termination, and that the devices are powered and have Modbus enabled.`;

interface Output {
  write(text: string): unknown;
}

/** Runs the command and returns its exit code: 0, or 1 with one line on stderr. */
export async function runGatewayScan(
  raw: GatewayScanOptions,
  io: { stdout: Output; stderr: Output },
): Promise<number> {
  const { runGatewayScan: run } = await import("./commands/scan.js");
  return run(raw, io);
}

/** Adds `scan` to the `jisr gateway` command. */
export function registerGatewayScanCommand(gateway: Command): void {
  const scan = gateway
    .command("scan")
    .description("find the Modbus unit ids that answer on a bus (TCP or RTU) and tell what they are");
  addTargetOptions(scan)
    .option("--units <list>", "unit ids to try: a range and/or a list, e.g. 1-247 or 1,3,10-12", "1-247")
    .option("--timeout <ms>", "how long to wait for each unit, in milliseconds", "300")
    .option("--json", "print the findings as JSON instead of a table")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: GatewayScanOptions) => {
      process.exitCode = await runGatewayScan(opts, { stdout: process.stdout, stderr: process.stderr });
    });
}
