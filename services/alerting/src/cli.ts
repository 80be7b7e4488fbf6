/**
 * `jisr alerting …`: run the service, check a config file, issue an API token. Output meant for scripts
 * goes to stdout, logs to stderr.
 */
import { type CliIo, formatDuration, processIo } from "@jisr/core";
import { ValidationError } from "@jisr/core/errors";
import type { Store } from "@jisr/core/store";
import { generateToken, hashToken, newTokenId, openStore } from "@jisr/service-kit";
import { type Command, Option } from "commander";
import { pino } from "pino";
import { loadAlertingFromInventory } from "./config/from-inventory.js";
import { loadAlertingConfig } from "./config/load.js";
import type { AlertingConfig } from "./config/schema.js";
import { timingFor } from "./config/timing.js";
import { RULE_IDS } from "./rules/types.js";
import { startAlerting } from "./service.js";

const configOption = () =>
  new Option("--config <file>", "alerting config (YAML; see alerting.example.yaml)")
    .env("JISR_ALERTING_CONFIG")
    .makeOptionMandatory();

export function registerAlertingCommands(program: Command, io: CliIo = processIo): void {
  const alerting = program
    .command("alerting")
    .description("alerts technicians can act on: rules over the readings, e-mail/webhook/MQTT, an HTTP API");
  registerRun(alerting);
  registerCheck(alerting, io);
  registerToken(alerting, io);
}

/**
 * Loads the config, or ends the command with every problem listed. With an inventory, the institutions
 * (and the recipients its contacts make) come from it and the file holds the service's own settings.
 */
function configOrExit(path: string, command: Command, inventory?: string): AlertingConfig {
  try {
    return inventory !== undefined ? loadAlertingFromInventory(inventory, path) : loadAlertingConfig(path);
  } catch (err) {
    if (err instanceof ValidationError) command.error(err.message);
    throw err;
  }
}

interface RunOptions {
  config: string;
  inventory?: string;
  sqlite?: string;
  influxUrl?: string;
  database: string;
  influxToken?: string;
  influxUsername?: string;
  influxPassword?: string;
  logLevel: string;
}

function registerRun(alerting: Command): void {
  alerting
    .command("run")
    .description("evaluate the rules every evaluation_interval, notify, and serve the API")
    .addOption(configOption())
    .addOption(
      new Option(
        "--inventory <dir>",
        "inventory folder: the institutions (--config: the other settings)",
      ).env("JISR_INVENTORY"),
    )
    .addOption(new Option("--sqlite <file>", "read the readings from this SQLite store (demo, lone gateway)"))
    .addOption(
      new Option("--influx-url <url>", "read the readings from this InfluxDB").env("JISR_INFLUX_URL"),
    )
    .addOption(
      new Option("--database <name>", "InfluxDB database").env("JISR_INFLUX_DATABASE").default("jisr"),
    )
    .addOption(new Option("--influx-token <token>", "InfluxDB 2.x/3.x token").env("JISR_INFLUX_TOKEN"))
    .addOption(new Option("--influx-username <user>", "InfluxDB 1.x user").env("JISR_INFLUX_USERNAME"))
    .addOption(
      new Option("--influx-password <password>", "InfluxDB 1.x password").env("JISR_INFLUX_PASSWORD"),
    )
    .addOption(new Option("--log-level <level>", "pino log level").env("JISR_LOG_LEVEL").default("info"))
    .addHelpText(
      "after",
      `
Examples:
  jisr alerting run --config /etc/jisr/alerting.yaml --influx-url http://127.0.0.1:8086
  jisr alerting run --config alerting.yaml --sqlite jisr-demo/readings.sqlite
  jisr alerting run --config deploy/alerting/settings.yaml --inventory deploy/inventory --influx-url http://127.0.0.1:8086

API: GET /api/v1/alerts, POST /api/v1/alerts/:id/ack, GET|POST /api/v1/silences,
DELETE /api/v1/silences/:id, GET /api/v1/alerts/history, GET /healthz.`,
    )
    .action(async (o: RunOptions, command: Command) => {
      if ((o.sqlite === undefined) === (o.influxUrl === undefined))
        command.error("give the readings store: --sqlite <file> or --influx-url <url> (one of them)");
      const config = configOrExit(o.config, command, o.inventory);
      await run(config, o).catch((err: Error) => command.error(`jisr alerting run: ${err.message}`));
    });
}

async function run(config: AlertingConfig, o: RunOptions): Promise<void> {
  const logger = pino({ name: "jisr-alerting", level: o.logLevel });
  const store: Store = openStore(o, logger);
  await store.init();
  const service = await startAlerting({ store, config, logger }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  logger.info({ signal }, "Stopping");
  await service.stop();
  await store.close();
}

function registerCheck(alerting: Command, io: CliIo): void {
  alerting
    .command("check")
    .description("validate a config file and show what it means, without running anything")
    .addOption(configOption())
    .addOption(new Option("--inventory <dir>", "inventory folder: the institutions").env("JISR_INVENTORY"))
    .action((o: { config: string; inventory?: string }, command: Command) => {
      const config = configOrExit(o.config, command, o.inventory);
      io.stdout.write(describeConfig(o.config, config));
    });
}

export function describeConfig(path: string, config: AlertingConfig): string {
  const timing = timingFor(config.timings);
  const lines = [
    `${path}: valid`,
    `institutions: ${config.institutions.map((i) => i.id).join(", ")}`,
    ...config.recipients.map((r) => {
      const channels = Object.entries(r.channels).map(([k, v]) => `${k} ${v}`);
      return `recipient ${r.id} (${r.language}, ${r.min_severity}+): ${r.institutions.join(", ")} via ${channels.join(", ")}`;
    }),
    "rule timings (for / keep_firing_for / repeat_interval):",
    ...RULE_IDS.map((rule) => {
      const t = timing(rule);
      return `  ${rule}: ${[t.forMs, t.keepFiringForMs, t.repeatIntervalMs].map(formatDuration).join(" / ")}`;
    }),
    `api: ${config.api.host}:${config.api.port}, ${config.api.tokens.length} token(s)`,
  ];
  return `${lines.join("\n")}\n`;
}

function registerToken(alerting: Command, io: CliIo): void {
  alerting
    .command("token")
    .description("issue an API token: the token on stdout (give it to its user), its config entry on stderr")
    .requiredOption("--user <name>", "who will use it (recorded on acknowledgements and silences)")
    .option("--institutions <ids>", 'comma-separated institution ids, or "*" for all', "*")
    .option("--on-behalf", "a service's token (the web page's): may name who acknowledges, for its own users")
    .action((o: { user: string; institutions: string; onBehalf?: boolean }) => {
      const token = generateToken();
      const institutions = o.institutions.split(",").map((s) => s.trim());
      io.stderr.write(
        `Add to api.tokens in the alerting config:\n` +
          `    - id: ${newTokenId()}\n      user: ${JSON.stringify(o.user)}\n` +
          `      sha256: ${hashToken(token)}\n      institutions: ${JSON.stringify(institutions)}\n` +
          (o.onBehalf ? "      on_behalf: true\n" : ""),
      );
      io.stdout.write(`${token}\n`);
    });
}
