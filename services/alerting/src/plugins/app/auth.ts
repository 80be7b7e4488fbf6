/**
 * Who may do what, in one place. Authentication: a bearer token, checked like the ingestion service's
 * (`jisr_…` tokens, only their SHA-256 in the config, compared in constant time), run as an onRequest
 * hook so an unauthenticated body is never parsed. Authorization: a token covers some institutions (or
 * "*"); routes ask `request.requireAccess(institution)` or filter with `request.institutionScope()`. A later issue adds
 * roles: they belong here too.
 */
import { bearerToken, findByHash, TOKEN_PATTERN } from "@jisr/service-kit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { ApiTokenConfig } from "../../config/schema.js";
import { ERR } from "../../errors.js";

export interface ApiUser {
  tokenId: string;
  /** Recorded on acknowledgements and silences. */
  name: string;
  /** Institutions covered; undefined for all. */
  institutions: readonly string[] | undefined;
  /** A service's token (the web page's): it may name who an acknowledgement is for. */
  onBehalf: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<void>;
  }
  // Names of their own: other workspaces' apps (services/web) declare covers/authorize/scope with other
  // meanings, and Fastify's request interface is one for the whole program.
  interface FastifyRequest {
    apiUser: ApiUser;
    /** Throws 403 unless the request's token covers `institution`. */
    requireAccess(institution: string): void;
    /** True when the token covers `institution`. */
    mayAccess(institution: string): boolean;
    /** The institutions the token covers; undefined for all. */
    institutionScope(): readonly string[] | undefined;
  }
}

export default fp<{ tokens: readonly ApiTokenConfig[] }>(
  async (app: FastifyInstance, opts) => {
    // Fastify wants null, not an object, as the initial value of a request decorator (one per request);
    // `authenticate` sets it before any route runs.
    app.decorateRequest("apiUser", null as unknown as ApiUser);
    app.decorateRequest("institutionScope", function (this: FastifyRequest) {
      return this.apiUser.institutions;
    });
    app.decorateRequest("mayAccess", function (this: FastifyRequest, institution: string) {
      const scope = this.apiUser.institutions;
      return scope === undefined || scope.includes(institution);
    });
    app.decorateRequest("requireAccess", function (this: FastifyRequest, institution: string) {
      if (!this.mayAccess(institution)) throw ERR.FORBIDDEN_INSTITUTION(institution);
    });
    app.decorate("authenticate", async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      const entry =
        token !== undefined && TOKEN_PATTERN.test(token) ? findByHash(opts.tokens, token) : undefined;
      if (!entry) {
        request.log.info(
          { reason: token === undefined ? "no bearer token" : "unknown token" },
          "Request refused",
        );
        throw ERR.UNAUTHORIZED();
      }
      request.apiUser = {
        tokenId: entry.id,
        name: entry.user,
        institutions: entry.institutions.includes("*") ? undefined : entry.institutions,
        onBehalf: entry.on_behalf,
      };
      request.log = request.log.child({ token: entry.id });
    });
  },
  { name: "jisr-alerting-auth" },
);
