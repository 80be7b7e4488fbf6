/**
 * Reads a gateway config file once, at the process edge: YAML → strict schema → cross-field checks →
 * token. Every problem found is reported at once, by path, so a technician fixes the file in one go.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  distinct,
  formatPath,
  type LocatedProblem,
  type Problem,
  readYaml,
  ValidationError,
  type YamlSource,
  zodProblems,
} from "@jisr/core";
import type { z } from "zod";
import { absoluteProfile, checkDeviceProfiles, checkMqttDeviceProfiles } from "../profiles/config-check.js";
import {
  crossCheckDevices,
  type DeviceConfig,
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

/** Every problem of a config text, the parsed YAML (for lines), and the config when there are none. */
export interface GatewayConfigFindings {
  problems: Problem[];
  source: YamlSource;
  config?: GatewayConfig;
}

/**
 * All the problems of a config in one pass: YAML syntax, then the schema, the rules across devices
 * (duplicate ids, two devices on one address, host or serial) on every device whose fields allow them,
 * whatever is wrong elsewhere, each device's profile, and the token.
 */
export function gatewayConfigFindings(text: string, options: ParseOptions = {}): GatewayConfigFindings {
  const source = readYaml(text);
  // A document that does not parse has no values to check: its syntax errors come first, alone.
  if (source.errors.length > 0) return { problems: source.errors, source };
  const raw: unknown = source.value;
  const parsed = gatewayConfigSchema.safeParse(raw ?? {}, { error: requiredMessage });
  const problems: Problem[] = parsed.success ? [] : zodProblems(parsed.error, gatewayConfigSchema, raw);
  problems.push(...crossCheckRaw(raw));
  // Every device's profile is found and checked now, with the other problems, rather than at start-up.
  problems.push(...checkDeviceProfiles(isRecord(raw) ? raw.devices : undefined, options.baseDir));
  const mqtt = isRecord(raw) && isRecord(raw.mqtt) ? raw.mqtt.devices : undefined;
  problems.push(...checkMqttDeviceProfiles(mqtt, options.baseDir));
  const token = resolveToken(raw, options);
  if (typeof token !== "string") problems.push(...token);
  const all = distinct(problems);
  if (!parsed.success || all.length > 0 || typeof token !== "string") return { problems: all, source };
  return {
    problems: [],
    source,
    config: withProfilePaths(withToken(parsed.data, token, options.baseDir), options.baseDir),
  };
}

/** Same as loadGatewayConfig, from text already in memory. */
export function parseGatewayConfig(text: string, options: ParseOptions = {}): GatewayConfig {
  const subject = `gateway config${options.source ? ` ${options.source}` : ""}`;
  const found = gatewayConfigFindings(text, options);
  if (!found.config) {
    // Syntax errors carry their position in the path, as before: "(yaml line 3, column 5)".
    const problems = found.problems.map((p) =>
      p.path === "(yaml)" && (p as LocatedProblem).line !== undefined
        ? {
            path: `(yaml line ${(p as LocatedProblem).line}, column ${(p as LocatedProblem).column})`,
            message: p.message,
          }
        : { path: p.path, message: p.message },
    );
    throw new ValidationError(subject, problems);
  }
  return found.config;
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

/**
 * zod issues as problems, in plain words; given the schema, an unknown key also gets the nearest known
 * one as a suggestion. For the other config files of the gateway (MQTT profiles).
 */
export function configProblems(error: z.ZodError, schema?: z.ZodType, value?: unknown): Problem[] {
  return zodProblems(error, schema, value);
}

/**
 * The rules across devices, on the raw devices: zod skips a refinement on an object with other problems,
 * and a duplicate id must be reported beside a wrong port of the same device, not on the next attempt.
 * Each rule runs on every device whose fields it needs are well formed.
 */
function crossCheckRaw(raw: unknown): Problem[] {
  const list = isRecord(raw) && Array.isArray(raw.devices) ? raw.devices : [];
  const devices = list.map((d, i) => ({ d: isRecord(d) ? d : {}, i }));
  // Ids: every device with a string id (its address made unique so only ids are compared).
  const withIds = devices.filter(({ d }) => typeof d.id === "string");
  const idProblems = crossCheckDevices(
    withIds.map(({ d, i }) => ({ ...shapeOf(d), host: `\u0000${i}`, serial: undefined, id: d.id as string })),
    (at) => withIds[at]?.i ?? at,
  ).filter((p) => p.path.endsWith(".id"));
  // Addresses: every device whose host (or serial path), port and unit are well formed.
  const addressed = devices.filter(({ d }) => {
    const s = shapeOf(d);
    return (
      (s.host !== undefined || s.serial !== undefined) && Number.isInteger(s.port) && Number.isInteger(s.unit)
    );
  });
  const addressProblems = crossCheckDevices(
    addressed.map(({ d, i }) => ({ ...shapeOf(d), id: `\u0000${i}` })),
    (at) => addressed[at]?.i ?? at,
  ).filter((p) => !p.path.endsWith(".id"));
  // Host or serial, exactly one (the schema's own rule, which it skips on a device with other problems).
  const connection = devices.flatMap(({ d, i }) =>
    (d.host === undefined) === (d.serial === undefined)
      ? [
          {
            path: formatPath(["devices", i, d.host === undefined ? "host" : "serial"]),
            message: "give either host (Modbus TCP) or serial (Modbus RTU), not both and not neither",
          },
        ]
      : [],
  );
  // At least one device (the schema's rule on the whole file, skipped when anything else is wrong).
  const mqttDevices =
    isRecord(raw) && isRecord(raw.mqtt) && Array.isArray(raw.mqtt.devices) ? raw.mqtt.devices : [];
  const none =
    isRecord(raw) && list.length === 0 && mqttDevices.length === 0
      ? [{ path: "devices", message: "must list at least one device (or MQTT device)" }]
      : [];
  // MQTT devices: unique ids and url or embedded (the mqtt section's own rules, skipped likewise).
  const mqttIds = new Map<string, number>();
  const mqttProblems = mqttDevices.flatMap((d, i) => {
    const id = isRecord(d) && typeof d.id === "string" ? d.id : undefined;
    if (id === undefined) return [];
    const first = mqttIds.get(id);
    if (first === undefined) {
      mqttIds.set(id, i);
      return [];
    }
    return [
      {
        path: formatPath(["mqtt", "devices", i, "id"]),
        message: `"${id}" is already the id of mqtt.devices.${first}`,
      },
    ];
  });
  const mqtt = isRecord(raw) && isRecord(raw.mqtt) ? raw.mqtt : undefined;
  if (mqtt && (mqtt.url === undefined) === (mqtt.embedded === undefined)) {
    mqttProblems.push({
      path: formatPath(["mqtt", mqtt.url === undefined ? "url" : "embedded"]),
      message: "give either url (a broker of the site) or embedded (the gateway's own broker), not both",
    });
  }
  return [...connection, ...idProblems, ...addressProblems, ...mqttProblems, ...none];
}

/** The fields of a raw device the cross checks read, with the schema's defaults for port and unit. */
function shapeOf(d: Record<string, unknown>): DeviceConfig {
  const serial = isRecord(d.serial) && typeof d.serial.path === "string" ? d.serial : undefined;
  return {
    host: typeof d.host === "string" ? d.host : undefined,
    serial,
    port: d.port === undefined ? 502 : d.port,
    unit: d.unit === undefined ? 1 : d.unit,
  } as unknown as DeviceConfig;
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

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  return err instanceof Error ? err.message : String(err);
}
