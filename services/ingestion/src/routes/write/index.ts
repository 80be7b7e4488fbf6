/**
 * POST /write (under /api/v1): a batch of readings, as JSON `{ "points": [...] }` or as InfluxDB line
 * protocol (text/plain), possibly gzipped. The whole batch is checked before anything is written: one bad
 * point refuses the batch (400, every problem listed), one point of another institution too (403).
 */
import { type Point, sealCheckedPoint } from "@jisr/core";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { z } from "zod";
import { fastJsonWire, fastLineBatch } from "../../batch/fast.js";
import { fastLineBytes } from "../../batch/fast-bytes.js";
import { fastJsonBytes } from "../../batch/fast-json-bytes.js";
import { decodeJsonBatch } from "../../batch/json.js";
import { decodeLineBatch } from "../../batch/line-protocol.js";
import type { DecodedBatch, PointLimits } from "../../batch/point.js";
import { isWireBatch, type WireBatch, wireOfEncoded } from "../../batch/wire.js";
import { ERR } from "../../errors.js";
import { jsonBodyParser } from "../../plugins/app/body.js";
import { errorBodySchema, writeQuerySchema } from "../../schemas/write.js";

export interface WriteRouteOptions {
  maxPoints: number;
  pointLimits: PointLimits;
}

function isJson(request: FastifyRequest): boolean {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/json";
}

/** A line-protocol body comes as bytes (plugins/app/body.ts); the text paths read it decoded, once. */
function lineText(request: FastifyRequest): string | undefined {
  if (Buffer.isBuffer(request.body)) request.body = request.body.toString("utf8");
  return typeof request.body === "string" ? request.body : undefined;
}

function decode(request: FastifyRequest, opts: WriteRouteOptions, receivedAt: number): DecodedBatch {
  const { precision } = request.query as z.output<typeof writeQuerySchema>;
  if (isJson(request)) return decodeJsonBatch(request.body, opts.maxPoints, opts.pointLimits);
  const text = lineText(request);
  if (text === undefined) throw ERR.EMPTY_BATCH();
  return decodeLineBatch(text, precision, opts.maxPoints, receivedAt, opts.pointLimits);
}

/**
 * The fast paths: the batch checked, claimed and made into bytes for the store, or undefined for the
 * reference path. Line protocol: on the body's bytes (batch/fast-bytes.ts), else on its text (for what
 * is not ASCII, batch/fast.ts); JSON: on the body's bytes before the handler (`jsonBody`), else
 * batch/fast.ts on the parsed body, made into bytes at once.
 */
function fastDecode(
  request: FastifyRequest,
  opts: WriteRouteOptions,
  receivedAt: number,
): WireBatch | undefined {
  const { maxPoints, pointLimits } = opts;
  const institution = request.institution;
  if (isJson(request)) {
    if (isWireBatch(request.body)) return request.body;
    return fastJsonWire(request.body, maxPoints, pointLimits, institution);
  }
  const { precision } = request.query as z.output<typeof writeQuerySchema>;
  if (Buffer.isBuffer(request.body)) {
    // The request's pooled buffer, if any, takes the lines when something is injected (no new buffer).
    const room = request.pooledBody;
    const wire = fastLineBytes(
      request.body,
      precision,
      maxPoints,
      receivedAt,
      pointLimits,
      institution,
      room,
    );
    if (wire) return wire;
  }
  const text = lineText(request);
  if (text === undefined) return undefined;
  const encoded = fastLineBatch(text, precision, maxPoints, receivedAt, pointLimits, institution);
  return encoded && wireOfEncoded(encoded);
}

/** The reference path: every problem of every point, worded by zod and the rules of batch/point.ts. */
function referenceDecode(request: FastifyRequest, opts: WriteRouteOptions, receivedAt: number): Point[] {
  const batch = decode(request, opts, receivedAt);
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
  const parseJson = jsonBodyParser(app);
  /**
   * A JSON body comes as bytes (plugins/app/body.ts): checked on them and made into line protocol
   * (batch/fast-json-bytes.ts), or, when that scan gives up, parsed by Fastify's JSON parser as it was
   * before the scan. Before validation, where the body used to be parsed: a request with a bad body and
   * a bad query string is answered as before.
   */
  const jsonBody = async (request: FastifyRequest) => {
    if (!isJson(request) || !Buffer.isBuffer(request.body)) return;
    const { maxPoints, pointLimits } = opts;
    const wire = fastJsonBytes(request.body, maxPoints, pointLimits, request.institution);
    request.body = wire ?? (await parseJson(request, request.body));
  };
  app.post(
    "/write",
    { schema, onRequest: app.authenticate, preValidation: jsonBody },
    async (request, reply) => {
      // One time for the points sent without one, whichever path decides.
      const receivedAt = Date.now();
      const fast = fastDecode(request, opts, receivedAt);
      if (fast) {
        request.batchPoints = fast.count;
        // The lines are all that is needed now: a parsed JSON body (thousands of objects) let go at once dies
        // young instead of being promoted while the request waits for its group.
        request.body = undefined;
        // Answered only once the group holding these points is written (or refused: 503/400 for this request).
        await app.commit.submit(fast);
      } else {
        // Every point passed zod's pointSchema and names the token's institution: sealed, so the store does
        // not run the same checks again.
        await app.commit.submit(referenceDecode(request, opts, receivedAt).map(sealCheckedPoint));
      }
      return reply.code(204).send();
    },
  );
};

export default writeRoutes;
