/** Decodes a JSON batch `{ "points": [...] }`; problem paths read `points.3.fields.power_w`. */
import { formatPath, problemsOf } from "@jisr/core/errors";
import { ERR } from "../errors.js";
import { jsonBatchSchema } from "../schemas/write.js";
import { checkPoint, DEFAULT_POINT_LIMITS, type DecodedBatch, type PointLimits } from "./point.js";

export function decodeJsonBatch(
  body: unknown,
  maxPoints: number,
  limits: Partial<PointLimits> = DEFAULT_POINT_LIMITS,
): DecodedBatch {
  const envelope = jsonBatchSchema.safeParse(body);
  if (!envelope.success) {
    const error = ERR.INVALID_REQUEST("The JSON body");
    error.problems = problemsOf(envelope.error);
    throw error;
  }
  const raw = envelope.data.points;
  if (raw.length > maxPoints) throw ERR.TOO_MANY_POINTS(raw.length, maxPoints);
  const batch: DecodedBatch = { points: [], problems: [], total: raw.length, bad: 0 };
  raw.forEach((item, index) => {
    const checked = checkPoint(item, limits);
    if (checked.ok) {
      batch.points.push(checked.point);
      return;
    }
    batch.bad++;
    for (const p of checked.problems) {
      const path = p.path === "(root)" ? formatPath(["points", index]) : `points.${index}.${p.path}`;
      batch.problems.push({ index, path, message: p.message });
    }
  });
  return batch;
}
