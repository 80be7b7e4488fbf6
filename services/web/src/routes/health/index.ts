/** Liveness and readiness, for a supervisor or a load balancer; public, and say nothing about data. */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";

const statusSchema = z.object({ status: z.enum(["ok", "unavailable"]) });

const healthRoutes: FastifyPluginAsync = async (app) => {
  const schema = { response: { 200: statusSchema, 503: statusSchema } };
  const config = { access: { public: true as const } };
  app.get("/healthz", { schema, config }, async () => ({ status: "ok" as const }));
  app.get("/readyz", { schema, config }, async (_request, reply) => {
    const ok = await app.web.store.ping().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable" });
  });
};

export default healthRoutes;
