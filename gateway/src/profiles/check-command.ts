/**
 * The work of `jisr profile check|list|schema` (cli-profile.ts registers the commands and loads this
 * module only when one runs, so `jisr profile --help` stays light).
 */

import type { CliIo } from "@jisr/core";
import { formatLocated, type LocatedProblem } from "@jisr/core";
import { checkProfileFile } from "./check-file.js";
import { builtInMqttProfileNames, listBuiltinProfiles, loadMqttProfile, loadProfile } from "./load.js";
import { planReads } from "./plan.js";
import { deviceProfileJsonSchema } from "./schema.js";

/** Exit codes: 0 valid, 1 the command itself failed, 2 the profile is not valid. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID_PROFILE = 2;

/** Where `jisr profile` writes: the CLI IO every command takes. */
export type ProfileCliIo = CliIo;

function lines(file: string, problems: readonly LocatedProblem[]): string {
  return problems.map((p) => formatLocated(p, file)).join("");
}

/** Runs `profile check` (a Modbus or an MQTT profile) and returns its exit code. */
export function runProfileCheck(file: string, io: ProfileCliIo): number {
  const found = checkProfileFile(file);
  if (found.warnings.length > 0) io.stderr.write(`${file}: warnings:\n${lines(file, found.warnings)}`);
  if (found.errors.length > 0) {
    const count = found.errors.length === 1 ? "1 problem" : `${found.errors.length} problems`;
    io.stderr.write(`${file} is not valid:\n${lines(file, found.errors)}(${count})\n`);
    return EXIT_INVALID_PROFILE;
  }
  if (found.kind === "mqtt") {
    io.stdout.write(`${file}: OK (MQTT profile, ${found.topics ?? 0} topics)\n`);
    return EXIT_OK;
  }
  const profile = found.profile;
  if (!profile) throw new Error(`${file}: checked without errors but not loaded`);
  const requests = planReads(profile.points, profile.read).length;
  io.stdout.write(`${file}: OK (${profile.points.length} points, ${requests} requests per poll)\n`);
  return EXIT_OK;
}

type Products = ReadonlyArray<{ brand: string; models: readonly string[] }>;
const productList = (products: Products) =>
  products.map((p) => `${p.brand} ${p.models.join(", ")}`).join("; ");

/** Runs `profile list` (Modbus profiles by class, then MQTT payload profiles) and returns its exit code. */
export function runProfileList(io: ProfileCliIo): number {
  const modbus = listBuiltinProfiles().map((b) => {
    const profile = loadProfile(b.file);
    return [b.name, b.class, String(profile.points.length), productList(profile.spec.products)];
  });
  // MQTT profiles map topics, not registers: no point count.
  const mqtt = builtInMqttProfileNames().map((name) => [
    name,
    "mqtt",
    "-",
    productList(loadMqttProfile(name).spec.products),
  ]);
  const rows = [...modbus, ...mqtt];
  const header = ["NAME", "CLASS", "POINTS", "PRODUCTS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `${cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join("  ")}\n`;
  io.stdout.write(line(header));
  for (const r of rows) io.stdout.write(line(r));
  io.stdout.write(
    `${line(["sunspec", "any", "-", "any SunSpec inverter or meter (discovered on the device)"])}`,
  );
  return EXIT_OK;
}

/** Runs `profile schema`: the JSON Schema of a profile file, either protocol (`protocol` tells them apart). */
export function runProfileSchema(io: ProfileCliIo): number {
  io.stdout.write(`${JSON.stringify(deviceProfileJsonSchema(), null, 2)}\n`);
  return EXIT_OK;
}
