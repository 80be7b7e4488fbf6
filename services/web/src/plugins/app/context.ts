/**
 * What the routes read from, decorated once: the readings Store, the institutions, the alerting API (when
 * alerting runs beside), the reports, the users and sessions, and the clock (the demo's simulated time,
 * or the tests').
 */
import type { AlertingClient } from "@jisr/alerting";
import type { Store } from "@jisr/core/store";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { SessionStore } from "../../auth/sessions.js";
import type { Directory } from "../../data/directory.js";
import type { ReportsPort } from "../../reports/port.js";
import type { UsersRegistry } from "../../users/registry.js";

export interface WebContext {
  store: Store;
  directory: Directory;
  /** The alerting service's API, when alerting runs beside (it alone owns the alert state). */
  alerts: AlertingClient | undefined;
  reports: ReportsPort | undefined;
  users: UsersRegistry;
  sessions: SessionStore;
  clock: () => number;
  /** Clock of sessions and login limits (wall time in the demo, whose data clock runs fast). */
  securityClock: () => number;
  /** Send the session cookie with Secure (behind https). */
  secureCookies: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    web: WebContext;
  }
}

export default fp<{ context: WebContext }>(
  async (app: FastifyInstance, opts) => {
    app.decorate("web", opts.context);
  },
  { name: "jisr-web-context" },
);
