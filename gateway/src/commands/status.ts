/**
 * `jisr gateway status`, the work: reads the config (yaml, zod), the status file and the queue. Loaded
 * only when the command runs (cli-status.ts registers it), so that `jisr gateway --help` stays light.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatProblems } from "@jisr/core/errors";
import { parse as parseYaml } from "yaml";
import type { CliIo } from "../cli-run.js";
import { configProblems } from "../config/load.js";
import { gatewayConfigSchema } from "../config/schema.js";
import { liveness, OUTBOX_FILE, processExists, readStatusFile, STATUS_FILE } from "../run/status-file.js";
import { type StatusReport, statusText } from "../run/status-text.js";
import { readUplinkFeedback } from "../uplink/feedback.js";
import { readOutboxFile } from "../uplink/outbox-file.js";

/** Exit codes: 0 running, 1 not running (or never ran), 2 the config is not valid. */
export const STATUS_RUNNING = 0;
export const STATUS_NOT_RUNNING = 1;
export const STATUS_INVALID_CONFIG = 2;

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
