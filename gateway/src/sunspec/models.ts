import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type ModelFile, ModelFileSchema, type PointSpec, pointSize } from "./model-schema.js";

/** Where our SunSpec register maps live (gateway/profiles/sunspec). */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL("../../profiles/sunspec/", import.meta.url));

/** A point with its offset and size resolved. Model points count from ID (= 0); group points from the group start. */
export type LaidOutPoint = PointSpec & { offset: number; size: number };

export interface RepeatingGroup {
  name: string;
  /** Name of the model's count point (e.g. N) giving the number of repetitions. */
  count: string;
  measurement?: string;
  indexTag?: string;
  /** Offset of the first repetition, from ID. */
  offset: number;
  /** Registers per repetition. */
  size: number;
  points: LaidOutPoint[];
}

/** The register map of one SunSpec model id, ready for decoding. */
export interface SunspecModelMap {
  id: number;
  name: string;
  label: string;
  measurement?: string;
  points: LaidOutPoint[];
  /** Registers of the fixed part after ID and L, i.e. L for a model without a repeating group. */
  fixedLength: number;
  group?: RepeatingGroup;
  /** File the map came from, for error messages. */
  source: string;
}

export type ModelRegistry = ReadonlyMap<number, SunspecModelMap>;

/** A map file that fails its schema; the message lists every issue as `file: path: message`. */
export class ModelMapError extends Error {
  override name = "ModelMapError";
}

function layout(points: PointSpec[], start: number): LaidOutPoint[] {
  let offset = start;
  return points.map((p) => {
    const size = pointSize(p);
    const laid = { ...p, offset, size };
    offset += size;
    return laid;
  });
}

function formatIssues(file: string, issues: z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => `${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  return `invalid SunSpec register map\n${lines.join("\n")}`;
}

/** Turns a parsed, valid map file into one map per model id it lists. */
export function modelsFromFile(file: ModelFile, source: string): SunspecModelMap[] {
  const points = layout(file.points, 2);
  const fixedEnd = points.reduce((end, p) => Math.max(end, p.offset + p.size), 2);
  const g = file.groups?.[0];
  const groupPoints = g ? layout(g.points, 0) : [];
  const group: RepeatingGroup | undefined = g && {
    name: g.name,
    count: g.count,
    ...(g.measurement !== undefined && { measurement: g.measurement }),
    ...(g.indexTag !== undefined && { indexTag: g.indexTag }),
    offset: fixedEnd,
    size: groupPoints.reduce((sum, p) => sum + p.size, 0),
    points: groupPoints,
  };
  return file.models.map((m) => ({
    ...m,
    ...(file.measurement !== undefined && { measurement: file.measurement }),
    points,
    fixedLength: fixedEnd - 2,
    ...(group && { group }),
    source,
  }));
}

/** Parses and validates one YAML map file. Throws ModelMapError naming the file and each bad path. */
export function loadModelFile(path: string): SunspecModelMap[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ModelMapError(`${path}: cannot read YAML: ${(err as Error).message}`);
  }
  const parsed = ModelFileSchema.safeParse(raw);
  if (!parsed.success) throw new ModelMapError(formatIssues(path, parsed.error.issues));
  return modelsFromFile(parsed.data, path);
}

/** Loads every *.yaml map in a folder, keyed by model id. Two files claiming one id is an error. */
export function loadSunspecModels(dir: string = DEFAULT_MODELS_DIR): ModelRegistry {
  const registry = new Map<number, SunspecModelMap>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  for (const f of files) {
    for (const model of loadModelFile(join(dir, f))) {
      const other = registry.get(model.id);
      if (other)
        throw new ModelMapError(`model ${model.id} is defined twice: ${other.source} and ${model.source}`);
      registry.set(model.id, model);
    }
  }
  return registry;
}

let cached: ModelRegistry | undefined;

/** Our bundled maps, loaded once per process. */
export function defaultModels(): ModelRegistry {
  cached ??= loadSunspecModels();
  return cached;
}
