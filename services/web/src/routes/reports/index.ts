/**
 * Report download (under /api/v1): `GET /reports?period=2026-10&institution=ID&format=pdf&lang=ar`, the
 * same report as `jisr report`. An institution's report needs access to that institution (403 otherwise);
 * the programme's report (no institution) is the ministry's alone.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { ERR } from "../../errors.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import { errorResponses } from "../../schemas/common.js";
import { type ReportQuery, reportQuerySchema } from "../../schemas/reports.js";

const query = (request: FastifyRequest) => request.query as ReportQuery;

const reportRoutes: FastifyPluginAsync = async (app) => {
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
