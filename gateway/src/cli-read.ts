import type { Command } from "commander";
import { z } from "zod";
import { closeModbus, connectModbusTcp, ModbusConnectError } from "./modbus/client.js";
import { formatDevice } from "./sunspec/format.js";
import { readSunspecDevice } from "./sunspec/read-device.js";

/** `jisr gateway read`: what does this SunSpec device answer? */

const HELP_AFTER = `
Finds the "SunS" marker at register 40000, then 0, then 50000, walks the model chain and
decodes every model it has a register map for (1, 101-103, 111-113, 120, 160, 201-204):
scale factors applied, "not implemented" shown as null, states and events by name.

Examples:
  jisr gateway read --host 192.168.1.50
  jisr gateway read --host 192.168.1.50 --port 1502 --unit 3 --timeout 5000 --json`;

const OptionsSchema = z.strictObject({
  host: z.string().min(1, "must not be empty"),
  port: z.coerce.number().int().min(1).max(65535),
  unit: z.coerce.number().int().min(0).max(255),
  timeout: z.coerce.number().int().min(1).max(600_000),
  json: z.boolean().default(false),
});
export type GatewayReadOptions = z.input<typeof OptionsSchema>;

interface Output {
  write(text: string): unknown;
}

function optionError(error: z.ZodError): string {
  const issue = error.issues[0];
  return `--${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`;
}

/** Runs the command and returns its exit code: 0, or 1 with one line on stderr. */
export async function runGatewayRead(
  raw: GatewayReadOptions,
  io: { stdout: Output; stderr: Output },
): Promise<number> {
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success) {
    io.stderr.write(`error: ${optionError(parsed.error)}\n`);
    return 1;
  }
  const { host, port, unit, timeout, json } = parsed.data;
  const where = `${host}:${port} unit ${unit}`;
  try {
    const client = await connectModbusTcp({ host, port, unit, timeoutMs: timeout });
    try {
      const device = await readSunspecDevice(client);
      io.stdout.write(json ? `${JSON.stringify(device, null, 2)}\n` : formatDevice(device, `at ${where}`));
    } finally {
      await closeModbus(client);
    }
    return 0;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    // A connect error already names host and port.
    io.stderr.write(
      err instanceof ModbusConnectError ? `error: ${message}\n` : `error: ${where}: ${message}\n`,
    );
    return 1;
  }
}

/** Adds `read` to the `jisr gateway` command. */
export function registerGatewayReadCommand(gateway: Command): void {
  gateway
    .command("read")
    .description("read a SunSpec inverter or meter over Modbus TCP and print its decoded models")
    .requiredOption("--host <host>", "device IP address or host name")
    .option("--port <port>", "Modbus TCP port", "502")
    .option("--unit <id>", "Modbus unit (slave) id", "1")
    .option("--timeout <ms>", "timeout per Modbus request, in milliseconds", "3000")
    .option("--json", "print the decoded device as JSON instead of tables")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: GatewayReadOptions) => {
      process.exitCode = await runGatewayRead(opts, { stdout: process.stdout, stderr: process.stderr });
    });
}
