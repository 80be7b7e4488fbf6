/**
 * Decodes an InfluxDB line-protocol body with core's parser, then checks each line as a point. Problems
 * carry the 1-based line number and a path inside the point (`fields.power_w`).
 */
import { type Precision, parseLines } from "@jisr/core";
import { ERR } from "../errors.js";
import { checkPoint, DEFAULT_POINT_LIMITS, type DecodedBatch, type PointLimits } from "./point.js";

/** `receivedAt` stands in for a missing timestamp, as InfluxDB uses its own clock then. */
export function decodeLineBatch(
  body: string,
  precision: Precision,
  maxPoints: number,
  receivedAt: number,
  limits: Partial<PointLimits> = DEFAULT_POINT_LIMITS,
): DecodedBatch {
  const lines = parseLines(body, precision);
  if (lines.length > maxPoints) throw ERR.TOO_MANY_POINTS(lines.length, maxPoints);
  const batch: DecodedBatch = { points: [], problems: [], total: lines.length, bad: 0, lines: [] };
  lines.forEach((parsed, index) => {
    const line = parsed.line;
    if (!parsed.ok) {
      batch.bad++;
      batch.problems.push({ index, line, path: "(line)", message: parsed.error });
      return;
    }
    const checked = checkPoint({ ...parsed.point, time: parsed.point.time ?? receivedAt }, limits);
    if (checked.ok) {
      batch.points.push(checked.point);
      batch.lines?.push(line);
      return;
    }
    batch.bad++;
    for (const p of checked.problems) batch.problems.push({ index, line, path: p.path, message: p.message });
  });
  return batch;
}
