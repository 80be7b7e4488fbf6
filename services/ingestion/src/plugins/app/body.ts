/**
 * Request bodies: JSON and text/plain (line protocol) are both kept as the bytes read, bounded by the
 * server's `bodyLimit`; the write route checks them on their bytes and parses a JSON body with Fastify's
 * own parser (`jsonBodyParser`) only when the byte scan gives up. Here: gzip bodies (the gateway
 * compresses its batches) are inflated before parsing, with the same limit applied to the inflated size,
 * so a small gzip bomb is refused with 413 instead of filling memory.
 */
import { isAscii } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { errorCodes, type FastifyInstance, type FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR } from "../../errors.js";
import { BodyPool } from "./body-pool.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The buffers request bodies are read into (for tests and the curious: its `stats`). */
    bodyPool: BodyPool;
  }
  interface FastifyRequest {
    /** The pooled buffer holding this request's body, given back once the answer is sent. */
    pooledBody?: Buffer;
  }
}

/** Fastify compares `receivedEncodedLength` with Content-Length once the body is read. */
type Inflated = Transform & { receivedEncodedLength: number };

export function inflateLimited(source: IncomingMessage | NodeJS.ReadableStream, limit: number): Inflated {
  const gunzip = createGunzip();
  let inflated = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      if (inflated > limit) callback(ERR.BODY_TOO_LARGE(limit));
      else callback(null, chunk);
    },
  }) as Inflated;
  limiter.receivedEncodedLength = 0;
  source.on("data", (chunk: Buffer) => {
    limiter.receivedEncodedLength += chunk.length;
  });
  // pipe(), not pipeline(): on failure the request stream must stay open so the 4xx answer can be sent.
  const release = () => {
    source.unpipe(gunzip);
    gunzip.destroy();
    source.resume(); // discard the rest of the body
  };
  gunzip.on("error", (err) => limiter.destroy(ERR.BAD_GZIP(err.message)));
  limiter.on("error", release);
  source.pipe(gunzip).pipe(limiter);
  return limiter;
}

/**
 * Fastify's own JSON parser, as the app is configured: the same answers as before the byte scan to an
 * empty body, bad JSON, `__proto__` and `constructor` keys. It is given the text decoded as Latin-1
 * when every byte is ASCII (the same text, decoded in half the time of UTF-8 on Node 20, measured on
 * 5 000-point batches), as UTF-8 otherwise.
 */
export function jsonBodyParser(
  app: FastifyInstance,
): (request: FastifyRequest, body: Buffer) => Promise<unknown> {
  const json = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? "error",
    app.initialConfig.onConstructorPoisoning ?? "error",
  );
  return (request, body) =>
    new Promise((resolve, reject) =>
      json(request, body.toString(isAscii(body) ? "latin1" : "utf8"), (err, value) =>
        err ? reject(err) : resolve(value),
      ),
    );
}

type Done = (err: Error | null, body?: Buffer) => void;

/**
 * Reads a body as Fastify's `parseAs: "buffer"` does (the route's body limit, 413 as soon as it is
 * passed, 400 when fewer bytes came than Content-Length said or the stream failed), into a buffer of
 * `pool` when the length is known in advance (not gzip: the inflated size is not), else into a fresh one.
 * Why not Fastify's own: it gathers the chunks and copies them into a new buffer for every request,
 * and those megabytes were what its garbage collector worked on (see body-pool.ts).
 */
export function readBody(
  pool: BodyPool,
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  done: Done,
) {
  const limit = request.routeOptions.bodyLimit;
  const contentLength = Number(request.headers["content-length"]);
  if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  const stream = payload as NodeJS.ReadableStream & { receivedEncodedLength?: number };
  // A gzip body arrives inflated (inflateLimited): its size is known only at the end.
  const pooled =
    stream.receivedEncodedLength === undefined && Number.isInteger(contentLength)
      ? pool.acquire(contentLength)
      : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  const finish = () => {
    stream.removeListener("data", onData);
    stream.removeListener("end", onEnd);
    stream.removeListener("error", onEnd);
  };
  const fail = (err: Error) => {
    finish();
    if (pooled) pool.release(pooled);
    done(err);
  };
  function onData(chunk: Buffer | string) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    const at = received;
    received += bytes.length;
    if (received > limit || (stream.receivedEncodedLength ?? 0) > limit) {
      fail(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    // Node's parser never hands more than Content-Length bytes; checked anyway before writing.
    if (pooled && received <= contentLength) bytes.copy(pooled, at);
    else chunks.push(bytes);
  }
  function onEnd(err?: Error & { statusCode?: number }) {
    if (err != null) {
      if (!(typeof err.statusCode === "number" && err.statusCode >= 400)) err.statusCode = 400;
      return fail(err);
    }
    finish();
    if (!Number.isNaN(contentLength) && (stream.receivedEncodedLength || received) !== contentLength) {
      if (pooled) pool.release(pooled);
      return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    }
    if (pooled) {
      request.pooledBody = pooled;
      return done(null, pooled.subarray(0, received));
    }
    done(null, Buffer.concat(chunks, received));
  }
  stream.on("data", onData);
  stream.on("end", onEnd);
  stream.on("error", onEnd);
  stream.resume();
}

export interface BodyOptions {
  /** Bytes of body buffers kept for reuse; default DEFAULT_POOL_BYTES. */
  poolBytes?: number;
}

export default fp<BodyOptions>(
  async (app: FastifyInstance, opts) => {
    const pool = new BodyPool(opts.poolBytes);
    app.decorateRequest("pooledBody", undefined);
    app.decorate("bodyPool", pool);
    const read = (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done) =>
      readBody(pool, request, payload, done);
    // Line protocol is checked on its bytes and forwarded as them (batch/fast-bytes.ts): the body stays
    // the bytes read (bounded by bodyLimit as before); the route decodes it only when needed.
    app.removeContentTypeParser("text/plain");
    app.addContentTypeParser("text/plain", read);
    // JSON too: the write route scans the bytes (batch/fast-json-bytes.ts) and parses them with
    // `jsonBodyParser` only when the scan gives up. Decoding the text and JSON.parse were 0.21 of the
    // 0.49 CPU s per 100k points the JSON path took before the scan, which needs neither (issue 11).
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", read);
    // After the answer: the write route answers only once its points are written or refused, so nothing
    // reads the body's bytes any more (a request whose answer never leaves keeps its buffer: collected).
    app.addHook("onResponse", async (request) => {
      const pooled = request.pooledBody;
      if (pooled === undefined) return;
      request.pooledBody = undefined;
      pool.release(pooled);
    });
    app.addHook("preParsing", async (request, _reply, payload) => {
      const encoding = (request.headers["content-encoding"] ?? "identity").trim().toLowerCase();
      if (encoding === "identity" || encoding === "") return payload;
      if (encoding !== "gzip" && encoding !== "x-gzip") throw ERR.UNSUPPORTED_ENCODING(encoding);
      return inflateLimited(payload, app.initialConfig.bodyLimit ?? 1024 * 1024);
    });
  },
  { name: "jisr-ingestion-body" },
);
