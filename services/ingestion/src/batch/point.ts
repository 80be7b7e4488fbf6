/**
 * Checks one point of a batch: the limits of ingestion (fields and tags per point), core's `pointSchema`,
 * then the rules of ingestion (every point names its device). Problems come back with paths relative to
 * the point; the caller prefixes them.
 */
import { idSchema, type Point, pointSchema } from "@jisr/core";
import type { Problem } from "@jisr/core/errors";
import { problemsOf } from "@jisr/core/errors";
import type { BatchProblem } from "../schemas/write.js";

/**
 * Per-point limits. Each field key and each tag set is a column or a series InfluxDB keeps for good, so
 * one request must not be able to create 100 000 of them.
 */
export interface PointLimits {
  /** Most fields in one point; default 500. */
  maxFields: number;
  /** Most tags in one point, as sent (ingestion adds `institution`); default 32. */
  maxTags: number;
}

export const DEFAULT_MAX_FIELDS = 500;
export const DEFAULT_MAX_TAGS = 32;
export const DEFAULT_POINT_LIMITS: Readonly<PointLimits> = Object.freeze({
  maxFields: DEFAULT_MAX_FIELDS,
  maxTags: DEFAULT_MAX_TAGS,
});

/** Longest path echoed in a problem: a key of a megabyte would otherwise come back in the answer. */
const MAX_PATH = 160;

export type PointCheck = { ok: true; point: Point } | { ok: false; problems: Problem[] };

export function checkPoint(raw: unknown, limits: Partial<PointLimits> = DEFAULT_POINT_LIMITS): PointCheck {
  // Counted before the schema runs, so an oversized point costs no per-key validation (nor 100 000 problems).
  const counted = countProblems(raw, {
    maxFields: limits.maxFields ?? DEFAULT_MAX_FIELDS,
    maxTags: limits.maxTags ?? DEFAULT_MAX_TAGS,
  });
  if (counted.length > 0) return { ok: false, problems: counted };
  const parsed = pointSchema.safeParse(raw);
  const problems = parsed.success ? [] : problemsOf(parsed.error).map(shortenPath);
  const device = deviceProblem(raw);
  if (device && !problems.some((p) => p.path === device.path)) problems.push(device);
  if (parsed.success && problems.length === 0) return { ok: true, point: parsed.data };
  return { ok: false, problems };
}

function countProblems(raw: unknown, limits: PointLimits): Problem[] {
  if (!isRecord(raw)) return [];
  const problems: Problem[] = [];
  const fields = isRecord(raw.fields) ? Object.keys(raw.fields).length : 0;
  if (fields > limits.maxFields)
    problems.push({
      path: "fields",
      message: `holds ${fields} fields, more than the limit of ${limits.maxFields} per point`,
    });
  const tags = isRecord(raw.tags) ? Object.keys(raw.tags).length : 0;
  if (tags > limits.maxTags)
    problems.push({
      path: "tags",
      message: `holds ${tags} tags, more than the limit of ${limits.maxTags} per point`,
    });
  return problems;
}

function shortenPath(p: Problem): Problem {
  return p.path.length <= MAX_PATH ? p : { ...p, path: `${p.path.slice(0, MAX_PATH)}…` };
}

/** The device tag is what ties a reading to a meter; without it the reading cannot be used. */
function deviceProblem(raw: unknown): Problem | undefined {
  const tags = isRecord(raw) && isRecord(raw.tags) ? raw.tags : {};
  const device = tags.device;
  if (device === undefined)
    return { path: "tags.device", message: "is required: every point names its device" };
  if (typeof device !== "string") return undefined; // pointSchema already reports the type
  const checked = idSchema.safeParse(device);
  return checked.success
    ? undefined
    : { path: "tags.device", message: checked.error.issues[0]?.message ?? "" };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Outcome of decoding a whole body: the good points, and every problem of the bad ones. */
export interface DecodedBatch {
  points: Point[];
  problems: BatchProblem[];
  /** Number of points in the body, good and bad. */
  total: number;
  /** Number of bad points (a point may have several problems). */
  bad: number;
  /** Line protocol only: the 1-based line of each good point, for later messages. */
  lines?: number[];
}
