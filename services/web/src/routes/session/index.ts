/**
 * Logging in and out (under /api/v1), and who am I. Login attempts are rate-limited per login id and per
 * client address (429 with Retry-After), checked before the password so a locked id stays locked even
 * with the right one. An unknown id is answered exactly as a wrong password, after the same scrypt work.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { clearedSessionCookie, sessionCookie } from "../../auth/cookies.js";
import { RateLimiter, type Verdict } from "../../auth/rate-limit.js";
import { institutionJson } from "../../data/summary.js";
import { ERR } from "../../errors.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import type { Principal } from "../../plugins/app/auth.js";
import { errorResponses, iso } from "../../schemas/common.js";
import { loginBodySchema, loginResponseSchema, type MeJson, meSchema } from "../../schemas/session.js";
import { verifyPassword } from "../../users/password.js";

export interface LoginLimits {
  /** Failed attempts per login id in a burst, then one more every `perUserRefillMs`. */
  perUser: number;
  perUserRefillMs: number;
  /** Attempts per client address in a burst, then one more every `perIpRefillMs`. */
  perIp: number;
  perIpRefillMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUser: 5,
  perUserRefillMs: 60_000,
  perIp: 20,
  perIpRefillMs: 15_000,
};

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

function refuse(verdict: Verdict): void {
  if (verdict.ok) return;
  const error = ERR.TOO_MANY_ATTEMPTS(verdict.retryAfterSeconds);
  error.retryAfterSeconds = verdict.retryAfterSeconds;
  throw error;
}

const sessionRoutes: FastifyPluginAsync<{ limits?: LoginLimits }> = async (app, opts) => {
  const limits = opts.limits ?? DEFAULT_LOGIN_LIMITS;
  const clock = app.web.securityClock;
  const perUser = new RateLimiter({ capacity: limits.perUser, refillMs: limits.perUserRefillMs, clock });
  const perIp = new RateLimiter({ capacity: limits.perIp, refillMs: limits.perIpRefillMs, clock });

  app.post(
    "/login",
    {
      schema: { body: loginBodySchema, response: { 200: loginResponseSchema, ...errorResponses } },
      config: { access: { public: true } },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { id, password } = request.body as z.output<typeof loginBodySchema>;
      refuse(perIp.take(request.ip));
      refuse(perUser.check(id));
      const user = app.web.users.get(id);
      const ok = await verifyPassword(password, user?.password_hash ?? (await app.web.users.dummyHash()));
      if (!user || !ok) {
        perUser.take(id);
        request.log.info({ login: id, known: user !== undefined }, "Login failed");
        throw ERR.LOGIN_FAILED();
      }
      perUser.reset(id);
      const { sessions, secureCookies } = app.web;
      const { id: sessionId, session } = sessions.create(user.id);
      reply.header(
        "set-cookie",
        sessionCookie(sessionId, { secure: secureCookies, maxAgeSeconds: Math.floor(sessions.ttlMs / 1000) }),
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
      reply.header("set-cookie", clearedSessionCookie(app.web.secureCookies));
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
