// `jisr sim device`: any device profile served over Modbus TCP, its values from a named generator.
import type { Command } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { collect, faultsOnCommand, parseFlags, parseStart, untilSignal } from "./cli-common.js";
import { FAULT_TEXT_HELP, parseFaultText, profileDeviceTarget } from "./control/faults.js";
import { GENERATOR_NAMES } from "./profile-device/generators.js";
import { startProfileDevice } from "./profile-device/index.js";

const optionsSchema = z.object({
  profile: z.string().min(1),
  generator: z.enum(GENERATOR_NAMES).optional(),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  unit: z.coerce.number().int().min(1).max(247),
  speed: z.coerce.number().positive(),
  seed: z.coerce.number().int(),
  tickMs: z.coerce.number().int().min(1),
  start: z.string().optional(),
  controlPort: z.coerce.number().int().min(0).max(65535).optional(),
  fault: z.array(z.string()).default([]),
});

function parseOptions(raw: unknown) {
  const o = parseFlags(optionsSchema, raw);
  for (const f of o.fault) parseFaultText(f);
  return o;
}

async function runDevice(raw: unknown): Promise<void> {
  const o = parseOptions(raw);
  const logger = pino({ name: "jisr-sim" }, pino.destination(2));
  const device = await startProfileDevice({
    profile: o.profile,
    host: o.host,
    port: o.port,
    unit: o.unit,
    speed: o.speed,
    seed: o.seed,
    tickMs: o.tickMs,
    ...(o.generator && { generator: o.generator }),
    ...(o.start !== undefined && { start: parseStart(o.start) }),
    logger,
  });
  let control: Awaited<ReturnType<typeof faultsOnCommand>>;
  try {
    control = await faultsOnCommand(profileDeviceTarget("device", device), o, logger);
  } catch (err) {
    await device.close();
    throw err;
  }
  const signal = await untilSignal();
  await control?.close();
  await device.close();
  logger.info({ signal, port: device.port }, "simulated device stopped");
}

export function registerDeviceSimCommand(sim: Command): void {
  sim
    .command("device")
    .description(
      "serve any device profile (gateway/profiles/modbus/**) over Modbus TCP, its values from a generator: " +
        "a solar water heater's tank, a heat meter, a grid meter or a weather sensor on a sun clock",
    )
    .requiredOption("--profile <name>", "built-in profile name (jisr profile list) or a .yaml path")
    .option("--generator <name>", `where the values come from: ${GENERATOR_NAMES.join(", ")}`)
    .option("--port <port>", "Modbus TCP port to listen on (0 picks a free one)", "0")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--unit <id>", "Modbus unit id to answer (1-247)", "1")
    .option("--speed <factor>", "sim seconds per wall second (3600 = one hour per second)", "1")
    .option("--seed <n>", "seed of the generator", "1")
    .option("--start <when>", 'sim instant at startup: ISO 8601 or "noon"')
    .option("--tick-ms <ms>", "how often the values are updated, wall milliseconds", "1000")
    .option("--fault <fault>", "start with this fault (repeatable; list below)", collect)
    .option(
      "--control-port <port>",
      "serve the fault control API (device id: device) on this loopback port; 0 picks one",
    )
    .addHelpText(
      "after",
      `
Examples:
  jisr sim device --profile generic-solar-controller --generator solar-water-heater --port 5021
  jisr sim device --profile eastron-sdm630 --generator grid-meter --port 5022 --speed 60
  jisr sim device --profile generic-solar-controller --generator solar-water-heater --port 5021 \\
      --control-port 5098
  jisr sim fault --control http://127.0.0.1:5098 device pump-failure

Faults:
${FAULT_TEXT_HELP.replace(/^/gm, "  ")}
  (pump-failure where the profile serves pump_on or flow_l_per_h)

Runs until Ctrl-C (SIGINT) or SIGTERM. Logs JSON lines (pino) to stderr.`,
    )
    .action(runDevice);
}
