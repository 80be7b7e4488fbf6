/**
 * Alerts (under /api/v1): the list with filters, one alert, its acknowledgement, and the history for
 * reports. A token sees the institutions it covers only; another institution's alert is "not found"
 * (not "forbidden"), so ids do not tell what exists elsewhere.
 */
import { localDay } from "@jisr/core";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { z } from "zod";
import { historyByRule, historyStats } from "../../engine/history.js";
import { inhibiting } from "../../engine/inhibit.js";
import type { Alert } from "../../engine/types.js";
import { ERR } from "../../errors.js";
import {
  ackBodySchema,
  alertListSchema,
  alertParamsSchema,
  alertSchema,
  alertsQuerySchema,
} from "../../schemas/alerts.js";
import { errorResponses, iso } from "../../schemas/common.js";
import { historyQuerySchema, historySchema } from "../../schemas/history.js";
import { presentAlert } from "./present.js";

export interface AlertRoutesOptions {
  /** Zone of the days in history queries. */
  timeZone: string;
}

const DAY_MS = 86_400_000;

/** The state and severity filters, for the alerts of a firing period (listAlerts applies them in SQL). */
function matches(a: Alert, q: z.output<typeof alertsQuerySchema>): boolean {
  const state = q.state === "open" ? a.state !== "resolved" : q.state === undefined || a.state === q.state;
  return state && (q.severity === undefined || a.severity === q.severity);
}

/** A day means its local midnight (the next one for an end); an instant is taken as given. */
function instantOf(text: string, timeZone: string, end: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = localDay(text, timeZone);
    return end ? day.to : day.from;
  }
  return Date.parse(text);
}

const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, opts) => {
  /** Shows an alert as now, with what silences or inhibits it. */
  const present = (alerts: readonly Alert[], lang?: Parameters<typeof presentAlert>[3]) => {
    const now = app.clock();
    const silences = app.alerts.listSilences(now);
    const open = app.inhibitRules.length > 0 ? app.alerts.openAlerts() : [];
    return alerts.map((a) => {
      const inhibitor = open.length > 0 ? inhibiting(a, open, app.inhibitRules) : undefined;
      return presentAlert(a, silences, now, lang, inhibitor?.id ?? null);
    });
  };

  const visible = (request: FastifyRequest, id: string) => {
    const alert = app.alerts.getAlert(id);
    if (!alert || !request.mayAccess(alert.institution)) throw ERR.ALERT_NOT_FOUND(id);
    return alert;
  };

  app.get(
    "/alerts",
    {
      schema: { querystring: alertsQuerySchema, response: { 200: alertListSchema, ...errorResponses } },
      onRequest: app.authenticate,
    },
    async (request) => {
      const q = request.query as z.output<typeof alertsQuerySchema>;
      const asked = q.institution ? [q.institution, ...(q.institutions ?? [])] : q.institutions;
      for (const id of asked ?? []) request.requireAccess(id);
      const institutions = asked ?? request.institutionScope();
      if (q.fired_from !== undefined && q.fired_to !== undefined) {
        const fired = app.alerts
          .firedBetween(Date.parse(q.fired_from), Date.parse(q.fired_to), institutions)
          .filter((a) => matches(a, q));
        return { alerts: present(fired, q.lang) };
      }
      const alerts = app.alerts.listAlerts({
        institutions,
        state: q.state,
        severity: q.severity,
        limit: q.limit,
      });
      return { alerts: present(alerts, q.lang) };
    },
  );

  app.get(
    "/alerts/history",
    {
      schema: { querystring: historyQuerySchema, response: { 200: historySchema, ...errorResponses } },
      onRequest: app.authenticate,
    },
    async (request) => {
      const q = request.query as z.output<typeof historyQuerySchema>;
      if (q.institution) request.requireAccess(q.institution);
      const to = q.to === undefined ? app.clock() : instantOf(q.to, opts.timeZone, true);
      const from = q.from === undefined ? to - 30 * DAY_MS : instantOf(q.from, opts.timeZone, false);
      if (!(from < to)) {
        const error = ERR.INVALID_REQUEST("The querystring");
        error.problems = [{ path: "querystring.from", message: "must be before to" }];
        throw error;
      }
      const institutions = q.institution ? [q.institution] : request.institutionScope();
      const alerts = app.alerts.firedBetween(from, to, institutions);
      return {
        institution: q.institution ?? null,
        from: iso(from),
        to: iso(to),
        ...historyStats(alerts),
        per_rule: historyByRule(alerts),
      };
    },
  );

  app.get(
    "/alerts/:id",
    {
      schema: { params: alertParamsSchema, response: { 200: alertSchema, ...errorResponses } },
      onRequest: app.authenticate,
    },
    async (request) => {
      const { id } = request.params as z.output<typeof alertParamsSchema>;
      return present([visible(request, id)])[0];
    },
  );

  app.post(
    "/alerts/:id/ack",
    {
      schema: {
        params: alertParamsSchema,
        body: ackBodySchema,
        response: { 200: alertSchema, ...errorResponses },
      },
      onRequest: app.authenticate,
    },
    async (request) => {
      const { id } = request.params as z.output<typeof alertParamsSchema>;
      const { comment, by } = request.body as z.output<typeof ackBodySchema>;
      if (by !== undefined && !request.apiUser.onBehalf) throw ERR.FORBIDDEN_ON_BEHALF();
      const alert = visible(request, id);
      if (alert.state === "resolved") throw ERR.ALERT_RESOLVED(id);
      const now = app.clock();
      // A service acting for its users names the person; their access was checked by that service.
      const who = by ?? request.apiUser.name;
      const acked = app.alerts.acknowledge(id, { by: who, at: now, comment }) ?? alert;
      request.log.info({ alert: id, by: who, token_user: request.apiUser.name }, "Alert acknowledged");
      return present([acked])[0];
    },
  );
};

export default alertRoutes;
