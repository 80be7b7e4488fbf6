/**
 * `jisr gateway run` and `jisr gateway check-config`: the gateway process at the edge, and a check of its
 * config file that starts nothing. A wrong config exits with code 2 and every problem by path.
 */
import { dirname, resolve } from "node:path";
import type { CliIo } from "@jisr/core";
import { ValidationError } from "@jisr/core/errors";
import type { Command } from "commander";
import type { DestinationStream, Logger } from "pino";
import type { GatewayConfig } from "./config/schema.js";

// The config loader (zod, yaml, profiles), pino, the gateway and its queue are imported inside the
// actions: registering these commands, which `jisr gateway --help` does, must stay light.

/** Exit codes: 0 fine, 1 failure at run time, 2 the config (or a device in it) is not valid. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID_CONFIG = 2;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

const RUN_HELP = `
Reads every device of the config on its own schedule and sends the readings to the ingestion
service (POST <uplink.url>/api/v1/write). Every reading first goes into a queue on disk,
<data_dir>/outbox.sqlite, and leaves it only once the server has stored it: a dead link, a power
cut or a restart loses nothing. The queue is bounded by buffer.max_bytes (256 MiB by default);
when full, the oldest readings are dropped, counted and logged. The gateway also sends its own
health (gateway_health, device_health) every health.interval, and rewrites <data_dir>/status.json
every 5 s for "jisr gateway status". Stop with Ctrl-C or SIGTERM: polling stops and what is queued
is sent within 5 s; the rest waits on disk for the next start.
Logs are JSON lines on stdout (pipe them through pino-pretty to read them).

The token comes from uplink.token, uplink.token_file, or the JISR_GATEWAY_TOKEN variable.

Examples:
  jisr gateway check-config --config /etc/jisr/gateway.yaml
  JISR_GATEWAY_TOKEN=jisr_... jisr gateway run --config /etc/jisr/gateway.yaml
  jisr gateway run --config gateway/examples/gateway.yaml --log-level debug
  jisr gateway status --config /etc/jisr/gateway.yaml     (from another terminal)

Exit codes: 0 stopped cleanly, 1 failed while running or could not open its queue (the message
says what to do), 2 the config is not valid (nothing started).`;

const CHECK_HELP = `
Validates the file as "run" would (unknown keys, types, ranges, duplicate devices, the token) and
prints OK, or every problem by path, e.g. "devices.1.port: must be between 1 and 65535".

Example:
  jisr gateway check-config --config gateway/examples/gateway.yaml

Exit codes: 0 valid, 2 not valid.`;

export type { CliIo, CliOutput } from "@jisr/core";

/** Loads the config, or writes its problems to stderr and returns undefined. */
async function loadOrReport(path: string, io: CliIo): Promise<GatewayConfig | undefined> {
  const { loadGatewayConfig } = await import("./config/load.js");
  try {
    return loadGatewayConfig(path);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return undefined;
  }
}

/** `check-config`: 0 and "OK ..." on stdout, or 2 and every problem on stderr. */
export async function checkGatewayConfigCommand(path: string, io: CliIo): Promise<number> {
  // Every problem in one pass, with its line and device (config/check.ts); loaded only when it runs.
  const { runConfigCheck } = await import("./config/check.js");
  return runConfigCheck(path, io);
}

export interface RunCommandOptions {
  config: string;
  logLevel?: string;
}

/**
 * `run`: starts the gateway and resolves with the exit code once `stopSignal` resolves (SIGINT/SIGTERM
 * by default) and the gateway has stopped.
 */
export async function runGatewayCommand(
  options: RunCommandOptions,
  io: CliIo,
  stopSignal: () => Promise<string> = waitForSignal,
): Promise<number> {
  const level = options.logLevel ?? "info";
  if (!LOG_LEVELS.includes(level)) {
    io.stderr.write(`error: --log-level: must be one of ${LOG_LEVELS.join(", ")}\n`);
    return EXIT_INVALID_CONFIG;
  }
  const config = await loadOrReport(options.config, io);
  if (!config) return EXIT_INVALID_CONFIG;
  const [{ pino }, { runGateway }, { sdNotifier }, { OutboxError }] = await Promise.all([
    import("pino"),
    import("./run/gateway.js"),
    import("./service/sd-notify.js"),
    import("./uplink/outbox.js"),
  ]);
  const logger: Logger = pino({ level, base: { pid: process.pid } }, io.stdout as DestinationStream);
  let gateway: Awaited<ReturnType<typeof runGateway>>;
  try {
    gateway = await runGateway(config, { logger, baseDir: dirname(resolve(options.config)) });
  } catch (err) {
    if (err instanceof OutboxError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    if (!(err instanceof ValidationError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return EXIT_INVALID_CONFIG;
  }
  // Under systemd (Type=notify): ready now, and a watchdog fed while the event loop turns, so a hung
  // gateway is restarted (deploy/gateway/jisr-gateway.service).
  const systemd = sdNotifier({ logger });
  await systemd.start(`polling ${config.devices.length + (config.mqtt?.devices.length ?? 0)} device(s)`);
  const signal = await stopSignal();
  logger.info({ signal }, "Stopping");
  await systemd.stop();
  await gateway.stop();
  return EXIT_OK;
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once (a stuck stop must stay stoppable). */
function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve(signal);
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
  });
}

const io: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** Adds `run` and `check-config` to the `jisr gateway` command. */
export function registerGatewayRunCommand(gateway: Command): void {
  gateway
    .command("run")
    .description("poll the configured devices and send their readings to the ingestion service")
    .requiredOption("-c, --config <file>", "gateway config file (YAML), see gateway/examples/gateway.yaml")
    .option("--log-level <level>", `log level: ${LOG_LEVELS.join(", ")}`, "info")
    .addHelpText("after", RUN_HELP)
    .action(async (opts: RunCommandOptions) => {
      process.exitCode = await runGatewayCommand(opts, io);
    });
  gateway
    .command("check-config")
    .description("validate a gateway config file and print every problem, without starting anything")
    .requiredOption("-c, --config <file>", "gateway config file (YAML)")
    .addHelpText("after", CHECK_HELP)
    .action(async (opts: { config: string }) => {
      process.exitCode = await checkGatewayConfigCommand(opts.config, io);
    });
}
