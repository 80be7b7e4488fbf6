/**
 * The web app, without listening (server.ts listens; tests use `app.inject` or a real browser). Parts are
 * registered in order, each with why it comes where it does (fastify/demo's app.ts).
 */

import type { AlertingClient } from "@jisr/alerting";
import type { InstitutionsConfig } from "@jisr/analytics";
import type { Store } from "@jisr/core/store";
import {
  errorHandler,
  type HttpLimits,
  httpServerOptions,
  resolveHttpLimits,
  zodCompilers,
} from "@jisr/service-kit";
import Fastify, { type FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { SessionStore } from "./auth/sessions.js";
import { Directory, type InventoryNames } from "./data/directory.js";
import { ERR } from "./errors.js";
import access from "./plugins/app/access.js";
import auth from "./plugins/app/auth.js";
import context from "./plugins/app/context.js";
import { toWebError } from "./plugins/app/error-handler.js";
import securityHeaders from "./plugins/app/security-headers.js";
import type { ReportsPort } from "./reports/port.js";
import alertRoutes from "./routes/alerts/index.js";
import billRoutes from "./routes/bills/index.js";
import healthRoutes from "./routes/health/index.js";
import institutionRoutes from "./routes/institutions/index.js";
import programmeRoutes from "./routes/programme/index.js";
import reportRoutes from "./routes/reports/index.js";
import sessionRoutes, { type LoginLimits } from "./routes/session/index.js";
import staticRoutes from "./routes/static/index.js";
import { UsersRegistry } from "./users/registry.js";

export interface WebAppOptions {
  /** Where the readings and the analytics results are (InfluxDB or SQLite): read only. */
  store: Store;
  /** The institutions file, loaded (loadInstitutions of @jisr/analytics). */
  institutions: InstitutionsConfig;
  /** Devices' friendly names from the inventory (when started with --inventory). */
  inventoryNames?: InventoryNames;
  /** The users file (YAML, users/schema.ts); re-read when it changes. */
  usersFile: string;
  /**
   * The alerting service's API (alertingClient of @jisr/alerting), when alerting runs beside: the page
   * reads and acknowledges alerts through it, never in the alerting service's state file.
   */
  alerting?: AlertingClient;
  /** Renders reports; without it the report endpoint answers 503. */
  reports?: ReportsPort;
  /** Epoch ms; Date.now by default (the demo passes its simulated clock). */
  clock?: () => number;
  /**
   * Clock of sessions and login limits; `clock` by default. The demo passes Date.now: its sun clock runs
   * 60 times faster, and people must not be logged out after two minutes idle.
   */
  securityClock?: () => number;
  /** Mark the session cookie Secure (https). Default true; false only for plain http on localhost. */
  secureCookies?: boolean;
  /** Trust X-Forwarded-For from a reverse proxy (for the per-address login limit). Default false. */
  trustProxy?: boolean;
  /** Login attempts per id and per address (auth/login-limits.ts); DEFAULT_LOGIN_LIMITS by default. */
  loginLimits?: LoginLimits;
  /** Timeouts and the connection cap of the HTTP server (the kit's http-limits.ts); its DEFAULT_HTTP_LIMITS by default. */
  httpLimits?: Partial<HttpLimits>;
  /** Session lifetime and idle timeout, ms (defaults 12 h and 2 h). */
  sessionTtlMs?: number;
  sessionIdleMs?: number;
  /** A pino logger, or false for none (the default). */
  logger?: Logger | false;
  /** How often the users file is checked for changes; default 1000 ms. */
  usersPollMs?: number;
}

/** Credentials never reach a log line, even when a debug serializer logs the headers. */
const REDACT = { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" };

export async function buildWebApp(opts: WebAppOptions): Promise<FastifyInstance> {
  const log = opts.logger ? opts.logger.child({ component: "web" }, { redact: REDACT }) : undefined;
  // Checked here too, not only by the CLI (resolveHttpLimits says why).
  const limits = resolveHttpLimits(opts.httpLimits);
  // The cast only widens pino's Logger type to FastifyBaseLogger, which every plugin here is written for.
  const app = Fastify({
    ...httpServerOptions(limits),
    bodyLimit: 64 * 1024,
    trustProxy: opts.trustProxy ?? false,
    ...(log ? { loggerInstance: log } : { logger: false }),
  }) as unknown as FastifyInstance;
  // Beyond this many open connections Node closes new ones at once (Fastify has no option for it).
  app.server.maxConnections = limits.maxConnections;
  const clock = opts.clock ?? Date.now;
  const securityClock = opts.securityClock ?? clock;
  const directory = new Directory(opts.institutions, opts.inventoryNames);
  const users = new UsersRegistry({
    path: opts.usersFile,
    log: (log ?? pino({ level: "silent" })).child({ component: "users" }),
    institutions: directory.ids(),
    pollMs: opts.usersPollMs,
  });
  // Fails the boot if the users file is missing or invalid: better than a page nobody can log in to.
  await users.start();
  app.addHook("onClose", async () => users.stop());

  // First, so that an error anywhere below, even while parsing a body, leaves as a JISR_ERR_* body.
  await app.register(errorHandler, { toError: toWebError, notFound: ERR.NOT_FOUND });
  // Before any route: routes declare zod schemas, compiled when the route is added.
  await app.register(zodCompilers);
  await app.register(securityHeaders, { https: opts.secureCookies ?? true });
  // What the routes read from, then who is asking, then what they may see (access refuses any route
  // added after it without an access rule, so it must come before every route).
  await app.register(context, {
    context: {
      store: opts.store,
      directory,
      alerts: opts.alerting,
      reports: opts.reports,
      users,
      sessions: new SessionStore({
        clock: securityClock,
        ttlMs: opts.sessionTtlMs,
        idleMs: opts.sessionIdleMs,
      }),
      clock,
      securityClock,
      secureCookies: opts.secureCookies ?? true,
    },
  });
  await app.register(auth);
  await app.register(access);
  // Routes last, so every plugin above applies to them.
  await app.register(healthRoutes);
  await app.register(staticRoutes);
  await app.register(sessionRoutes, { prefix: "/api/v1", limits: opts.loginLimits });
  await app.register(institutionRoutes, { prefix: "/api/v1" });
  await app.register(programmeRoutes, { prefix: "/api/v1" });
  await app.register(alertRoutes, { prefix: "/api/v1" });
  await app.register(reportRoutes, { prefix: "/api/v1" });
  await app.register(billRoutes, { prefix: "/api/v1", institutions: opts.institutions });

  await app.ready();
  return app;
}
