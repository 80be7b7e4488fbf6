/**
 * Alerts (under /api/v1), read from the alerting service's state file with its own functions
 * (AlertStore, presentAlert): the list, scoped to the user's institutions, and the acknowledgement, for
 * technicians and the ministry. Asking for another institution's alerts, or acknowledging one of them,
 * is 403.
 */

import type { Alert, Silence } from "@jisr/alerting/engine/types";
import { presentAlert } from "@jisr/alerting/routes/alerts/present";
import { formatLocal } from "@jisr/core/time/local-time";
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
function present(
  a: Alert,
  silences: readonly Silence[],
  now: number,
  directory: Directory,
  lang?: AlertsQuery["lang"],
) {
  const inst = directory.get(a.institution);
  return {
    ...presentAlert(a, silences, now, lang),
    ...(lang ? { text: alertText(a, inst, lang), device_name: deviceName(inst, a.device, lang) } : {}),
    since_local: formatLocal(a.firingSince ?? a.activeSince, directory.timeZone),
    resolved_local: a.resolvedAt === null ? null : formatLocal(a.resolvedAt, directory.timeZone),
  };
}

const alertRoutes: FastifyPluginAsync = async (app) => {
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
      const alerts = app.web.alerts;
      if (!alerts) return { alerts: [], configured: false };
      const now = app.web.clock();
      const silences = alerts.listSilences(now);
      const institutions = q.institution ? [q.institution] : request.scope();
      const list = alerts.listAlerts({ institutions, state: q.state, severity: q.severity, limit: q.limit });
      return {
        alerts: list.map((a) => present(a, silences, now, app.web.directory, q.lang)),
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
      const alerts = app.web.alerts;
      if (!alerts) throw ERR.ALERTS_UNAVAILABLE();
      const { id } = request.params as z.output<typeof alertParamsSchema>;
      const { comment } = request.body as z.output<typeof ackBodySchema>;
      const alert = alerts.getAlert(id);
      if (!alert) throw ERR.ALERT_NOT_FOUND(id);
      request.authorize(alert.institution);
      if (alert.state === "resolved") throw ERR.ALERT_RESOLVED(id);
      const user = request.principal?.user;
      const now = app.web.clock();
      const by = user ? `${user.name} (${user.id})` : "?";
      const acked = alerts.acknowledge(id, { by, at: now, comment }) ?? alert;
      request.log.info({ alert: id, by: user?.id }, "Alert acknowledged");
      return present(acked, alerts.listSilences(now), now, app.web.directory);
    },
  );
};

export default alertRoutes;
