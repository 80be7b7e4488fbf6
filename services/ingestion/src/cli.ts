/**
 * Commands of this workspace for the `jisr` CLI: `jisr ingest` runs the service, `jisr token new|list`
 * manages the tokens file. Output meant for scripts goes to stdout, logs to stderr.
 */

import cluster from "node:cluster";
import { type CliIo, idSchema, processIo } from "@jisr/core";
import { formatProblems, problemsOf, ValidationError } from "@jisr/core/errors";
import type { Store } from "@jisr/core/store";
import { addToken, readTokensFile } from "@jisr/service-kit";
import { type Command, Option } from "commander";
import { pino } from "pino";
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_GROUP_COMMIT,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_MAX_FIELDS,
  DEFAULT_MAX_POINTS,
  DEFAULT_MAX_TAGS,
} from "./app.js";
import { createInfluxStore } from "./influx.js";
import { addMqttOptions, MQTT_HELP, mqttServerOptions } from "./mqtt/cli-options.js";
import { registerQuarantineCommands } from "./mqtt/cli-quarantine.js";
import { DEFAULT_SUMMARY_INTERVAL_S } from "./plugins/app/summary.js";
import { type IngestOptions, ingestOptionsSchema } from "./schemas/cli.js";
import { type IngestionServer, type IngestionServerOptions, startIngestion } from "./server.js";
import { runPrimary, workerIndex } from "./workers.js";

export function registerIngestCommands(program: Command, io: CliIo = processIo): void {
  registerIngest(program);
  const token = program
    .command("token")
    .description("issue and list the tokens that senders (gateways) use to write to the ingestion service");
  registerTokenNew(token, io);
  registerTokenList(token, io);
  registerQuarantineCommands(program, io);
}

function tokensOption(): Option {
  return new Option("--tokens <file>", "tokens file (JSON, token hashes only)")
    .env("JISR_TOKENS_FILE")
    .makeOptionMandatory();
}

function registerIngest(program: Command): void {
  const ingest = program
    .command("ingest")
    .description(
      "run the ingestion service: authenticated HTTP (and optionally MQTT) writes of readings into InfluxDB",
    )
    .addOption(
      new Option("--port <port>", "TCP port to listen on (0: any free port)")
        .env("JISR_INGEST_PORT")
        .makeOptionMandatory(),
    )
    .addOption(
      new Option("--host <host>", "address to listen on").env("JISR_INGEST_HOST").default("127.0.0.1"),
    )
    .addOption(
      new Option("--influx-url <url>", "InfluxDB base URL").env("JISR_INFLUX_URL").makeOptionMandatory(),
    )
    .addOption(
      new Option("--database <name>", "InfluxDB database (created if missing)")
        .env("JISR_INFLUX_DATABASE")
        .default("jisr"),
    )
    .addOption(
      new Option("--influx-token <token>", "InfluxDB 2.x/3.x token (sent as `Token <t>`)").env(
        "JISR_INFLUX_TOKEN",
      ),
    )
    .addOption(new Option("--influx-username <user>", "InfluxDB 1.x user").env("JISR_INFLUX_USERNAME"))
    .addOption(
      new Option(
        "--influx-password <password>",
        "InfluxDB 1.x password (prefer the variable: argv is visible in ps)",
      ).env("JISR_INFLUX_PASSWORD"),
    )
    .addOption(tokensOption())
    .addOption(
      new Option("--body-limit <bytes>", "largest request body, after gzip decompression")
        .env("JISR_INGEST_BODY_LIMIT")
        .default(String(DEFAULT_BODY_LIMIT_BYTES)),
    )
    .addOption(
      new Option("--max-points <n>", "most points in one batch")
        .env("JISR_INGEST_MAX_POINTS")
        .default(String(DEFAULT_MAX_POINTS)),
    )
    .addOption(
      new Option("--max-fields <n>", "most fields in one point")
        .env("JISR_INGEST_MAX_FIELDS")
        .default(String(DEFAULT_MAX_FIELDS)),
    )
    .addOption(
      new Option("--max-tags <n>", "most tags in one point, as sent")
        .env("JISR_INGEST_MAX_TAGS")
        .default(String(DEFAULT_MAX_TAGS)),
    )
    .addOption(
      new Option("--headers-timeout <ms>", "time to receive a request's headers, then 408")
        .env("JISR_INGEST_HEADERS_TIMEOUT")
        .default(String(DEFAULT_HTTP_LIMITS.headersTimeoutMs)),
    )
    .addOption(
      new Option("--request-timeout <ms>", "time to receive a whole request, body included, then 408")
        .env("JISR_INGEST_REQUEST_TIMEOUT")
        .default(String(DEFAULT_HTTP_LIMITS.requestTimeoutMs)),
    )
    .addOption(
      new Option("--keep-alive-timeout <ms>", "how long a kept-alive connection waits for its next request")
        .env("JISR_INGEST_KEEP_ALIVE_TIMEOUT")
        .default(String(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs)),
    )
    .addOption(
      new Option("--idle-timeout <ms>", "a connection without any traffic for this long is closed")
        .env("JISR_INGEST_IDLE_TIMEOUT")
        .default(String(DEFAULT_HTTP_LIMITS.idleTimeoutMs)),
    )
    .addOption(
      new Option("--max-connections <n>", "most HTTP connections open at once")
        .env("JISR_INGEST_MAX_CONNECTIONS")
        .default(String(DEFAULT_HTTP_LIMITS.maxConnections)),
    )
    .addOption(
      new Option(
        "--group-window <ms>",
        "group commit: how long a write waits for others to share it (0: none)",
      )
        .env("JISR_INGEST_GROUP_WINDOW")
        .default(String(DEFAULT_GROUP_COMMIT.windowMs)),
    )
    .addOption(
      new Option(
        "--group-points <n>",
        "group commit: a group is written as soon as it holds this many points",
      )
        .env("JISR_INGEST_GROUP_POINTS")
        .default(String(DEFAULT_GROUP_COMMIT.maxPoints)),
    )
    .addOption(
      new Option(
        "--max-in-flight-points <n>",
        "most points held while being written; beyond, 503 Retry-After",
      )
        .env("JISR_INGEST_MAX_IN_FLIGHT_POINTS")
        .default(String(DEFAULT_GROUP_COMMIT.maxInFlightPoints)),
    )
    .addOption(
      new Option("--log-interval <s>", "seconds between two info summaries of the requests (0: none)")
        .env("JISR_INGEST_LOG_INTERVAL")
        .default(String(DEFAULT_SUMMARY_INTERVAL_S)),
    )
    .addOption(
      new Option("--workers <n>", "processes serving the same port (node:cluster); 1: this process only")
        .env("JISR_INGEST_WORKERS")
        .default("1"),
    )
    .addOption(new Option("--log-level <level>", "pino log level").env("JISR_LOG_LEVEL").default("info"));
  addMqttOptions(ingest)
    .addHelpText(
      "after",
      `
An option given on the command line wins over its environment variable.

Examples:
  jisr token new --institution ehpad-ben-guerir --tokens /etc/jisr/tokens.json
  jisr ingest --port 8080 --influx-url http://127.0.0.1:8086 --tokens /etc/jisr/tokens.json
  JISR_INFLUX_URL=http://influx:8086 JISR_INFLUX_USERNAME=jisr JISR_INFLUX_PASSWORD=secret \\
    JISR_TOKENS_FILE=/etc/jisr/tokens.json jisr ingest --port 8080 --host 0.0.0.0

Endpoints: POST /api/v1/write (JSON or line protocol, gzip allowed), GET /healthz, GET /readyz.
The tokens file is re-read when it changes: new tokens work without a restart.
${MQTT_HELP}`,
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const parsed = ingestOptionsSchema.safeParse(raw);
      if (!parsed.success) command.error(`invalid options:\n${formatProblems(problemsOf(parsed.error))}`);
      const mqtt = mqttServerOptions(raw, parsed.data.port);
      if (!mqtt.ok) command.error(`invalid options:\n${formatProblems(mqtt.problems)}`);
      await runIngest(parsed.data as IngestOptions, mqtt.options).catch((err: Error) =>
        command.error(`jisr ingest: ${err.message}`),
      );
    });
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

/**
 * In a worker of `--workers N`, the MQTT consumer joins a shared subscription (the workers share the
 * topics instead of each receiving every batch) under a client id and a state file of its own, both
 * stable across a restart of that worker.
 */
function mqttForWorker(
  mqtt: IngestionServerOptions["mqtt"],
  index: number | undefined,
): IngestionServerOptions["mqtt"] {
  if (!mqtt || index === undefined) return mqtt;
  const state = mqtt.state && { ...mqtt.state, path: `${mqtt.state.path}.w${index}` };
  return {
    ...mqtt,
    group: mqtt.group || "jisr-ingest",
    clientId: `${mqtt.clientId}-w${index}`.slice(-64),
    ...(state && { state }),
  };
}

async function runIngest(o: IngestOptions, mqttOptions: IngestionServerOptions["mqtt"]): Promise<void> {
  const index = workerIndex();
  const logger = pino({
    name: "jisr-ingestion",
    level: o.logLevel,
    ...(index !== undefined && { base: { worker: index, pid: process.pid } }),
  });
  if (o.workers > 1 && cluster.isPrimary) {
    const stop = stopSignal();
    await runPrimary(o.workers, logger, stop);
    logger.info({ signal: await stop }, "Workers stopped");
    return;
  }
  const mqtt = mqttForWorker(mqttOptions, index);
  const store: Store = createInfluxStore({ ...o, logger });
  let server: IngestionServer;
  try {
    server = await startIngestion({
      store,
      tokensFile: o.tokens,
      bodyLimitBytes: o.bodyLimit,
      maxPoints: o.maxPoints,
      maxFields: o.maxFields,
      maxTags: o.maxTags,
      http: {
        headersTimeoutMs: o.headersTimeout,
        requestTimeoutMs: o.requestTimeout,
        keepAliveTimeoutMs: o.keepAliveTimeout,
        idleTimeoutMs: o.idleTimeout,
        maxConnections: o.maxConnections,
      },
      groupCommit: {
        windowMs: o.groupWindow,
        maxPoints: o.groupPoints,
        maxInFlightPoints: o.maxInFlightPoints,
      },
      summaryIntervalMs: o.logInterval * 1000,
      logger,
      host: o.host,
      port: o.port,
      ...(mqtt && { mqtt }),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const signal = await stopSignal();
  logger.info({ signal }, "Stopping");
  await server.close();
  await store.close();
  // A cluster worker is kept alive by its channel to the primary (and, seen with Node 20, by the closed
  // store's sockets): every request was answered and every acknowledged point written, so leave now.
  if (index !== undefined) process.exit(0);
}

function registerTokenNew(token: Command, io: CliIo): void {
  token
    .command("new")
    .description("issue a token for one institution and print it (only it) on stdout; its hash is stored")
    .addOption(new Option("--institution <id>", "institution id the token writes for").makeOptionMandatory())
    .addOption(tokensOption())
    .option("--note <text>", "free note stored with the token, e.g. the gateway's location")
    .addHelpText(
      "after",
      `
The token is shown once and cannot be recovered: put it in the gateway's configuration.
The file is created if missing (mode 0600) and replaced atomically, so a running service picks it up.

Examples:
  jisr token new --institution ehpad-ben-guerir --tokens /etc/jisr/tokens.json
  TOKEN=$(jisr token new --institution orphelinat-1 --tokens tokens.json --note "gateway in the boiler room")`,
    )
    .action(async (o: { institution: string; tokens: string; note?: string }, command: Command) => {
      const id = idSchema.safeParse(o.institution);
      if (!id.success)
        command.error(`--institution "${o.institution}" ${id.error.issues[0]?.message ?? "is not valid"}`);
      const log = pino({ name: "jisr-token" }, { write: (s: string) => io.stderr.write(s) });
      const { token: value, entry } = await addToken(o.tokens, o.institution, { note: o.note }).catch((err) =>
        command.error(describeFileError(o.tokens, err)),
      );
      log.info({ id: entry.id, institution: entry.institution, file: o.tokens }, "Token added");
      io.stdout.write(`${value}\n`);
    });
}

function registerTokenList(token: Command, io: CliIo): void {
  token
    .command("list")
    .description("list issued tokens: id, institution, created (tokens themselves are never stored)")
    .addOption(tokensOption())
    .option("--json", "print JSON instead of a table")
    .addHelpText("after", "\nExample:\n  jisr token list --tokens /etc/jisr/tokens.json")
    .action(async (o: { tokens: string; json?: boolean }, command: Command) => {
      const file = await readTokensFile(o.tokens).catch((err) =>
        command.error(describeFileError(o.tokens, err)),
      );
      const rows = file.tokens.map(({ id, institution, created, note }) => ({
        id,
        institution,
        created,
        note,
      }));
      if (o.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.stdout.write(
        table(
          ["ID", "INSTITUTION", "CREATED", "NOTE"],
          rows.map((r) => [r.id, r.institution, r.created, r.note ?? ""]),
        ),
      );
    });
}

function describeFileError(path: string, err: unknown): string {
  if (err instanceof ValidationError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT")
    return `tokens file ${path} does not exist: create it with \`jisr token new --tokens ${path}\``;
  return `tokens file ${path}: ${(err as Error).message}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
