/**
 * What POST /api/v1/write accepts and answers. The points themselves are checked one by one with core's
 * `pointSchema` (batch/*.ts), so that every bad point is reported, not only the first.
 */
import { z } from "zod";

export const precisionSchema = z.enum(["ns", "us", "ms", "s"]);

export const writeQuerySchema = z
  .object({
    /** Timestamp unit of a line-protocol body; ns by default, as InfluxDB's /write. */
    precision: precisionSchema.default("ns").describe("Timestamp unit of a line-protocol body"),
  })
  .strict();

/** The JSON envelope; each element of `points` is validated separately against `pointSchema`. */
export const jsonBatchSchema = z
  .object({
    points: z.array(z.unknown()).describe("Points, each { measurement, tags, fields, time }"),
  })
  .strict();

/** One problem of a rejected batch: which point, where in it, and why. */
export const batchProblemSchema = z.object({
  /** 0-based position of the point in the batch (absent for a problem of the whole body). */
  index: z.number().int().optional(),
  /** 1-based line of the body, for line protocol. */
  line: z.number().int().optional(),
  /** e.g. `points.3.fields.power_w` (JSON) or `tags.device` (line protocol, with `line`). */
  path: z.string(),
  message: z.string(),
});
export type BatchProblem = z.infer<typeof batchProblemSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().regex(/^JISR_ERR_[A-Z_]+$/),
    message: z.string(),
    problems: z.array(batchProblemSchema).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
