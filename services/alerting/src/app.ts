/**
 * The alerting API, without listening (service.ts listens; tests use `app.inject`). Parts are registered
 * in order, each with why it comes where it does (fastify/demo's app.ts).
 */
import { errorHandler, zodCompilers } from "@jisr/service-kit";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ApiTokenConfig } from "./config/schema.js";
import type { InhibitRule } from "./engine/inhibit.js";
import { ERR } from "./errors.js";
import auth from "./plugins/app/auth.js";
import { toJisrError } from "./plugins/app/error-handler.js";
import state from "./plugins/app/state.js";
import alertRoutes from "./routes/alerts/index.js";
import healthRoutes from "./routes/health/index.js";
import silenceRoutes from "./routes/silences/index.js";
import type { AlertStore } from "./store/alert-store.js";

export interface AppOptions {
  alerts: AlertStore;
  tokens: readonly ApiTokenConfig[];
  /** To show which alert inhibits which (config inhibit_rules); none by default. */
  inhibitRules?: readonly InhibitRule[];
  /** Zone of the days in history queries; default Africa/Casablanca. */
  timeZone?: string;
  /** Epoch ms; Date.now by default. */
  clock?: () => number;
  /** A pino logger, or false for none (the default). */
  logger?: Logger | false;
}

/** Tokens never reach a log line, even when a debug serializer logs the headers. */
const REDACT = { paths: ["req.headers.authorization"], censor: "[redacted]" };

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const logging = opts.logger
    ? { loggerInstance: opts.logger.child({ component: "alerting-api" }, { redact: REDACT }) }
    : { logger: false };
  // The cast only widens pino's Logger type to FastifyBaseLogger, which every plugin here is written for.
  const app = Fastify({ bodyLimit: 64 * 1024, ...logging }) as unknown as FastifyInstance;

  // First, so that an error anywhere below, even while parsing a body, leaves as a JISR_ERR_* body.
  await app.register(errorHandler, { toError: toJisrError, notFound: ERR.NOT_FOUND });
  // Before any route: routes declare zod schemas, compiled when the route is added.
  await app.register(zodCompilers);
  // Decorators the routes rely on: the state file and clock, then who may do what.
  await app.register(state, {
    alerts: opts.alerts,
    clock: opts.clock ?? Date.now,
    inhibitRules: opts.inhibitRules ?? [],
  });
  await app.register(auth, { tokens: opts.tokens });
  // Routes last, so every plugin above applies to them.
  await app.register(healthRoutes);
  await app.register(alertRoutes, { prefix: "/api/v1", timeZone: opts.timeZone ?? "Africa/Casablanca" });
  await app.register(silenceRoutes, { prefix: "/api/v1" });

  await app.ready();
  return app;
}
