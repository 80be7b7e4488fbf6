/** The programme overview (under /api/v1), for the ministry only: every institution and the totals. */
import type { FastifyPluginAsync } from "fastify";
import { programmeSummary } from "../../data/programme.js";
import { errorResponses } from "../../schemas/common.js";
import { programmeSummarySchema } from "../../schemas/programme.js";
import { openAlertCounts } from "../alerts/counts.js";

const programmeRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    "/programme/summary",
    {
      schema: { response: { 200: programmeSummarySchema, ...errorResponses } },
      config: { access: { roles: ["ministry"], action: "see the programme overview" } },
    },
    async () => {
      const { store, directory, alerts, clock } = app.web;
      const counts = openAlertCounts(
        alerts,
        directory.all.map((i) => i.id),
      );
      return programmeSummary(store, directory, clock(), counts);
    },
  );
};

export default programmeRoutes;
