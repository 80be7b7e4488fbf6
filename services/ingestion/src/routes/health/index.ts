/**
 * GET /healthz: the process is up (for a restart policy). GET /readyz: the store answers too (for a load
 * balancer, and for a sender wondering whether to retry now).
 */
import type { FastifyPluginAsync } from "fastify";
import { healthSchema, readySchema } from "../../schemas/health.js";

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get("/healthz", { schema: { response: { 200: healthSchema } } }, async () => ({
    status: "ok" as const,
  }));

  app.get(
    "/readyz",
    { schema: { response: { 200: readySchema, 503: readySchema } } },
    async (request, reply) => {
      const up = await app.store.ping().catch((err: unknown) => {
        request.log.warn({ err }, "Store ping failed");
        return false;
      });
      return reply.code(up ? 200 : 503).send({ status: up ? "ready" : "unavailable", store: app.store.kind });
    },
  );
};

export default healthRoutes;
