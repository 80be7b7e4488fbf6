/**
 * Alerts (under /api/v1), asked of the alerting service's API (the one process that owns the alert
 * state): the list, scoped to the user's institutions, and the acknowledgement, for technicians and the
 * ministry, recorded by the alerting service with the person's name. Asking for another institution's
 * alerts, or acknowledging one of them, is 403. When the alerting service does not answer, 503 saying so
 * (the page shows it in the alerts view; counts elsewhere read as unknown).
 */

import {
  AlertingApiError,
  type AlertingClient,
  AlertingUnavailableError,
  type AlertJson,
} from "@jisr/alerting";
import { formatLocal } from "@jisr/core";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Directory } from "../../data/directory.js";
import { ERR } from "../../errors.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import {
  ackBodySchema,
  alertParamsSchema,
  alertsQuerySchema,
  webAlertListSchema,
  webAlertSchema,
} from "../../schemas/alerts.js";
import { errorResponses, iso } from "../../schemas/common.js";
import { alertText, deviceName } from "./text.js";

type AlertsQuery = z.output<typeof alertsQuerySchema>;

/**
 * The alerting service's presentation, plus the start and end in local time, the device's name, and
 * texts whose devices and figures read as on the rest of the page (text.ts).
 */
function present(a: AlertJson, directory: Directory, lang?: AlertsQuery["lang"]) {
  const inst = directory.get(a.institution);
  return {
    ...a,
    ...(lang ? { text: alertText(a, inst, lang), device_name: deviceName(inst, a.device, lang) } : {}),
    since_local: formatLocal(Date.parse(a.firing_since ?? a.active_since), directory.timeZone),
    resolved_local:
      a.resolved_at === null ? null : formatLocal(Date.parse(a.resolved_at), directory.timeZone),
  };
}

/** What the alerting service said, in the page's error catalogue. */
function translated(err: unknown, id?: string): unknown {
  if (err instanceof AlertingUnavailableError) return ERR.ALERTS_UNAVAILABLE(err.message);
  if (err instanceof AlertingApiError) {
    if (id !== undefined && err.statusCode === 404) return ERR.ALERT_NOT_FOUND(id);
    if (id !== undefined && err.statusCode === 409) return ERR.ALERT_RESOLVED(id);
    // 401/403/400 from alerting: the page's token or version is wrong, not the user's request.
    return ERR.ALERTS_UNAVAILABLE(
      `the alerting service refused the page's request (${err.code}: ${err.message})`,
    );
  }
  return err;
}

async function asking<T>(work: () => Promise<T>, id?: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translated(err, id);
  }
}

const alertRoutes: FastifyPluginAsync = async (app) => {
  const client = (): AlertingClient | undefined => app.web.alerts;

  app.get(
    "/alerts",
    {
      schema: { querystring: alertsQuerySchema, response: { 200: webAlertListSchema, ...errorResponses } },
      config: {
        access: {
          roles: ALL_ROLES,
          action: "see alerts",
          institution: (request: FastifyRequest) => (request.query as AlertsQuery).institution,
        },
      },
    },
    async (request) => {
      const q = request.query as AlertsQuery;
      const alerts = client();
      if (!alerts) return { alerts: [], configured: false };
      const now = app.web.clock();
      // The page's access rules first (access.ts): one institution it allowed, or the user's own scope.
      const institutions = q.institution ? [q.institution] : request.scope();
      const list = await asking(() =>
        alerts.list({
          institutions,
          ...(q.state && { state: q.state }),
          ...(q.severity && { severity: q.severity }),
          limit: q.limit,
        }),
      );
      return {
        alerts: list.map((a) => present(a, app.web.directory, q.lang)),
        configured: true,
        at: iso(now),
      };
    },
  );

  app.post(
    "/alerts/:id/ack",
    {
      schema: {
        params: alertParamsSchema,
        body: ackBodySchema,
        response: { 200: webAlertSchema, ...errorResponses },
      },
      config: { access: { roles: ["ministry", "technician"], action: "acknowledge alerts" } },
    },
    async (request) => {
      const alerts = client();
      if (!alerts) throw ERR.ALERTS_UNAVAILABLE("alerting is not configured on this server (--alerting-url)");
      const { id } = request.params as z.output<typeof alertParamsSchema>;
      const { comment } = request.body as z.output<typeof ackBodySchema>;
      const alert = await asking(() => alerts.get(id), id);
      if (!alert) throw ERR.ALERT_NOT_FOUND(id);
      request.authorize(alert.institution);
      if (alert.state === "resolved") throw ERR.ALERT_RESOLVED(id);
      const user = request.principal?.user;
      const by = user ? `${user.name} (${user.id})` : "?";
      const acked = await asking(() => alerts.acknowledge(id, { by, comment }), id);
      request.log.info({ alert: id, by: user?.id }, "Alert acknowledged");
      return present(acked, app.web.directory);
    },
  );
};

export default alertRoutes;
