/**
 * Institutions (under /api/v1): those the user may see, and one institution's page. Another
 * institution's summary is 403 (access.ts), checked before anything is read.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { z } from "zod";
import { energyReport } from "../../data/energy.js";
import { institutionJson, institutionSummary, periodsAt } from "../../data/summary.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import { errorResponses } from "../../schemas/common.js";
import { type EnergyQuery, energyQuerySchema } from "../../schemas/energy.js";
import { institutionListSchema, institutionParamsSchema, summarySchema } from "../../schemas/institutions.js";
import { openAlertCounts } from "../alerts/counts.js";

const idParam = (request: FastifyRequest) => (request.params as z.output<typeof institutionParamsSchema>).id;

const institutionRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    "/institutions",
    {
      schema: { response: { 200: institutionListSchema, ...errorResponses } },
      config: { access: { roles: ALL_ROLES, action: "list institutions" } },
    },
    async (request) => {
      const visible = new Set(request.scope());
      return { institutions: app.web.directory.all.filter((i) => visible.has(i.id)).map(institutionJson) };
    },
  );

  app.get(
    "/institutions/:id/summary",
    {
      schema: { params: institutionParamsSchema, response: { 200: summarySchema, ...errorResponses } },
      config: { access: { roles: ALL_ROLES, action: "see an institution", institution: idParam } },
    },
    async (request) => {
      const id = idParam(request);
      const inst = app.web.directory.get(id);
      // access.ts has already answered 404 for an unknown id; this narrows the type.
      if (!inst) throw new Error(`institution ${id} vanished`);
      const counts = await openAlertCounts(app.web.alerts, [id], request.log);
      return institutionSummary(
        app.web.store,
        app.web.directory,
        inst,
        app.web.clock(),
        counts?.get(id) ?? null,
      );
    },
  );

  // Where the energy goes over a day, week, month or year, against the previous period, the same
  // period last year and the clear-sky yield (data/energy.ts).
  app.get(
    "/institutions/:id/energy",
    {
      schema: {
        params: institutionParamsSchema,
        querystring: energyQuerySchema,
        response: { ...errorResponses },
      },
      config: { access: { roles: ALL_ROLES, action: "see an institution", institution: idParam } },
    },
    async (request) => {
      const id = idParam(request);
      const inst = app.web.directory.get(id);
      if (!inst) throw new Error(`institution ${id} vanished`);
      const q = request.query as EnergyQuery;
      const tz = app.web.directory.timeZone;
      const now = app.web.clock();
      const day = q.date ?? periodsAt(now, tz).today;
      return energyReport(app.web.store, inst, q.period, day, tz, now);
    },
  );
};

export default institutionRoutes;
