/**
 * Who is asking. A request carries either `Authorization: Bearer <token>` (an API client: the token's
 * SHA-256 is looked up in the users file, as the ingestion service does) or the session cookie (the
 * page). Either way the user is looked up in the users file on every request, so a changed role or a
 * removed user takes effect at once. Runs as an onRequest hook: an unauthenticated body is never parsed.
 *
 * A cookie-authenticated request that changes something must come from our own origin: SameSite=Strict
 * already keeps other sites' pages from sending the cookie, and the Origin check backs it up for old
 * browsers. Bodies are JSON only, which a cross-site form cannot send without a CORS preflight.
 */

import cookie from "@fastify/cookie";
import { bearerToken } from "@jisr/service-kit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { sessionCookieName } from "../../auth/cookies.js";
import { ERR } from "../../errors.js";
import type { User } from "../../users/schema.js";

export interface Principal {
  user: User;
  via: "session" | "token";
  /** The cookie's session id, for logout. */
  sessionId?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route; null on public ones without credentials. */
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** The principal of a request, or null: bearer token first, then the session cookie. */
export function identify(app: FastifyInstance, request: FastifyRequest): Principal | null {
  const { users, sessions, secureCookies } = app.web;
  const token = bearerToken(request.headers.authorization);
  if (token !== undefined) {
    const user = users.userOfToken(token);
    return user ? { user, via: "token" } : null;
  }
  const sessionId = request.cookies[sessionCookieName(secureCookies)];
  const session = sessionId === undefined ? undefined : sessions.get(sessionId);
  const user = session && users.get(session.userId);
  return user && sessionId ? { user, via: "session", sessionId } : null;
}

export default fp(
  async (app: FastifyInstance) => {
    // Parses the Cookie header in its own onRequest hook, registered here so it runs before ours.
    await app.register(cookie);
    app.decorateRequest("principal", null);
    app.addHook("onRequest", async (request) => {
      if (request.is404 || request.routeOptions.config.access?.public) return;
      const principal = identify(app, request);
      if (!principal) {
        request.log.info(
          { reason: request.headers.authorization ? "unknown token" : "no session" },
          "Not logged in",
        );
        throw ERR.UNAUTHORIZED();
      }
      if (principal.via === "session" && !SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
        throw ERR.CROSS_ORIGIN(String(request.headers.origin));
      }
      request.principal = principal;
      request.log = request.log.child({ user: principal.user.id, role: principal.user.role });
    });
  },
  { name: "jisr-web-auth" },
);
