// `jisr sim …`: simulated devices for demos and tests.

import type { Command } from "commander";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { collect, faultsOnCommand, parseFlags, parseStart, untilSignal } from "./cli-common.js";
import { registerFaultCommand } from "./control/fault-command.js";
import { FAULT_TEXT_HELP, inverterTarget, parseFaultText } from "./control/faults.js";
import { registerDeviceSimCommand } from "./device-cli.js";
import { registerFleetCommand } from "./fleet/cli.js";
import { registerMqttSimCommand } from "./mqtt/cli.js";
import { startSunspecRtuBus } from "./rtu/sunspec-rtu.js";
import { startSunspecInverter } from "./sunspec-inverter.js";

const cliOptionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  serial: z.string().min(1).optional(),
  baud: z.coerce.number().int().positive(),
  parity: z.enum(["none", "even", "odd"]),
  host: z.string().min(1),
  unit: z.coerce.number().int().min(1).max(247),
  kwp: z.coerce.number().positive(),
  speed: z.coerce.number().positive(),
  seed: z.coerce.number().int(),
  tickMs: z.coerce.number().int().min(1),
  start: z.string().optional(),
  clouds: z.boolean(),
  controlPort: z.coerce.number().int().min(0).max(65535).optional(),
  fault: z.array(z.string()).default([]),
});

function parseCliOptions(raw: unknown) {
  const o = parseFlags(cliOptionsSchema, raw);
  if ((o.port === undefined) === (o.serial === undefined))
    throw new Error("give either --port (Modbus TCP) or --serial (Modbus RTU)");
  if (o.serial !== undefined && (o.controlPort !== undefined || o.fault.length))
    throw new Error("--control-port and --fault work with --port (Modbus TCP), not --serial");
  for (const f of o.fault) parseFaultText(f); // fail before anything listens
  return o;
}

/** Starts the inverter on TCP or on a serial port; resolves to what stops it and where it is. */
async function startInverter(o: ReturnType<typeof parseCliOptions>, logger: Logger) {
  const sim = {
    unit: o.unit,
    kwp: o.kwp,
    speed: o.speed,
    seed: o.seed,
    tickMs: o.tickMs,
    clouds: o.clouds,
    start: o.start === undefined ? undefined : parseStart(o.start),
  };
  if (o.serial !== undefined) {
    const bus = await startSunspecRtuBus({
      path: o.serial,
      baud: o.baud,
      parity: o.parity,
      inverters: [sim],
      logger,
    });
    return { close: () => bus.close(), where: { serial: o.serial, baud: o.baud, parity: o.parity } };
  }
  const inverter = await startSunspecInverter({ ...sim, host: o.host, port: o.port ?? 0, logger });
  const control = await faultsOnCommand(inverterTarget("inverter", inverter), o, logger).catch(
    async (err: unknown) => {
      await inverter.close();
      throw err;
    },
  );
  return {
    close: async () => {
      await control?.close();
      await inverter.close();
    },
    where: { port: inverter.port, ...(control && { control: control.url }) },
  };
}

async function runInverter(raw: unknown): Promise<void> {
  const o = parseCliOptions(raw);
  const logger = pino({ name: "jisr-sim" }, pino.destination(2));
  const inverter = await startInverter(o, logger);
  const signal = await untilSignal();
  await inverter.close();
  logger.info({ signal, ...inverter.where }, "simulated SunSpec inverter stopped");
}

export function registerSimCommands(program: Command): void {
  const sim = program
    .command("sim")
    .description("simulated devices served over real protocols, for demos and tests");
  sim
    .command("inverter")
    .description(
      "serve a simulated SunSpec three-phase PV inverter (models 1, 103, 160 at register 40000) over Modbus TCP; " +
        "or Modbus RTU on a serial port; its power follows the sun at Ben Guerir (30° tilt, facing south)",
    )
    .option("--port <port>", "Modbus TCP: port to listen on (0 picks a free one)")
    .option("--serial <path>", "Modbus RTU: serial port to answer on, in place of --port")
    .option("--baud <rate>", "Modbus RTU: line speed", "9600")
    .option("--parity <parity>", "Modbus RTU: none, even or odd", "none")
    .option("--host <address>", "Modbus TCP: address to listen on", "127.0.0.1")
    .option("--unit <id>", "Modbus unit id to answer (1-247)", "1")
    .option("--kwp <kWp>", "DC nameplate of the PV array, kWp (AC rating = kWp / 1.1)", "10")
    .option("--speed <factor>", "sim seconds per wall second (3600 = one hour per second)", "1")
    .option("--seed <n>", "seed of the clouds, grid wander and serial number", "1")
    .option("--start <when>", 'sim instant at startup: ISO 8601 (e.g. 2026-06-21T12:30:00Z) or "noon"')
    .option("--tick-ms <ms>", "how often the registers are updated, wall milliseconds", "1000")
    .option("--no-clouds", "clear sky all day (no seeded cloud noise)")
    .option("--fault <fault>", "start with this fault (repeatable; list below)", collect)
    .option(
      "--control-port <port>",
      "serve the fault control API (device id: inverter) on this loopback port; 0 picks one",
    )
    .addHelpText(
      "after",
      `
Examples:
  jisr sim inverter --port 5020
  jisr sim inverter --port 5020 --unit 3 --kwp 30 --start noon --speed 60
  mbpoll -m tcp -p 5020 -a 1 -r 40001 -c 4 127.0.0.1     (mbpoll numbers registers from 1)

Modbus RTU on an RS-485 adapter, or on one end of a pseudo-terminal pair for a test bench:
  socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB &
  jisr sim inverter --serial /tmp/ttyA --baud 9600 --parity none --unit 2
  jisr gateway read --serial /tmp/ttyB --baud 9600 --unit 2

Faults, at start or on command while it runs (Modbus TCP only):
  jisr sim inverter --port 5020 --fault soiling=30 --control-port 5099
  jisr sim fault --control http://127.0.0.1:5099 inverter trip
  jisr sim fault --control http://127.0.0.1:5099 inverter --clear
${FAULT_TEXT_HELP.replace(/^/gm, "  ")}

Runs until Ctrl-C (SIGINT) or SIGTERM. Logs JSON lines (pino) to stderr.`,
    )
    .action(runInverter);
  registerDeviceSimCommand(sim);
  registerMqttSimCommand(sim);
  registerFaultCommand(sim);
  registerFleetCommand(sim);
}
