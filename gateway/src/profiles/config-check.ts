/**
 * The gateway config names a profile per device: check them when the config is loaded, so an unknown
 * name or a broken file is reported with the other config problems, by path, before anything starts.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Problem } from "@jisr/core";
import { suggest } from "@jisr/core";
import {
  BUILTIN_PROFILES_DIR,
  builtInMqttProfileNames,
  builtinProfileFile,
  inspectProfileFile,
  listBuiltinProfiles,
  mqttProfileProblems,
  protocolProblem,
  unknownName,
} from "./load.js";

/** Profiles that need no file: the SunSpec driver discovers its register map on the device. */
const CODE_PROFILES = new Set(["sunspec"]);

function isPath(profile: string): boolean {
  return /\.ya?ml$/i.test(profile);
}

function check(profile: string, baseDir: string, builtins: string): Problem[] {
  if (CODE_PROFILES.has(profile)) return [];
  if (!isPath(profile)) {
    if (builtinProfileFile(profile, builtins)) return [];
    // A typo of a built-in name ("huawei-sun200") gets the name it was meant to be.
    const near = suggest(profile, ["sunspec", ...listBuiltinProfiles(builtins).map((b) => b.name)]);
    const message = unknownName(profile, builtins).message;
    return [{ path: "", message: near ? message.replace(/;/, `: did you mean "${near}"?`) : message }];
  }
  const file = resolve(baseDir, profile);
  const mismatch = protocolProblem(file, "modbus");
  if (mismatch) return [{ path: "", message: `profile "${file}": ${mismatch.message}` }];
  const found = inspectProfileFile(file, profile, builtins);
  return found.errors.map((p) =>
    p.path === "(file)"
      ? { path: "", message: p.message }
      : { path: "", message: `profile "${file}" is not valid: ${p.path}: ${p.message}` },
  );
}

/**
 * Problems of the `profile` of each device in a raw (not yet validated) device list, at
 * `devices.<i>.profile`. Relative paths are relative to `baseDir`, the config file's folder.
 */
export function checkDeviceProfiles(
  devices: unknown,
  baseDir = process.cwd(),
  builtins = BUILTIN_PROFILES_DIR,
): Problem[] {
  if (!Array.isArray(devices)) return [];
  return devices.flatMap((d, i) => {
    const profile = typeof d === "object" && d !== null ? (d as { profile?: unknown }).profile : undefined;
    if (typeof profile !== "string" || profile.length === 0) return [];
    return check(profile, baseDir, builtins).map((p) => ({ ...p, path: `devices.${i}.profile` }));
  });
}

/**
 * Problems of the `profile` of each MQTT device (`mqtt.devices`), at `mqtt.devices.<i>.profile`, through
 * the same loader and schema as the Modbus ones: an unknown name, an unreadable or invalid file, or a
 * Modbus profile given to an MQTT device. (The roles a profile allows are checked when the devices start.)
 */
export function checkMqttDeviceProfiles(devices: unknown, baseDir = process.cwd()): Problem[] {
  if (!Array.isArray(devices)) return [];
  return devices.flatMap((d, i) => {
    const profile = typeof d === "object" && d !== null ? (d as { profile?: unknown }).profile : undefined;
    if (typeof profile !== "string" || profile.length === 0) return [];
    return checkMqtt(profile, baseDir).map((message) => ({ path: `mqtt.devices.${i}.profile`, message }));
  });
}

function checkMqtt(profile: string, baseDir: string): string[] {
  if (!isPath(profile)) {
    const known = builtInMqttProfileNames();
    if (known.includes(profile)) return [];
    const near = suggest(profile, known);
    const hint = near ? `: did you mean "${near}"?` : ";";
    return [
      `unknown profile "${profile}"${hint} built-in MQTT profiles: ${known.join(", ")} (or give a .yaml file)`,
    ];
  }
  const file = resolve(baseDir, profile);
  const mismatch = protocolProblem(file, "mqtt");
  if (mismatch) return [`profile "${file}": ${mismatch.message}`];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [`cannot read "${file}": ${code === "ENOENT" ? "no such file" : (err as Error).message}`];
  }
  return mqttProfileProblems(text).problems.map(
    (p) => `profile "${file}" is not valid: ${p.path}: ${p.message}`,
  );
}

/** A profile path made absolute (against the config's folder), so the driver finds it from any cwd. */
export function absoluteProfile(profile: string, baseDir = process.cwd()): string {
  return isPath(profile) && !isAbsolute(profile) ? resolve(baseDir, profile) : profile;
}
