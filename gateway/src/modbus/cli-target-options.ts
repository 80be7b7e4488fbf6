/**
 * The bus options of `jisr gateway read` and `scan` as commander declares them. Apart from their check
 * (cli-target.ts, zod) so that registering the commands, which `jisr gateway --help` does, loads no zod.
 */
import type { Command } from "commander";
import { BAUD_RATES } from "../config/serial-line.js";

/** Adds the bus options to a command. */
export function addTargetOptions(command: Command): Command {
  return command
    .option("--host <host>", "Modbus TCP: device (or TCP-to-RTU converter) IP address or host name")
    .option("--port <port>", "Modbus TCP: port", "502")
    .option("--serial <path>", "Modbus RTU: serial port of the RS-485 adapter, in place of --host")
    .option("--baud <rate>", `Modbus RTU: line speed (${BAUD_RATES.join(", ")})`, "9600")
    .option("--parity <parity>", "Modbus RTU: none, even or odd (8 data bits, 1 stop bit)", "none");
}
