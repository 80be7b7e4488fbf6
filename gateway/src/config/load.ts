/**
 * Reads a gateway config file once, at the process edge: YAML → strict schema → cross-field checks →
 * token. Every problem found is reported at once, by path, so a technician fixes the file in one go.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatPath, type Problem, ValidationError } from "@jisr/core";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { absoluteProfile, checkDeviceProfiles } from "../profiles/config-check.js";
import {
  crossCheckDevices,
  type DeviceConfig,
  deviceSchema,
  type GatewayConfig,
  type GatewayConfigFile,
  gatewayConfigSchema,
  TOKEN_ENV,
} from "./schema.js";

export interface ParseOptions {
  /** Named in the error ("gateway config /etc/jisr/gateway.yaml is not valid"). */
  source?: string;
  /** Relative token_file paths are resolved against this folder (the config file's). */
  baseDir?: string;
  /** Where JISR_GATEWAY_TOKEN is looked up; process.env by default. */
  env?: Record<string, string | undefined>;
}

/** Loads and validates a config file; throws ValidationError listing every problem. */
export function loadGatewayConfig(path: string, env: ParseOptions["env"] = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ValidationError(`gateway config ${path}`, [
      { path: "(file)", message: `cannot read: ${reason(err)}` },
    ]);
  }
  return parseGatewayConfig(text, { source: path, baseDir: dirname(resolve(path)), env });
}

/** Same as loadGatewayConfig, from text already in memory. */
export function parseGatewayConfig(text: string, options: ParseOptions = {}): GatewayConfig {
  const subject = `gateway config${options.source ? ` ${options.source}` : ""}`;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The message ends with " at line L, column C:" and a code frame; keep the first sentence, the position
    // goes in the path.
    const problems = doc.errors.map((e) => ({
      path: yamlPosition(e.linePos),
      message: e.message.split(" at line ")[0] ?? e.message,
    }));
    throw new ValidationError(subject, problems);
  }
  const raw: unknown = doc.toJS();
  const parsed = gatewayConfigSchema.safeParse(raw ?? {}, { error: requiredMessage });
  const problems: Problem[] = parsed.success
    ? crossCheckDevices(parsed.data.devices)
    : [...configProblems(parsed.error), ...crossCheckValidParts(raw)];
  // Every device's profile is found and checked now, with the other problems, rather than at start-up.
  problems.push(...checkDeviceProfiles(isRecord(raw) ? raw.devices : undefined, options.baseDir));
  const token = resolveToken(raw, options);
  if (typeof token !== "string") problems.push(...token);
  if (!parsed.success || problems.length > 0 || typeof token !== "string")
    throw new ValidationError(subject, problems);
  return withProfilePaths(withToken(parsed.data, token, options.baseDir), options.baseDir);
}

/** Profile files are named relative to the config file: made absolute, the gateway may run from anywhere. */
function withProfilePaths(config: GatewayConfig, baseDir = process.cwd()): GatewayConfig {
  const devices = config.devices.map((d) => ({ ...d, profile: absoluteProfile(d.profile, baseDir) }));
  return { ...config, devices };
}

function withToken(file: GatewayConfigFile, token: string, baseDir = process.cwd()): GatewayConfig {
  const { token: _inline, token_file: _file, ...uplink } = file.uplink;
  // data_dir, like token_file, is relative to the config file: the gateway may be started from anywhere.
  return { ...file, data_dir: resolve(baseDir, file.data_dir), uplink: { ...uplink, token } };
}

/** zod's "expected string, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}

/** zod issues as problems; an unknown-keys issue becomes one problem per key, at the key's own path. */
export function configProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: issue.message }));
    }
    return [{ path: formatPath(path), message: issue.message }];
  });
}

/**
 * When the schema fails, the cross-field rules still run on the devices that did validate, so a
 * duplicate id is reported together with a wrong port elsewhere instead of on the next attempt.
 */
function crossCheckValidParts(raw: unknown): Problem[] {
  const devicesRaw = isRecord(raw) && Array.isArray(raw.devices) ? raw.devices : [];
  const devices: DeviceConfig[] = [];
  const indexOf: number[] = [];
  devicesRaw.forEach((d, i) => {
    const r = deviceSchema.safeParse(d);
    if (r.success) {
      devices.push(r.data);
      indexOf.push(i);
    }
  });
  return crossCheckDevices(devices, (at) => indexOf[at] ?? at);
}

/** The bearer token: uplink.token, else the file named by uplink.token_file, else the environment. */
function resolveToken(raw: unknown, options: ParseOptions): string | Problem[] {
  const uplink = isRecord(raw) && isRecord(raw.uplink) ? raw.uplink : undefined;
  if (!uplink) return []; // the schema already reports a missing uplink
  if (uplink.token !== undefined && uplink.token_file !== undefined) {
    return [{ path: "uplink.token_file", message: "give either token or token_file, not both" }];
  }
  if (typeof uplink.token === "string" && uplink.token.length > 0) return uplink.token;
  if (typeof uplink.token_file === "string" && uplink.token_file.length > 0) {
    const file = resolve(options.baseDir ?? process.cwd(), uplink.token_file);
    try {
      const token = readFileSync(file, "utf8").trim();
      if (token) return token;
      return [
        { path: "uplink.token_file", message: `"${file}" is empty: write the gateway's token into it` },
      ];
    } catch (err) {
      return [{ path: "uplink.token_file", message: `cannot read "${file}": ${reason(err)}` }];
    }
  }
  if (uplink.token !== undefined || uplink.token_file !== undefined) return []; // wrong type: schema reports it
  const fromEnv = (options.env ?? process.env)[TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  return [
    {
      path: "uplink.token",
      message: `is missing: set uplink.token or uplink.token_file, or the ${TOKEN_ENV} environment variable`,
    },
  ];
}

function yamlPosition(linePos: { line: number; col: number }[] | undefined): string {
  const at = linePos?.[0];
  return at ? `(yaml line ${at.line}, column ${at.col})` : "(yaml)";
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  return err instanceof Error ? err.message : String(err);
}
