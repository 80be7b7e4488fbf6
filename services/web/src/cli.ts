/**
 * `registerWebCommands(program)`: `jisr web serve`, `jisr user add|token`, `jisr grafana isolation`.
 */
import type { Command } from "commander";
import { defaultIo, type WebCliOptions } from "./cli/common.js";
import { registerGrafanaCommands } from "./cli/grafana.js";
import { registerServeCommand } from "./cli/serve.js";
import { registerUserCommands } from "./cli/user.js";

export type { CliIo, WebCliOptions } from "./cli/common.js";

export function registerWebCommands(program: Command, options: WebCliOptions = {}): void {
  const io = options.io ?? defaultIo();
  registerServeCommand(program, io, options);
  registerUserCommands(program, io);
  registerGrafanaCommands(program, io);
}
