/**
 * Report download (under /api/v1): `GET /reports?period=2026-10&institution=ID&format=pdf&lang=ar`, the
 * same report as `jisr report`. An institution's report needs access to that institution (403 otherwise);
 * the programme's report (no institution) is the ministry's alone.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { periodsWithData } from "../../data/periods.js";
import { ERR } from "../../errors.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import { errorResponses, institutionId } from "../../schemas/common.js";
import { type ReportQuery, reportQuerySchema } from "../../schemas/reports.js";

const query = (request: FastifyRequest) => request.query as ReportQuery;

const periodsQuerySchema = z.object({ institution: institutionId.optional() }).strict();
type PeriodsQuery = z.output<typeof periodsQuerySchema>;
const periodsSchema = z.object({
  /** Months with a monthly result, newest first ("2026-11"). */
  months: z.array(z.string()),
  /** First local day with a daily result ("2026-11-05"), null before any. */
  first_day: z.string().nullable(),
});

const reportRoutes: FastifyPluginAsync = async (app) => {
  // The periods that have data, so the page offers no report of an empty period.
  app.get(
    "/reports/periods",
    {
      schema: { querystring: periodsQuerySchema, response: { 200: periodsSchema, ...errorResponses } },
      config: {
        access: {
          roles: ALL_ROLES,
          action: "list report periods",
          institution: (request) => (request.query as PeriodsQuery).institution,
          programme: (request) => (request.query as PeriodsQuery).institution === undefined,
        },
      },
    },
    async (request) => {
      const { institution } = request.query as PeriodsQuery;
      const { store, directory, clock } = app.web;
      const scope = institution ? { one: institution } : { some: directory.ids() };
      return periodsWithData(store, scope, clock(), directory.timeZone);
    },
  );

  app.get(
    "/reports",
    {
      schema: { querystring: reportQuerySchema, response: { ...errorResponses } },
      config: {
        access: {
          roles: ALL_ROLES,
          action: "download reports",
          institution: (request) => query(request).institution,
          programme: (request) => query(request).institution === undefined,
        },
      },
    },
    async (request, reply) => {
      const render = app.web.reports;
      if (!render) throw ERR.REPORTS_UNAVAILABLE();
      const q = query(request);
      const lang = q.lang ?? request.principal?.user.language ?? "fr";
      const report = await render({
        period: q.period,
        format: q.format,
        lang,
        ...(q.institution ? { institution: q.institution } : {}),
      });
      request.log.info(
        { period: q.period, institution: q.institution, format: q.format, lang },
        "Report sent",
      );
      return reply
        .header("content-type", report.contentType)
        .header("content-disposition", `attachment; filename="${report.filename}"`)
        .send(report.body);
    },
  );
};

export default reportRoutes;
