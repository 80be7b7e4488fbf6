/**
 * Commands of this workspace for the `jisr` CLI: `jisr web serve`, `jisr user add|token`, `jisr grafana
 * isolation`. Results go to stdout, logs to stderr; nothing secret is printed except an API token, once,
 * when it is issued.
 */
import type { CliIo as CoreCliIo } from "@jisr/core";
import { formatProblems, problemsOf } from "@jisr/core/errors";
import type { Command } from "commander";
import type { z } from "zod";
import type { WebServer } from "../server.js";
import type { SecretIo } from "./secret.js";

/** The commands' output (core's CliIo) and the terminal a password is asked on (secret.ts). */
export type CliIo = CoreCliIo & SecretIo;

export interface WebCliOptions {
  io?: CliIo;
  /** Called once `jisr web serve` listens (tests stop it through this). */
  onStarted?: (server: WebServer) => void;
  /** Wait for SIGINT/SIGTERM before stopping `jisr web serve` (default true). */
  waitForSignal?: boolean;
}

/** Parses `raw` with `schema` or ends the command with every problem listed. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown, command: Command): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) command.error(`invalid options:\n${formatProblems(problemsOf(parsed.error))}`);
  return parsed.data as z.output<T>;
}

/** The subcommand group `name`, created unless another workspace already made it. */
export function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function defaultIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
