/**
 * Logging in and out (under /api/v1), and who am I. Login attempts are limited per client address and per
 * login id (auth/login-limits.ts, @fastify/rate-limit): both are counted before the password is checked,
 * so a locked id stays locked even with the right password, and parallel attempts cannot slip past the
 * count while scrypt runs. Refusals are 429 JISR_ERR_TOO_MANY_ATTEMPTS with Retry-After. An unknown id is
 * answered exactly as a wrong password, after the same scrypt work.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import { sessionCookieName, sessionCookieOptions } from "../../auth/cookies.js";
import { clockedStore, DEFAULT_LOGIN_LIMITS, type LoginLimits } from "../../auth/login-limits.js";
import { institutionJson } from "../../data/summary.js";
import { ERR } from "../../errors.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import type { Principal } from "../../plugins/app/auth.js";
import { errorResponses, iso } from "../../schemas/common.js";
import { loginBodySchema, loginResponseSchema, type MeJson, meSchema } from "../../schemas/session.js";
import { verifyPassword } from "../../users/password.js";

export { DEFAULT_LOGIN_LIMITS, type LoginLimits };

export function meOf(app: FastifyInstance, p: Principal): MeJson {
  const u = p.user;
  const visible = app.web.directory.all.filter((i) => u.role === "ministry" || u.institutions.includes(i.id));
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    language: u.language,
    via: p.via,
    institutions: visible.map(institutionJson),
    can: {
      programme: u.role === "ministry",
      acknowledge: u.role === "ministry" || u.role === "technician",
      programme_reports: u.role === "ministry",
    },
  };
}

function tooMany(retryAfterSeconds: number) {
  const seconds = Math.max(1, retryAfterSeconds);
  const error = ERR.TOO_MANY_ATTEMPTS(seconds);
  error.retryAfterSeconds = seconds;
  return error;
}

const sessionRoutes: FastifyPluginAsync<{ limits?: LoginLimits }> = async (app, opts) => {
  const limits = opts.limits ?? DEFAULT_LOGIN_LIMITS;
  // Encapsulated in this plugin: only the routes below are limited.
  await app.register(rateLimit, {
    global: false,
    store: clockedStore(app.web.securityClock),
    errorResponseBuilder: (_request, context) => tooMany(Math.ceil(context.ttl / 1000)),
  });
  // Keyed on the validated id (trimmed, lower case), so "Karim" and " karim" share one count.
  const perId = app.createRateLimit({
    max: limits.perId,
    timeWindow: limits.perIdWindowMs,
    keyGenerator: (request) => (request.body as z.output<typeof loginBodySchema>).id,
  });

  // The zod type provider types the body from its schema (validated by the kit's zod compilers, @jisr/service-kit).
  app.withTypeProvider<ZodTypeProvider>().post(
    "/login",
    {
      schema: { body: loginBodySchema, response: { 200: loginResponseSchema, ...errorResponses } },
      config: {
        access: { public: true },
        // Per address, in onRequest: an address over its limit does not even get its body parsed.
        rateLimit: { max: limits.perAddress, timeWindow: limits.perAddressWindowMs },
      },
    },
    async (request, reply) => {
      const { id, password } = request.body;
      // Counted here, before the await of the scrypt below: the count is the reservation.
      const verdict = await perId(request);
      if (!verdict.isAllowed && verdict.isExceeded) {
        request.log.info({ login: id }, "Login refused: too many attempts for this id");
        throw tooMany(verdict.ttlInSeconds);
      }
      const user = app.web.users.get(id);
      const ok = await verifyPassword(password, user?.password_hash ?? (await app.web.users.dummyHash()));
      if (!user || !ok) {
        request.log.info({ login: id, known: user !== undefined }, "Login failed");
        throw ERR.LOGIN_FAILED();
      }
      const { sessions, secureCookies } = app.web;
      const { id: sessionId, session } = sessions.create(user.id);
      reply.setCookie(
        sessionCookieName(secureCookies),
        sessionId,
        sessionCookieOptions(secureCookies, Math.floor(sessions.ttlMs / 1000)),
      );
      request.log.info({ user: user.id, role: user.role }, "Logged in");
      return { user: meOf(app, { user, via: "session", sessionId }), expires_at: iso(session.expiresAt) };
    },
  );

  app.post(
    "/logout",
    { config: { access: { roles: ALL_ROLES, action: "log out" } } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const sessionId = request.principal?.sessionId;
      if (sessionId) app.web.sessions.destroy(sessionId);
      const { secureCookies } = app.web;
      reply.clearCookie(sessionCookieName(secureCookies), sessionCookieOptions(secureCookies, 0));
      return reply.code(204).send();
    },
  );

  app.get(
    "/me",
    {
      schema: { response: { 200: meSchema, ...errorResponses } },
      config: { access: { roles: ALL_ROLES, action: "see who they are" } },
    },
    async (request: FastifyRequest) => meOf(app, request.principal as Principal),
  );
};

export default sessionRoutes;
