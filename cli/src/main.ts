/**
 * `jisr`: the one command-line entry. Each workspace adds its own commands; this file only assembles them,
 * so `jisr --help` always lists everything the project can do.
 */

import { registerAlertingCommands } from "@jisr/alerting/cli";
import { registerAnalyticsCommands } from "@jisr/analytics/cli";
import { registerProfileCommands } from "@jisr/gateway/cli-profile";
import { registerGatewayReadCommand } from "@jisr/gateway/cli-read";
import { registerGatewayRunCommand } from "@jisr/gateway/cli-run";
import { registerGatewayScanCommand } from "@jisr/gateway/cli-scan";
import { registerGatewayStatusCommand } from "@jisr/gateway/cli-status";
import { registerIngestCommands } from "@jisr/ingestion/cli";
import { registerReportCommands } from "@jisr/reports/cli";
import { registerSimCommands } from "@jisr/simulators/cli";
import { registerWebCommands } from "@jisr/web/cli";
import { Command } from "commander";
import { registerDemoCommand } from "./demo-command.js";

export function buildProgram(): Command {
  const program = new Command("jisr")
    .description(
      "Jisr Solar: monitors solar power and solar hot water in social care institutions, and shows what the sun saves them.",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Start here:
  jisr demo                       three simulated institutions, end to end, no server needed
  jisr gateway read --host 192.168.1.50 --port 502    what does this inverter answer?
  jisr <command> --help           the options of one command`,
    );
  registerDemoCommand(program);
  registerSimCommands(program);
  const gateway = program
    .command("gateway")
    .description("the edge gateway: read devices, run the polling loop");
  registerGatewayReadCommand(gateway);
  registerGatewayScanCommand(gateway);
  registerGatewayRunCommand(gateway);
  registerGatewayStatusCommand(gateway);
  registerProfileCommands(program);
  registerIngestCommands(program);
  registerAnalyticsCommands(program);
  registerAlertingCommands(program);
  registerReportCommands(program);
  registerWebCommands(program);
  return program;
}

/**
 * Runs one command. A command that fails prints one line naming what went wrong, not a stack trace
 * (JISR_DEBUG=1 shows the stack), and exits 1.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`jisr: ${message}\n`);
    if (process.env.JISR_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}
