/**
 * `jisr gateway check-config`: every problem of a gateway config in one pass (YAML syntax, the schema,
 * the rules across devices, each device's profile, the token), in the order of the file, each with its
 * line and the device it is about, so a technician goes down the file once and fixes it all.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { byLine, formatLocated, type LocatedProblem, locate } from "@jisr/core";
import { gatewayConfigFindings } from "./load.js";
import type { GatewayConfig } from "./schema.js";

export interface ConfigCheck {
  problems: LocatedProblem[];
  config?: GatewayConfig;
}

/** Checks a config file; `env` is where JISR_GATEWAY_TOKEN is looked up. */
export function checkGatewayConfigFile(
  path: string,
  env: Record<string, string | undefined> = process.env,
): ConfigCheck {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(err);
    return { problems: [{ path: "(file)", message: `cannot read: ${why}` }] };
  }
  const found = gatewayConfigFindings(text, { source: path, baseDir: dirname(resolve(path)), env });
  if (found.config) return { problems: [], config: found.config };
  return { problems: byLine(locate(found.problems, found.source)) };
}

/** The report as printed: the file's problems, each with where it is. */
export function formatConfigCheck(path: string, problems: readonly LocatedProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `gateway config ${path} is not valid:\n${problems.map((p) => formatLocated(p, path)).join("")}(${count})\n`;
}

interface Output {
  write(text: string): unknown;
}

/** Runs the check: 0 and "OK ..." on stdout, or 2 and every problem on stderr. */
export function runConfigCheck(path: string, io: { stdout: Output; stderr: Output }): number {
  const { problems, config } = checkGatewayConfigFile(path);
  if (!config) {
    io.stderr.write(formatConfigCheck(path, problems));
    return 2;
  }
  const devices = config.devices.map((d) => d.id).join(", ");
  io.stdout.write(
    `OK: ${path}: institution "${config.institution}", ${config.devices.length} device(s): ${devices}\n`,
  );
  return 0;
}
