/**
 * Loads MQTT payload profiles: a built-in name ("shelly-gen2" → gateway/profiles/mqtt/shelly-gen2.yaml) or
 * the path of a file of one's own. YAML → strict schema → cross-field checks; every problem is reported at
 * once by path, so whoever writes a profile fixes it in one go.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Problem, ValidationError } from "@jisr/core";
import { parseDocument } from "yaml";
import { configProblems } from "../config/load.js";
import { checkMqttProfile } from "./profile-check.js";
import { type MqttProfileSpec, mqttProfileSchema } from "./profile-schema.js";

/** The folder of the shipped profiles. */
export const BUILT_IN_MQTT_PROFILES_DIR = fileURLToPath(new URL("../../profiles/mqtt/", import.meta.url));

export interface MqttProfile {
  /** Built-in name, or the file's path. */
  name: string;
  /** The file it was read from. */
  source: string;
  spec: MqttProfileSpec;
}

/** Names of the shipped profiles ("opendtu", "shelly-gen2", "tasmota"). */
export function builtInMqttProfileNames(): string[] {
  return readdirSync(BUILT_IN_MQTT_PROFILES_DIR)
    .filter((f) => f.endsWith(".yaml") && !f.startsWith("_"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

/** A path when it looks like one (a / or a .yaml/.yml ending), else a built-in name. */
function isPath(nameOrPath: string): boolean {
  return nameOrPath.includes("/") || [".yaml", ".yml"].includes(extname(nameOrPath));
}

/** Loads a profile by built-in name or path (relative paths from `baseDir`); throws ValidationError. */
export function loadMqttProfile(nameOrPath: string, baseDir: string = process.cwd()): MqttProfile {
  if (!isPath(nameOrPath)) {
    const known = builtInMqttProfileNames();
    if (!known.includes(nameOrPath)) {
      throw new ValidationError(`MQTT profile "${nameOrPath}"`, [
        {
          path: "(name)",
          message: `is not a built-in profile (known: ${known.join(", ")}) nor a .yaml file`,
        },
      ]);
    }
    const source = resolve(BUILT_IN_MQTT_PROFILES_DIR, `${nameOrPath}.yaml`);
    return { ...parseMqttProfile(readFileSync(source, "utf8"), source), name: nameOrPath };
  }
  const source = resolve(baseDir, nameOrPath);
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new ValidationError(`MQTT profile ${source}`, [
      { path: "(file)", message: `cannot read: ${reason}` },
    ]);
  }
  return parseMqttProfile(text, source);
}

/** Parses profile text; throws ValidationError listing every problem. */
export function parseMqttProfile(text: string, source: string): MqttProfile {
  const problems = mqttProfileProblems(text);
  if (problems.problems.length > 0 || problems.spec === undefined)
    throw new ValidationError(`MQTT profile ${source}`, problems.problems);
  return { name: source, source, spec: problems.spec };
}

/** Every problem of a profile's text (for `jisr profile check`), and the spec when there are none. */
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
  const parsed = mqttProfileSchema.safeParse(doc.toJS() ?? {}, { error: requiredMessage });
  if (!parsed.success) return { problems: configProblems(parsed.error) };
  const problems = checkMqttProfile(parsed.data);
  return problems.length > 0 ? { problems } : { problems, spec: parsed.data };
}

/** zod's "expected array, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}
