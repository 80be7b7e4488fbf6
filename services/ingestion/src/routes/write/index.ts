/**
 * POST /write (under /api/v1): a batch of readings, as JSON `{ "points": [...] }` or as InfluxDB line
 * protocol (text/plain), possibly gzipped. The whole batch is checked before anything is written: one bad
 * point refuses the batch (400, every problem listed), one point of another institution too (403).
 */
import { type Point, sealCheckedPoint } from "@jisr/core/point";
import type { EncodedBatch } from "@jisr/core/store/encoded";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { z } from "zod";
import { fastJsonBatch, fastLineBatch } from "../../batch/fast.js";
import { decodeJsonBatch } from "../../batch/json.js";
import { decodeLineBatch } from "../../batch/line-protocol.js";
import type { DecodedBatch, PointLimits } from "../../batch/point.js";
import { ERR } from "../../errors.js";
import { errorBodySchema, writeQuerySchema } from "../../schemas/write.js";

export interface WriteRouteOptions {
  maxPoints: number;
  pointLimits: PointLimits;
}

function isJson(request: FastifyRequest): boolean {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/json";
}

function decode(request: FastifyRequest, opts: WriteRouteOptions): DecodedBatch {
  const { precision } = request.query as z.output<typeof writeQuerySchema>;
  if (isJson(request)) return decodeJsonBatch(request.body, opts.maxPoints, opts.pointLimits);
  if (typeof request.body !== "string") throw ERR.EMPTY_BATCH();
  return decodeLineBatch(request.body, precision, opts.maxPoints, Date.now(), opts.pointLimits);
}

/** The fast path (batch/fast.ts): the batch claimed and encoded, or undefined for the reference path. */
function fastDecode(request: FastifyRequest, opts: WriteRouteOptions): EncodedBatch | undefined {
  const { maxPoints, pointLimits } = opts;
  if (isJson(request)) return fastJsonBatch(request.body, maxPoints, pointLimits, request.institution);
  if (typeof request.body !== "string") return undefined;
  const { precision } = request.query as z.output<typeof writeQuerySchema>;
  return fastLineBatch(request.body, precision, maxPoints, Date.now(), pointLimits, request.institution);
}

/** The reference path: every problem of every point, worded by zod and the rules of batch/point.ts. */
function referenceDecode(request: FastifyRequest, opts: WriteRouteOptions): Point[] {
  const batch = decode(request, opts);
  request.batchPoints = batch.total;
  if (batch.total === 0) throw ERR.EMPTY_BATCH();
  if (batch.bad > 0) {
    const error = ERR.INVALID_BATCH(batch.bad, batch.total);
    error.problems = batch.problems;
    throw error;
  }
  const lines = batch.lines;
  const where = lines ? (i: number) => ({ line: lines[i], path: "tags.institution" }) : undefined;
  return request.claimPoints(batch.points, where);
}

const writeRoutes: FastifyPluginAsync<WriteRouteOptions> = async (app, opts) => {
  const schema = {
    querystring: writeQuerySchema,
    response: { "4xx": errorBodySchema, "5xx": errorBodySchema },
  };
  app.post("/write", { schema, onRequest: app.authenticate }, async (request, reply) => {
    const fast = fastDecode(request, opts);
    if (fast) {
      request.batchPoints = fast.lines.length;
      // The lines are all that is needed now: a parsed JSON body (thousands of objects) let go at once dies
      // young instead of being promoted while the request waits for its group.
      request.body = undefined;
      // Answered only once the group holding these points is written (or refused: 503/400 for this request).
      await app.commit.submit(fast);
    } else {
      // Every point passed zod's pointSchema and names the token's institution: sealed, so the store does
      // not run the same checks again.
      await app.commit.submit(referenceDecode(request, opts).map(sealCheckedPoint));
    }
    return reply.code(204).send();
  });
};

export default writeRoutes;
