/** GET /healthz: the process is up and its state file answers (for a restart policy). */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";

const healthSchema = z.object({ status: z.literal("ok"), open_alerts: z.number().int() });

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get("/healthz", { schema: { response: { 200: healthSchema } } }, async () => ({
    status: "ok" as const,
    open_alerts: app.alerts.listAlerts({ state: "open" }).length,
  }));
};

export default healthRoutes;
