/** Makes the alert state file, the clock and the inhibit rules available to routes. */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { InhibitRule } from "../../engine/inhibit.js";
import type { AlertStore } from "../../store/alert-store.js";

declare module "fastify" {
  interface FastifyInstance {
    alerts: AlertStore;
    /** Epoch ms; the service's clock, so tests can move time. */
    clock: () => number;
    inhibitRules: readonly InhibitRule[];
  }
}

export interface StateOptions {
  alerts: AlertStore;
  clock: () => number;
  inhibitRules: readonly InhibitRule[];
}

export default fp<StateOptions>(
  async (app: FastifyInstance, opts) => {
    app.decorate("alerts", opts.alerts);
    app.decorate("clock", opts.clock);
    app.decorate("inhibitRules", opts.inhibitRules);
  },
  { name: "jisr-alerting-state" },
);
