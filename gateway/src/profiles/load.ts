/**
 * THE profile loader, for both protocols (`loadDeviceProfile`): by built-in name (a Modbus register map
 * in gateway/profiles/modbus/<class>/<name>.yaml, an MQTT payload profile in gateway/profiles/mqtt/) or
 * by path. The file's `protocol` (given, or inferred from its keys: schema.ts `inferProtocol`) says which
 * kind it is; a Modbus profile has its `extends` merged in; both are parsed by the one schema
 * (`deviceProfileSchema`) and checked by their rules (check.ts, check-mqtt.ts). Every problem is
 * reported at once, by file and path, so a technician fixes a new profile in one go.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { zodProblems as explainedProblems, formatPath, type Problem, ValidationError } from "@jisr/core";
import { parseDocument } from "yaml";
import { ZodError, type z } from "zod";
import { checkProfile } from "./check.js";
import { checkMqttProfile } from "./check-mqtt.js";
import { missingAddressComments } from "./comments.js";
import { EMPTY, fromFile, type MergedRaw, mergeOver } from "./merge.js";
import type { MqttProfileSpec } from "./mqtt-schema.js";
import { type Profile, resolveProfile } from "./profile.js";
import {
  type DeviceProfileSpec,
  deviceProfileSchema,
  inferProtocol,
  PROTOCOLS,
  type Protocol,
  profileFileSchema,
  type profileSchema,
} from "./schema.js";

/** Where the built-in Modbus profiles live. */
export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL("../../profiles/modbus/", import.meta.url));
/** Where the built-in MQTT payload profiles live. */
export const BUILTIN_MQTT_PROFILES_DIR = fileURLToPath(new URL("../../profiles/mqtt/", import.meta.url));

/** A profile that cannot be used: every problem, by path (prefixed with the file when it is another one). */
export class ProfileError extends ValidationError {
  override name = "ProfileError";
}

export interface BuiltinProfile {
  /** Name used in a gateway config, e.g. "huawei-sun2000". */
  name: string;
  /** Device class: the folder (inverter, meter, heat-meter, ...). */
  class: string;
  file: string;
}

/** The built-in profiles, by class then name. Files starting with `_` are blocks, not profiles. */
export function listBuiltinProfiles(dir = BUILTIN_PROFILES_DIR): BuiltinProfile[] {
  const classes = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
  return classes
    .flatMap((c) =>
      readdirSync(join(dir, c.name))
        .filter((f) => f.endsWith(".yaml") && !f.startsWith("_"))
        .map((f) => ({ name: f.slice(0, -".yaml".length), class: c.name, file: join(dir, c.name, f) })),
    )
    .sort((a, b) => a.class.localeCompare(b.class) || a.name.localeCompare(b.name));
}

function isPath(nameOrPath: string): boolean {
  return /\.ya?ml$/i.test(nameOrPath);
}

/** The file of a built-in name ("huawei-sun2000" or "inverter/huawei-sun2000"), or undefined. */
export function builtinProfileFile(name: string, dir = BUILTIN_PROFILES_DIR): string | undefined {
  return listBuiltinProfiles(dir).find((b) => b.name === name || `${b.class}/${b.name}` === name)?.file;
}

/** "unknown profile", listing the names that exist. */
export function unknownName(name: string, dir = BUILTIN_PROFILES_DIR): Problem {
  const names = listBuiltinProfiles(dir).map((b) => b.name);
  return {
    path: "profile",
    message: `unknown profile "${name}"; built-in profiles: sunspec, ${names.join(", ")} (or give a .yaml file)`,
  };
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return err instanceof Error ? err.message : String(err);
}

/** zod's "expected string, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}

function zodProblems(error: z.ZodError, prefix: string): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((k) => ({
      path: prefix + formatPath(k === undefined ? path : [...path, k]),
      message: issue.message,
    }));
  });
}

export interface LoadFindings {
  profile?: Profile;
  errors: Problem[];
  warnings: Problem[];
}

class Loader {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  /** A file could not be read or parsed, or an extends is missing: the merged profile means nothing. */
  broken = false;
  constructor(
    readonly main: string,
    readonly builtins: string,
  ) {}

  /** A file as named in messages: relative to the main file's folder. */
  name(file: string): string {
    return relative(dirname(this.main), file) || basename(file);
  }

  /** How a problem in `file` is named: bare for the main file, prefixed with the file otherwise. */
  prefix(file: string): string {
    return file === this.main ? "" : `${this.name(file)}: `;
  }

  /** One file, its own extends merged first. `stack` detects cycles. */
  load(file: string, stack: string[]): MergedRaw {
    const prefix = this.prefix(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      this.errors.push({ path: `${prefix}(file)`, message: `cannot read "${file}": ${reason(err)}` });
      this.broken = true;
      return EMPTY;
    }
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const at = e.linePos?.[0];
        const where = at ? `(yaml line ${at.line}, column ${at.col})` : "(yaml)";
        this.errors.push({ path: prefix + where, message: e.message.split(" at line ")[0] ?? e.message });
      }
      this.broken = true;
      return EMPTY;
    }
    const raw: unknown = doc.toJS() ?? {};
    const parsed = profileFileSchema.safeParse(raw, { error: requiredMessage });
    if (!parsed.success) this.errors.push(...zodProblems(parsed.error, prefix));
    this.warnings.push(...missingAddressComments(doc, text).map((p) => ({ ...p, path: prefix + p.path })));
    const record = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw : {};
    const own = fromFile(record as Record<string, unknown>, file);
    return mergeOver(this.bases(file, own.raw, [...stack, file]), own);
  }

  bases(file: string, raw: Record<string, unknown>, stack: string[]): MergedRaw {
    const ext = raw.extends;
    const list =
      typeof ext === "string" ? [ext] : Array.isArray(ext) ? ext.filter((e) => typeof e === "string") : [];
    let merged = EMPTY;
    for (const entry of list) {
      const target = isPath(entry) ? resolve(dirname(file), entry) : builtinProfileFile(entry, this.builtins);
      if (target === undefined) {
        const problem = unknownName(entry, this.builtins);
        this.errors.push({ path: `${this.prefix(file)}extends`, message: problem.message });
        this.broken = true;
        continue;
      }
      if (stack.includes(target)) {
        const chain = [...stack.slice(stack.indexOf(target)), target].map((f) => this.name(f)).join(" -> ");
        this.errors.push({ path: `${this.prefix(file)}extends`, message: `extends itself: ${chain}` });
        this.broken = true;
        continue;
      }
      merged = mergeOver(merged, this.load(target, stack));
    }
    return merged;
  }

  /** A merged point's path (points.N...) and the points its message names, as file and index as written. */
  locate(origins: MergedRaw["origins"], problem: Problem): Problem {
    const where = (n: string) => {
      const origin = origins[Number(n)];
      return origin ? `${this.prefix(origin.file)}points.${origin.index}` : `points.${n}`;
    };
    const m = /^points\.(\d+)(.*)$/.exec(problem.path);
    return {
      path: m ? `${where(m[1] ?? "")}${m[2]}` : problem.path,
      message: problem.message.replace(/\bpoints\.(\d+)\b/g, (_, n: string) => where(n)),
    };
  }
}

/**
 * Loads a profile and reports everything found: schema and rule errors (profile undefined when any) and
 * warnings. `source` is a path; `name` is how the profile is named in results.
 */
export function inspectProfileFile(
  source: string,
  name = source,
  builtins = BUILTIN_PROFILES_DIR,
): LoadFindings {
  const file = resolve(source);
  const loader = new Loader(file, builtins);
  const merged = loader.load(file, []);
  if (loader.broken) return { errors: loader.errors, warnings: loader.warnings };
  const parsed = parseModbus(merged.raw);
  if (!parsed.success || loader.errors.length > 0) {
    // The whole profile's problems too (a key no file gives), each problem once.
    const whole = parsed.success
      ? []
      : zodProblems(parsed.error, "").map((p) => loader.locate(merged.origins, p));
    const seen = new Set(loader.errors.map((p) => `${p.path}\n${p.message}`));
    const errors = [...loader.errors, ...whole.filter((p) => !seen.has(`${p.path}\n${p.message}`))];
    return { errors, warnings: loader.warnings };
  }
  const profile = resolveProfile(parsed.data, name, file);
  const found = checkProfile(profile);
  const locate = (p: Problem) => loader.locate(merged.origins, p);
  const warnings = [...loader.warnings, ...found.warnings.map(locate)];
  if (found.errors.length > 0) return { errors: found.errors.map(locate), warnings };
  return { profile, errors: [], warnings };
}

/**
 * The profile's files merged as written, before the schema (extends resolved), for checks that run on the
 * part of a broken profile that is sound; `locate` names a merged point's problem by the file and index it
 * was written at. Undefined when a file cannot be read or parsed, or an extends is missing.
 */
export function mergeProfileFiles(
  source: string,
  builtins = BUILTIN_PROFILES_DIR,
): { raw: Record<string, unknown>; locate: (problem: Problem) => Problem } | undefined {
  const file = resolve(source);
  const loader = new Loader(file, builtins);
  const merged = loader.load(file, []);
  if (loader.broken) return undefined;
  return { raw: merged.raw, locate: (p) => loader.locate(merged.origins, p) };
}

/** A merged Modbus profile through the one schema; a file without `protocol` is read as Modbus. */
function parseModbus(
  raw: Record<string, unknown>,
): { success: true; data: z.output<typeof profileSchema> } | { success: false; error: z.ZodError } {
  const parsed = deviceProfileSchema.safeParse(
    raw.protocol === undefined ? { ...raw, protocol: "modbus" } : raw,
    { error: requiredMessage },
  );
  if (!parsed.success) return parsed;
  if (parsed.data.protocol !== "modbus") return { success: false, error: otherProtocol("modbus") };
  return { success: true, data: parsed.data };
}

/** A Modbus profile by built-in name or by path; throws ProfileError (an MQTT profile is refused). */
export function loadProfile(
  nameOrPath: string,
  baseDir = process.cwd(),
  builtins = BUILTIN_PROFILES_DIR,
): Profile {
  return loadDeviceProfile(nameOrPath, { baseDir, expected: "modbus", builtins }).profile as Profile;
}

/** An MQTT payload profile by built-in name or by path; throws ValidationError (a Modbus one is refused). */
export function loadMqttProfile(nameOrPath: string, baseDir = process.cwd()): MqttProfile {
  return loadDeviceProfile(nameOrPath, { baseDir, expected: "mqtt" }).profile as MqttProfile;
}

export interface MqttProfile {
  /** Built-in name, or the file's path. */
  name: string;
  /** The file it was read from. */
  source: string;
  spec: MqttProfileSpec;
}

export type LoadedProfile =
  | { protocol: "modbus"; profile: Profile }
  | { protocol: "mqtt"; profile: MqttProfile };

export interface LoadProfileOptions {
  /** Relative paths are resolved from it (the gateway config's folder); the working folder by default. */
  baseDir?: string;
  /**
   * The protocol the device needs (`devices:` Modbus, `mqtt.devices:` MQTT): names are looked up among
   * its built-ins, and a file of the other protocol is refused. Any, when absent.
   */
  expected?: Protocol;
  /** The built-in Modbus profiles' folder (tests). */
  builtins?: string;
}

/** Names of the shipped MQTT profiles ("opendtu", "shelly-gen2", "tasmota"). */
export function builtInMqttProfileNames(dir = BUILTIN_MQTT_PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && !f.startsWith("_"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

/**
 * A device profile of either protocol, by built-in name or by path (.yaml, relative to `baseDir`).
 * Throws ProfileError (Modbus) or ValidationError (MQTT) listing every problem.
 */
export function loadDeviceProfile(nameOrPath: string, options: LoadProfileOptions = {}): LoadedProfile {
  const { baseDir = process.cwd(), expected, builtins = BUILTIN_PROFILES_DIR } = options;
  if (!isPath(nameOrPath)) return loadBuiltin(nameOrPath, expected, builtins);
  const file = resolve(baseDir, nameOrPath);
  const mismatch = expected && protocolProblem(file, expected);
  if (mismatch) throw new ProfileError(`profile ${file}`, [mismatch]);
  const protocol = fileProtocol(file) ?? expected ?? "modbus";
  if (protocol === "mqtt") return { protocol, profile: readMqtt(file, nameOrPath) };
  const found = inspectProfileFile(file, nameOrPath, builtins);
  if (!found.profile) throw new ProfileError(`profile ${file}`, found.errors);
  return { protocol: "modbus", profile: found.profile };
}

function loadBuiltin(name: string, expected: Protocol | undefined, builtins: string): LoadedProfile {
  const modbus = expected === "mqtt" ? undefined : builtinProfileFile(name, builtins);
  if (modbus !== undefined) {
    const found = inspectProfileFile(modbus, name.replace(/^.*\//, ""), builtins);
    if (!found.profile) throw new ProfileError(`profile ${modbus}`, found.errors);
    return { protocol: "modbus", profile: found.profile };
  }
  const mqtt = builtInMqttProfileNames();
  if (expected !== "modbus" && mqtt.includes(name)) {
    const source = resolve(BUILTIN_MQTT_PROFILES_DIR, `${name}.yaml`);
    return { protocol: "mqtt", profile: { ...readMqtt(source, source), name } };
  }
  if (expected === "mqtt")
    throw new ValidationError(`MQTT profile "${name}"`, [
      { path: "(name)", message: `is not a built-in profile (known: ${mqtt.join(", ")}) nor a .yaml file` },
    ]);
  throw new ProfileError("profile", [unknownName(name, builtins)]);
}

/** The protocol a profile file gives or implies; undefined when it cannot be read or parsed (said later). */
function fileProtocol(file: string): string | undefined {
  try {
    const doc = parseDocument(readFileSync(file, "utf8"));
    return doc.errors.length > 0 ? undefined : inferProtocol(doc.toJS()).protocol;
  } catch {
    return undefined;
  }
}

/** A profile file of the other protocol than the device needs, said in one sentence; undefined if not. */
export function protocolProblem(file: string, expected: Protocol): Problem | undefined {
  const found = fileProtocol(file);
  if (found === undefined || found === expected || !(PROTOCOLS as readonly string[]).includes(found))
    return undefined;
  return wrongProtocol(found as Protocol, expected);
}

function wrongProtocol(found: Protocol, expected: Protocol): Problem {
  return {
    path: "protocol",
    message:
      expected === "modbus"
        ? `this is an MQTT payload profile (protocol: ${found}): give it to a device under mqtt.devices, or give this device a Modbus profile`
        : `this is a Modbus profile (protocol: ${found}): give it to a device under devices, or give this MQTT device an MQTT payload profile`,
  };
}

/** A ZodError saying the document is of the other protocol (for a caller that parsed through the union). */
function otherProtocol(expected: Protocol): z.ZodError {
  const found: Protocol = expected === "modbus" ? "mqtt" : "modbus";
  return new ZodError([
    { code: "custom", path: ["protocol"], message: wrongProtocol(found, expected).message, input: found },
  ]);
}

function readMqtt(source: string, name: string): MqttProfile {
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (err) {
    throw new ValidationError(`MQTT profile ${source}`, [
      { path: "(file)", message: `cannot read: ${reason(err)}` },
    ]);
  }
  const found = mqttProfileProblems(text);
  if (found.problems.length > 0 || found.spec === undefined)
    throw new ValidationError(`MQTT profile ${source}`, found.problems);
  return { name, source, spec: found.spec };
}

/** Parses MQTT profile text; throws ValidationError listing every problem. */
export function parseMqttProfile(text: string, source: string): MqttProfile {
  const found = mqttProfileProblems(text);
  if (found.problems.length > 0 || found.spec === undefined)
    throw new ValidationError(`MQTT profile ${source}`, found.problems);
  return { name: source, source, spec: found.spec };
}

/** Every problem of an MQTT profile's text, and the spec when there are none (`protocol` may be left out). */
export function mqttProfileProblems(text: string): { problems: Problem[]; spec?: MqttProfileSpec } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        path: e.linePos ? `(line ${e.linePos[0].line}, column ${e.linePos[0].col})` : "(yaml)",
        message: e.message.split(" at line ")[0] ?? e.message,
      })),
    };
  }
  const raw: unknown = doc.toJS() ?? {};
  const record =
    typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (record.protocol === "modbus") return { problems: [wrongProtocol("modbus", "mqtt")] };
  const parsed = deviceProfileSchema.safeParse({ protocol: "mqtt", ...record }, { error: requiredMessage });
  if (!parsed.success) return { problems: explainedProblems(parsed.error) };
  const spec: DeviceProfileSpec = parsed.data;
  if (spec.protocol !== "mqtt") return { problems: [wrongProtocol(spec.protocol, "mqtt")] };
  const problems = checkMqttProfile(spec);
  return problems.length > 0 ? { problems } : { problems, spec };
}
