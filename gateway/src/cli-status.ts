/**
 * `jisr gateway status --config F [--json]`: what the gateway of this config is doing, read from the
 * files it keeps in data_dir (status.json, rewritten every few seconds, and the queue outbox.sqlite),
 * so it works without any connection to the process and says clearly when the gateway is not running.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatProblems } from "@jisr/core";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { CliIo } from "./cli-run.js";
import { configProblems } from "./config/load.js";
import { gatewayConfigSchema } from "./config/schema.js";
import { liveness, OUTBOX_FILE, processExists, readStatusFile, STATUS_FILE } from "./run/status-file.js";
import { type StatusReport, statusText } from "./run/status-text.js";
import { readUplinkFeedback } from "./uplink/feedback.js";
import { readOutboxFile } from "./uplink/outbox-file.js";

/** Exit codes: 0 running, 1 not running (or never ran), 2 the config is not valid. */
export const STATUS_RUNNING = 0;
export const STATUS_NOT_RUNNING = 1;
export const STATUS_INVALID_CONFIG = 2;

const HELP = `
Shows, for the gateway of this config file: whether it is running; each device (online or offline
and why, last values, failed polls); the queue (readings waiting, oldest, dropped because the queue
was full); and the uplink (delivering or failing, and the last error; over MQTT, what ingestion said of
this gateway's batches: kept in quarantine for a token it does not accept, or readings refused for good).

It reads the files the gateway keeps in data_dir: status.json, rewritten every 5 s while the gateway
runs, and the queue outbox.sqlite (read-only). A status file that is older than three rewrites, or
whose process is gone, means the gateway is not running: the last known state is shown, marked so.
No token is needed.

Examples:
  jisr gateway status --config /etc/jisr/gateway.yaml
  jisr gateway status --config /etc/jisr/gateway.yaml --json | jq .status.queue

Exit codes: 0 running, 1 not running (or never run with this data_dir), 2 the config is not valid.`;

export interface StatusCommandOptions {
  config: string;
  json?: boolean;
}

/**
 * Only data_dir matters here, so the file is checked by the schema but the token is not resolved: a
 * technician's shell rarely has JISR_GATEWAY_TOKEN, and the token file may be readable by the service only.
 */
function dataDirOf(path: string, io: CliIo): string | undefined {
  const subject = `gateway config ${path}`;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    io.stderr.write(
      `${subject} is not valid:\n${formatProblems([{ path: "(file)", message: (err as Error).message }])}\n`,
    );
    return undefined;
  }
  const parsed = gatewayConfigSchema.safeParse(raw ?? {}, {
    error: (issue) =>
      issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined,
  });
  if (!parsed.success) {
    io.stderr.write(`${subject} is not valid:\n${formatProblems(configProblems(parsed.error))}\n`);
    return undefined;
  }
  return resolve(dirname(resolve(path)), parsed.data.data_dir);
}

export function gatewayStatusCommand(
  options: StatusCommandOptions,
  io: CliIo,
  now: number = Date.now(),
  pidAlive: (pid: number) => boolean = processExists,
): number {
  const dataDir = dataDirOf(options.config, io);
  if (dataDir === undefined) return STATUS_INVALID_CONFIG;
  const read = readStatusFile(dataDir);
  const status = read.kind === "ok" ? read.status : undefined;
  // MQTT uplink: ingestion's feedback, kept in the status file and checked with its own schema.
  const feedback = status && readUplinkFeedback(join(dataDir, STATUS_FILE));
  const report: StatusReport = {
    configPath: options.config,
    statusPath: join(dataDir, STATUS_FILE),
    queuePath: join(dataDir, OUTBOX_FILE),
    status,
    ...(read.kind === "invalid" && { statusProblem: read.message }),
    liveness: status && liveness(status, now, pidAlive),
    queueFile: readOutboxFile(join(dataDir, OUTBOX_FILE)),
    ...(feedback && { feedback }),
    now,
  };
  const running = report.liveness?.running === true;
  if (options.json) io.stdout.write(`${JSON.stringify(jsonReport(report), null, 2)}\n`);
  else io.stdout.write(statusText(report));
  return running ? STATUS_RUNNING : STATUS_NOT_RUNNING;
}

function jsonReport(r: StatusReport) {
  const live = r.liveness;
  return {
    running: live?.running === true,
    ...(live && !live.running && { not_running: { why: live.why, since: live.since } }),
    status_file: r.statusPath,
    ...(r.statusProblem && { status_problem: r.statusProblem }),
    status: r.status ?? null,
    queue_file: {
      path: r.queuePath,
      ...(r.queueFile.kind === "ok" && { stats: r.queueFile.stats }),
      ...(r.queueFile.kind === "missing" && { missing: true }),
      ...(r.queueFile.kind === "unreadable" && { problem: r.queueFile.message }),
    },
    ...(r.feedback && { uplink_feedback: r.feedback }),
  };
}

const io: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** Adds `status` to the `jisr gateway` command. */
export function registerGatewayStatusCommand(gateway: Command): void {
  gateway
    .command("status")
    .description("show whether the gateway runs, its devices, its queue and its uplink (from its data_dir)")
    .requiredOption("-c, --config <file>", "the gateway's config file (YAML): its data_dir is read")
    .option("--json", "print the status as JSON (status file, queue file, running or not)")
    .addHelpText("after", HELP)
    .action((opts: StatusCommandOptions) => {
      process.exitCode = gatewayStatusCommand(opts, io);
    });
}
