/**
 * Checks one point of a batch: core's `pointSchema`, then the rules of ingestion (every point names its
 * device). Problems come back with paths relative to the point; the caller prefixes them.
 */
import type { Problem } from "@jisr/core/errors";
import { problemsOf } from "@jisr/core/errors";
import { idSchema, type Point, pointSchema } from "@jisr/core/point";
import type { BatchProblem } from "../schemas/write.js";

export type PointCheck = { ok: true; point: Point } | { ok: false; problems: Problem[] };

export function checkPoint(raw: unknown): PointCheck {
  const parsed = pointSchema.safeParse(raw);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  const device = deviceProblem(raw);
  if (device && !problems.some((p) => p.path === device.path)) problems.push(device);
  if (parsed.success && problems.length === 0) return { ok: true, point: parsed.data };
  return { ok: false, problems };
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
