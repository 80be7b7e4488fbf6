/**
 * Checks shared by every Store implementation, so both refuse exactly the same input: points before a
 * write (all of them before any is sent, which makes an invalid batch write nothing), queries before
 * they are built.
 */
import { z } from "zod";
import { formatProblems, type Problem, problemsOf, ValidationError } from "../errors.js";
import {
  isSealedPoint,
  measurementName,
  type Point,
  pointSchema,
  tagKey,
  tagValue,
  timeMsSchema,
} from "../point.js";
import { type AggregateQuery, type LatestQuery, StoreRejectedError } from "./types.js";

const MAX_PROBLEMS = 20;

/** Throws StoreRejectedError naming every bad point (`points.3.fields.power_w: …`); retrying cannot help. */
export function validatePoints(points: readonly Point[]): void {
  const problems: Problem[] = [];
  points.forEach((p, i) => {
    if (isSealedPoint(p) && typeof p.time === "number") return;
    const r = pointSchema.safeParse(p);
    if (!r.success) problems.push(...problemsOf(r.error, ["points", i]));
    // The wire schema also takes ISO strings; a Point carries epoch ms only.
    else if (typeof p.time !== "number")
      problems.push({ path: `points.${i}.time`, message: "must be epoch ms" });
  });
  if (problems.length === 0) return;
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > MAX_PROBLEMS ? `\n  … and ${problems.length - MAX_PROBLEMS} more` : "";
  throw new StoreRejectedError(
    `${points.length} point(s) sent, some are not valid; nothing was written:\n${formatProblems(shown)}${more}`,
    { cause: new ValidationError("points", problems) },
  );
}

const tagFilter = z.record(tagKey, tagValue).optional();

export const aggregateQuerySchema = z
  .strictObject({
    measurement: measurementName,
    field: tagKey,
    fn: z.enum(["mean", "max", "min", "sum", "count", "first", "last"]),
    from: timeMsSchema,
    to: timeMsSchema,
    everyMs: z.number().int().positive(),
    where: tagFilter,
    groupBy: z.array(tagKey).optional(),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["to"] });

export const latestQuerySchema = z.strictObject({
  measurement: measurementName,
  where: tagFilter,
  groupBy: z.array(tagKey).min(1).optional(),
  lookbackMs: z.number().int().positive().optional(),
  now: z.number().int().optional(),
});

export const DEFAULT_LATEST_GROUP_BY = ["institution", "device"];
export const DEFAULT_LOOKBACK_MS = 7 * 24 * 3600 * 1000;

export function checkAggregateQuery(q: AggregateQuery): AggregateQuery {
  const r = aggregateQuerySchema.safeParse(q);
  if (!r.success) throw new ValidationError("aggregate query", problemsOf(r.error));
  return r.data;
}

/** The query with its defaults filled in. */
export function checkLatestQuery(
  q: LatestQuery,
  now = Date.now(),
): LatestQuery & { groupBy: string[]; lookbackMs: number; now: number } {
  const r = latestQuerySchema.safeParse(q);
  if (!r.success) throw new ValidationError("latest query", problemsOf(r.error));
  return {
    ...r.data,
    groupBy: r.data.groupBy ?? DEFAULT_LATEST_GROUP_BY,
    lookbackMs: r.data.lookbackMs ?? DEFAULT_LOOKBACK_MS,
    now: r.data.now ?? now,
  };
}

/** The values of `keys` in `tags`, "" where a tag is missing (as InfluxDB reports such a group). */
export function groupTags(tags: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, tags[k] ?? ""]));
}

/** A map key for one groupBy combination. */
export function groupKey(tags: Record<string, string>, keys: readonly string[]): string {
  return JSON.stringify(keys.map((k) => tags[k] ?? ""));
}

/** Orders groups by their tag values, in groupBy order (institution, then device): both stores agree. */
export function compareGroups(
  a: Record<string, string>,
  b: Record<string, string>,
  keys: readonly string[],
): number {
  for (const k of keys) {
    const [x, y] = [a[k] ?? "", b[k] ?? ""];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
