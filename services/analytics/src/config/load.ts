/**
 * Reading the institutions file, once, at the process edge: YAML → strict schema → each institution's
 * hot-water settings (their own schema) and tariff file (tariff/load.ts). Every problem of every
 * institution is reported at once, by path; code past this point sees only typed, complete objects.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatPath, type Problem, ValidationError } from "@jisr/core/errors";
import { parse } from "yaml";
import type { z } from "zod";
import type { CounterOptions } from "../energy/counter.js";
import { type HotWaterSettings, hotWaterSettingsSchema } from "../hot-water/settings-schema.js";
import { loadTariff } from "../tariff/load.js";
import type { Tariff } from "../tariff/schema.js";
import { type CounterConfig, institutionsFileSchema, type RawInstitutionsFile } from "./schema.js";

type RawInstitution = RawInstitutionsFile["institutions"][string];

/** A device group's counter limits, in the form counter.ts takes (without the window-wide parts). */
export type CounterLimits = Pick<CounterOptions, "maxPowerW" | "toleranceWh" | "jitterWh" | "rolloverAtWh">;

export interface Institution {
  id: string;
  name: RawInstitution["name"];
  location: RawInstitution["location"];
  /** Absolute path of the tariff file. */
  tariffFile: string;
  tariff: Tariff;
  pv?: { inverters: string[]; counter: CounterLimits };
  gridMeter?: { device: string; counter: CounterLimits };
  hotWater?: { devices: string[]; heatMeters: Record<string, string>; settings: HotWaterSettings };
  co2: { gridFactorKgPerKwh: number; source: string };
  readingIntervalMs: number;
}

export interface InstitutionsConfig {
  /** Where it was read from ("(text)" when parsed from memory). */
  source: string;
  timeZone: string;
  gapMs: number;
  maxGapMs: number;
  institutions: Institution[];
}

/** The demo's institutions, used when neither --institutions nor JISR_INSTITUTIONS_FILE is given. */
export const DEFAULT_INSTITUTIONS_FILE = fileURLToPath(
  new URL("../../examples/institutions.yaml", import.meta.url),
);

export function loadInstitutions(path: string): InstitutionsConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ValidationError(`institutions file ${path}`, [
      { path: "(file)", message: `cannot read: ${(err as Error).message}` },
    ]);
  }
  return parseInstitutions(text, { source: path, baseDir: dirname(resolve(path)) });
}

/** Parses institutions YAML; tariff paths are resolved against `baseDir`. */
export function parseInstitutions(
  text: string,
  options: { source?: string; baseDir: string; tariffs?: (path: string) => Tariff },
): InstitutionsConfig {
  const source = options.source ?? "(text)";
  const subject = `institutions file ${source}`;
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ValidationError(subject, [{ path: "(yaml)", message: (err as Error).message }]);
  }
  const parsed = institutionsFileSchema.safeParse(raw ?? {}, { error: requiredMessage });
  if (!parsed.success) throw new ValidationError(subject, schemaProblems(parsed.error));
  const file = parsed.data;
  const problems: Problem[] = [];
  const tariffs = new Map<string, Tariff | undefined>();
  const readTariff = options.tariffs ?? loadTariff;
  const institutions = Object.entries(file.institutions).map(([id, inst]) => {
    const at = ["institutions", id];
    const tariffFile = isAbsolute(inst.tariff) ? inst.tariff : resolve(options.baseDir, inst.tariff);
    if (!tariffs.has(tariffFile))
      tariffs.set(tariffFile, tryTariff(readTariff, tariffFile, [...at, "tariff"], problems));
    const tariff = tariffs.get(tariffFile);
    if (tariff && tariff.time_zone !== file.time_zone) {
      problems.push({
        path: [...at, "tariff"].join("."),
        message: `the tariff bills in ${tariff.time_zone} but this file counts days in ${file.time_zone}`,
      });
    }
    const co2 = inst.co2 ?? file.co2;
    const settings = inst.hot_water
      ? hotWaterSettings(inst.hot_water.settings, co2, [...at, "hot_water", "settings"], problems)
      : undefined;
    return { id, inst, tariffFile, tariff, co2, settings };
  });
  if (problems.length > 0) throw new ValidationError(subject, problems);
  return {
    source,
    timeZone: file.time_zone,
    gapMs: file.gap,
    maxGapMs: file.max_gap,
    institutions: institutions.map(({ id, inst, tariffFile, tariff, co2, settings }) => ({
      id,
      name: inst.name,
      location: inst.location,
      tariffFile,
      tariff: tariff as Tariff,
      ...(inst.pv ? { pv: { inverters: inst.pv.inverters, counter: limits(inst.pv) } } : {}),
      ...(inst.grid_meter
        ? { gridMeter: { device: inst.grid_meter.device, counter: limits(inst.grid_meter) } }
        : {}),
      ...(inst.hot_water && settings
        ? {
            hotWater: {
              devices: inst.hot_water.devices,
              heatMeters: inst.hot_water.heat_meters,
              settings,
            },
          }
        : {}),
      co2: { gridFactorKgPerKwh: co2.grid_factor_kg_per_kwh, source: co2.source },
      readingIntervalMs: inst.reading_interval ?? file.reading_interval,
    })),
  };
}

/** zod's "expected string, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}

/** zod issues as problems; an unknown-keys issue becomes one problem per key, at the key's own path. */
function schemaProblems(error: z.ZodError, prefix: (string | number)[] = []): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...path, k]) : [path];
    return paths.map((p) => ({ path: formatPath(p), message: issue.message }));
  });
}

function limits(c: CounterConfig): CounterLimits {
  return {
    maxPowerW: c.max_power_w,
    toleranceWh: c.tolerance_wh,
    jitterWh: c.jitter_wh,
    ...(c.rollover_wh !== undefined ? { rolloverAtWh: c.rollover_wh } : {}),
  };
}

function tryTariff(
  read: (path: string) => Tariff,
  path: string,
  at: string[],
  problems: Problem[],
): Tariff | undefined {
  try {
    return read(path);
  } catch (err) {
    const inner =
      err instanceof ValidationError ? err.problems : [{ path: "(file)", message: (err as Error).message }];
    for (const p of inner) problems.push({ path: at.join("."), message: `${path}: ${p.path}: ${p.message}` });
    return undefined;
  }
}

/**
 * The hot-water settings through their own schema. The institution's CO2 grid factor is the default of
 * the settings' own factor, so one figure (with its source) serves both PV and hot water.
 */
function hotWaterSettings(
  input: unknown,
  co2: { grid_factor_kg_per_kwh: number },
  at: string[],
  problems: Problem[],
): HotWaterSettings | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const given = input ?? {};
  const withFactor = isObject(given)
    ? {
        ...given,
        co2: { gridKgPerKwh: co2.grid_factor_kg_per_kwh, ...(isObject(given.co2) ? given.co2 : {}) },
      }
    : given;
  const parsed = hotWaterSettingsSchema.safeParse(withFactor, { error: requiredMessage });
  if (parsed.success) return parsed.data;
  problems.push(...schemaProblems(parsed.error, at));
  return undefined;
}
