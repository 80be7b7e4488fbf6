/**
 * `jisr gateway status --config F [--json]`: what the gateway of this config is doing, read from the
 * files it keeps in data_dir (status.json, rewritten every few seconds, and the queue outbox.sqlite),
 * so it works without any connection to the process and says clearly when the gateway is not running.
 * Registration only: the work is in commands/status.ts, loaded when the command runs.
 */
import type { Command } from "commander";
import type { CliIo } from "./cli-run.js";
import type { StatusCommandOptions } from "./commands/status.js";

export type { StatusCommandOptions } from "./commands/status.js";

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

const io: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** Adds `status` to the `jisr gateway` command. */
export function registerGatewayStatusCommand(gateway: Command): void {
  gateway
    .command("status")
    .description("show whether the gateway runs, its devices, its queue and its uplink (from its data_dir)")
    .requiredOption("-c, --config <file>", "the gateway's config file (YAML): its data_dir is read")
    .option("--json", "print the status as JSON (status file, queue file, running or not)")
    .addHelpText("after", HELP)
    .action(async (opts: StatusCommandOptions) => {
      const { gatewayStatusCommand } = await import("./commands/status.js");
      process.exitCode = gatewayStatusCommand(opts, io);
    });
}
