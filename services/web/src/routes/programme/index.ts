/** The programme overview (under /api/v1), for the ministry only: every institution and the totals. */
import type { FastifyPluginAsync } from "fastify";
import { programmeSummary } from "../../data/programme.js";
import { programmeEnergy } from "../../data/programme-energy.js";
import { periodsAt } from "../../data/summary.js";
import { errorResponses } from "../../schemas/common.js";
import { type EnergyQuery, energyQuerySchema, programmeEnergySchema } from "../../schemas/energy.js";
import { programmeSummarySchema } from "../../schemas/programme.js";
import { openAlertCounts } from "../alerts/counts.js";

const programmeRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    "/programme/summary",
    {
      schema: { response: { 200: programmeSummarySchema, ...errorResponses } },
      config: { access: { roles: ["ministry"], action: "see the programme overview" } },
    },
    async (request) => {
      const { store, directory, alerts, clock } = app.web;
      const counts = await openAlertCounts(
        alerts,
        directory.all.map((i) => i.id),
        request.log,
      );
      return programmeSummary(store, directory, clock(), counts);
    },
  );

  // Where the programme's energy goes over a day, week, month or year: every institution's flow and the
  // totals (data/programme-energy.ts).
  app.get(
    "/programme/energy",
    {
      schema: {
        querystring: energyQuerySchema,
        response: { 200: programmeEnergySchema, ...errorResponses },
      },
      config: { access: { roles: ["ministry"], action: "see the programme overview" } },
    },
    async (request) => {
      const { store, directory, clock } = app.web;
      const q = request.query as EnergyQuery;
      const day = q.date ?? periodsAt(clock(), directory.timeZone).today;
      return programmeEnergy(store, directory, q.period, day);
    },
  );
};

export default programmeRoutes;
