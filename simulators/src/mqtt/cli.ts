// `jisr sim mqtt`: one simulated MQTT device (Shelly, Tasmota, OpenDTU) publishing to a broker. Register
// it under `jisr sim` with `registerMqttSimCommand(sim)`.
import type { Command } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { parseFlags } from "../cli-common.js";
import { createSimClock } from "../clock.js";
import { SIMULATED_MQTT_KINDS, startSimulatedMqttDevice } from "./device.js";

const optionsSchema = z.object({
  url: z.url({ protocol: /^mqtts?$/, message: "must be an mqtt:// URL, e.g. mqtt://127.0.0.1:1883" }),
  kind: z.enum(SIMULATED_MQTT_KINDS, { message: `must be one of: ${SIMULATED_MQTT_KINDS.join(", ")}` }),
  topic: z
    .string()
    .regex(/^[^#+/][^#+]*[^#+/]$|^[^#+/]$/, "must be a plain topic (no wildcards, no leading /)"),
  measures: z.enum(["pv", "load"], { message: 'must be "pv" or "load"' }).optional(),
  kwp: z.coerce.number().min(0).optional(),
  peakW: z.coerce.number().positive().optional(),
  intervalMs: z.coerce.number().int().min(100),
  speed: z.coerce.number().positive(),
  seed: z.coerce.number().int(),
  start: z.iso
    .datetime({ offset: true, message: "must be ISO 8601 with a zone, e.g. 2026-06-21T12:30:00Z" })
    .optional(),
});

async function run(raw: unknown): Promise<void> {
  const o = parseFlags(optionsSchema, raw);
  const logger = pino({ name: "jisr-sim" }, pino.destination(2));
  const device = await startSimulatedMqttDevice({
    ...o,
    clock: createSimClock({ speed: o.speed, ...(o.start && { start: new Date(o.start) }) }),
    logger,
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await device.stop();
  logger.info({ signal, published: device.published }, "simulated MQTT device stopped");
}

export function registerMqttSimCommand(sim: Command): void {
  sim
    .command("mqtt")
    .description(
      "publish what a Shelly Plus 1PM / Pro 3EM, a Tasmota plug or an OpenDTU publishes, to an MQTT broker; " +
        "values follow the sun at Ben Guerir (PV) or an institution's daily load",
    )
    .requiredOption("--url <url>", "broker, e.g. mqtt://127.0.0.1:1883")
    .requiredOption("--kind <kind>", `device: ${SIMULATED_MQTT_KINDS.join(", ")}`)
    .requiredOption("--topic <topic>", "the device's own topic, as in the gateway config")
    .option("--measures <what>", "pv (an inverter's output) or load (default: pv for opendtu, else load)")
    .option("--kwp <kWp>", "PV peak power, kWp (behind a Pro 3EM: PV on the site, default 0)")
    .option("--peak-w <W>", "peak of the load, W")
    .option("--interval-ms <ms>", "wall time between two publishes", "10000")
    .option("--speed <factor>", "sim seconds per wall second", "1")
    .option("--seed <n>", "seed of the clouds and the load noise", "7")
    .option("--start <when>", "sim instant at startup, ISO 8601 (e.g. 2026-06-21T12:30:00Z)")
    .addHelpText(
      "after",
      `
Examples:
  jisr sim mqtt --url mqtt://127.0.0.1:1883 --kind opendtu --topic solar/116180400123
  jisr sim mqtt --url mqtt://127.0.0.1:1883 --kind shelly-pro3em --topic shellypro3em-c8f09e8a1b2c --kwp 6
  jisr sim mqtt --url mqtt://127.0.0.1:1883 --kind tasmota --topic boiler --speed 60

Gateway config of the first one:
  mqtt: { url: mqtt://127.0.0.1:1883, devices: [{ id: hm-1, profile: opendtu, topic: solar/116180400123 }] }

Runs until Ctrl-C (SIGINT) or SIGTERM. Logs JSON lines (pino) to stderr.`,
    )
    .action(run);
}
