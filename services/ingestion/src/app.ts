/**
 * The ingestion app, without listening (server.ts listens; tests use `app.inject`). Parts are registered
 * in order, each with why it comes where it does.
 */
import type { Store } from "@jisr/core/store";
import {
  type HttpLimits,
  httpServerOptions,
  DEFAULT_HTTP_LIMITS as KIT_HTTP_LIMITS,
  resolveHttpLimits,
  zodCompilers,
} from "@jisr/service-kit";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { DEFAULT_GROUP_COMMIT, type GroupCommitOptions } from "./batch/group-commit.js";
import { DEFAULT_MAX_FIELDS, DEFAULT_MAX_TAGS } from "./batch/point.js";
import { ERR } from "./errors.js";
import auth from "./plugins/app/auth.js";
import body from "./plugins/app/body.js";
import errorHandler from "./plugins/app/error-handler.js";
import storePlugin from "./plugins/app/store.js";
import summary, { DEFAULT_SUMMARY_INTERVAL_S } from "./plugins/app/summary.js";
import tenancy from "./plugins/app/tenancy.js";
import healthRoutes from "./routes/health/index.js";
import writeRoutes from "./routes/write/index.js";

export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** The kit's HTTP limits, but 25 s for a whole request: a batch body may be up to 10 MiB. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  ...KIT_HTTP_LIMITS,
  requestTimeoutMs: 25_000,
});
export const DEFAULT_MAX_POINTS = 50_000;
export {
  DEFAULT_GROUP_COMMIT,
  DEFAULT_MAX_FIELDS,
  DEFAULT_MAX_TAGS,
  DEFAULT_SUMMARY_INTERVAL_S,
  type GroupCommitOptions,
  type HttpLimits,
};

export interface AppOptions {
  store: Store;
  /** JSON file of token hashes (see schemas/tokens.ts); re-read when it changes. */
  tokensFile: string;
  /** Largest accepted body, after gzip decompression; default 10 MiB. */
  bodyLimitBytes?: number;
  /** Most points in one batch; default 50 000. */
  maxPoints?: number;
  /** Most fields in one point; default 500. */
  maxFields?: number;
  /** Most tags in one point, as sent; default 32. */
  maxTags?: number;
  /** Timeouts and the connection cap of the HTTP server (the kit's http-limits.ts); each defaults on its own. */
  http?: Partial<HttpLimits>;
  /** A pino logger to log to, true for Fastify's default one, false for none (the default). */
  logger?: Logger | boolean;
  /** Group commit window, group size and the cap on points held (batch/group-commit.ts). */
  groupCommit?: Partial<GroupCommitOptions>;
  /** Milliseconds between two `info` summaries of the writes (0: none); default 60 s. */
  summaryIntervalMs?: number;
  /** How often the tokens file is checked for changes; default 1000 ms. */
  tokensPollMs?: number;
}

/** Tokens never reach a log line, even when a debug serializer logs the headers. */
const REDACT = { paths: ["req.headers.authorization"], censor: "[redacted]" };

function loggerOptions(logger: Logger | boolean | undefined) {
  if (typeof logger === "object") {
    return { loggerInstance: logger.child({ component: "ingestion" }, { redact: REDACT }) };
  }
  return { logger: logger === true ? { redact: REDACT } : false };
}

/** What Node's HTTP parser refuses, answered with entries of the ingestion's own catalogue. */
const CLIENT_ERRORS = {
  requestTimeout: ERR.REQUEST_TIMEOUT,
  headersTooLarge: ERR.HEADERS_TOO_LARGE,
  badRequest: ERR.BAD_HTTP_REQUEST,
};

/** A flood of connections beyond the cap logs at most once per 10 s, with how many were refused since. */
function logDrops(app: FastifyInstance): void {
  let dropped = 0;
  let quietUntil = 0;
  app.server.on("drop", () => {
    dropped++;
    const now = Date.now();
    if (now < quietUntil) return;
    app.log.warn(
      { dropped, maxConnections: app.server.maxConnections },
      "Connections refused: too many open at once",
    );
    dropped = 0;
    quietUntil = now + 10_000;
  });
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  // The cast only widens pino's Logger type to FastifyBaseLogger, which every plugin here is written for.
  const limits = resolveHttpLimits(opts.http, DEFAULT_HTTP_LIMITS);
  const app = Fastify({
    bodyLimit: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Answers 408/431/400 from Node's HTTP parser with a JISR_ERR_* body; logs with the app's logger.
    ...httpServerOptions(limits, CLIENT_ERRORS),
    // Fastify's two `info` lines per request would be most of the log (and of the CPU) at fleet scale:
    // plugins/app/summary.ts logs each write at debug and a summary per interval at info.
    logController: new LogController({ disableRequestLogging: true }),
    ...loggerOptions(opts.logger),
  }) as unknown as FastifyInstance;
  // Node closes connections beyond the cap as soon as they are accepted (the `drop` event).
  app.server.maxConnections = limits.maxConnections;
  logDrops(app);

  // Before the error handler, which names the code of each refusal for the summary.
  await app.register(summary, { intervalMs: opts.summaryIntervalMs ?? DEFAULT_SUMMARY_INTERVAL_S * 1000 });
  // First, so that an error anywhere below, even while parsing a body, leaves as a JISR_ERR_* body.
  await app.register(errorHandler);
  // Before any route: routes declare zod schemas, compiled when the route is added.
  await app.register(zodCompilers);
  // Before parsing: gzip bodies are inflated (and bounded) on their way to the JSON/text parsers.
  await app.register(body);
  // Decorators the routes rely on: the store, then auth (reads the tokens file, fails the boot if it is
  // missing or invalid), then tenancy, which needs the institution that auth sets.
  await app.register(storePlugin, { store: opts.store, groupCommit: opts.groupCommit });
  await app.register(auth, { tokensFile: opts.tokensFile, tokensPollMs: opts.tokensPollMs });
  await app.register(tenancy);
  // Routes last, so every plugin above applies to them.
  await app.register(healthRoutes);
  await app.register(writeRoutes, {
    prefix: "/api/v1",
    maxPoints: opts.maxPoints ?? DEFAULT_MAX_POINTS,
    pointLimits: {
      maxFields: opts.maxFields ?? DEFAULT_MAX_FIELDS,
      maxTags: opts.maxTags ?? DEFAULT_MAX_TAGS,
    },
  });

  await app.ready();
  return app;
}
