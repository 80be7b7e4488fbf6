/**
 * `jisr gateway read`: what does this device answer, decoded? Registration only: the work (zod, the
 * Modbus link, profiles, SunSpec) is in commands/read.ts and loaded when the command runs, so that
 * `jisr gateway --help` starts fast on a small box.
 */
import type { Command } from "commander";
import type { GatewayReadOptions } from "./commands/read.js";
import { addTargetOptions } from "./modbus/cli-target-options.js";

export type { GatewayReadOptions } from "./commands/read.js";

const HELP_AFTER = `
Without --profile: finds the "SunS" marker at register 40000, then 0, then 50000, walks the model
chain and decodes every model it has a register map for (1, 101-103, 111-113, 120, 160, 201-204):
scale factors applied, "not implemented" shown as null, states and events by name.
With --profile: reads the registers of a data profile (a built-in name, or a .yaml file) and prints
every point decoded, in as few requests as the profile allows.

Examples:
  jisr gateway read --host 192.168.1.50
  jisr gateway read --host 192.168.1.50 --port 1502 --unit 3 --timeout 5000 --json
  jisr gateway read --serial /dev/ttyUSB0 --baud 9600 --parity even --unit 2
  jisr gateway read --host 192.168.1.60 --unit 1 --profile huawei-sun2000
  jisr gateway read --serial /dev/ttyUSB0 --unit 4 --profile ./my-heat-meter.yaml

Run \`jisr gateway scan\` first if you do not know the unit id.`;

interface Output {
  write(text: string): unknown;
}

/** Runs the command and returns its exit code: 0, or 1 with one line on stderr. */
export async function runGatewayRead(
  raw: GatewayReadOptions,
  io: { stdout: Output; stderr: Output },
): Promise<number> {
  const { runGatewayRead: run } = await import("./commands/read.js");
  return run(raw, io);
}

/** Adds `read` to the `jisr gateway` command. */
export function registerGatewayReadCommand(gateway: Command): void {
  const read = gateway
    .command("read")
    .description(
      "read one device over Modbus TCP or RTU and print it decoded: SunSpec models, or a data profile's points",
    );
  addTargetOptions(read)
    .option("--unit <id>", "Modbus unit (slave) id", "1")
    .option("--timeout <ms>", "timeout per Modbus request, in milliseconds", "3000")
    .option(
      "--profile <name>",
      "read with this data profile (built-in name or .yaml file) instead of SunSpec",
    )
    .option("--json", "print the decoded device as JSON instead of tables")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: GatewayReadOptions) => {
      process.exitCode = await runGatewayRead(opts, { stdout: process.stdout, stderr: process.stderr });
    });
}
