/**
 * Bearer-token authentication. `app.authenticate` is an onRequest hook, so an unauthenticated body is
 * never read or parsed; on success `request.institution` holds the token's institution. Missing and
 * unknown tokens get the same answer, so the answer does not tell which tokens exist.
 */

import { bearerToken, TokenRegistry } from "@jisr/service-kit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR } from "../../errors.js";

declare module "fastify" {
  interface FastifyInstance {
    tokens: TokenRegistry;
    authenticate(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    /** The institution the request's token belongs to; set by `authenticate`. */
    institution: string;
  }
}

export interface AuthOptions {
  tokensFile: string;
  /** How often the tokens file is checked for changes, default 1000 ms. */
  tokensPollMs?: number;
}

export default fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    const log = app.log.child({ component: "tokens" });
    const tokens = new TokenRegistry({ path: opts.tokensFile, log, pollMs: opts.tokensPollMs });
    await tokens.start();
    app.addHook("onClose", async () => tokens.stop());

    app.decorate("tokens", tokens);
    app.decorateRequest("institution", "");
    app.decorate("authenticate", async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      const institution = token === undefined ? undefined : tokens.institutionOf(token);
      if (institution === undefined) {
        // Debug: the info summary counts 401s; a line each would let a flood of bad tokens flood the log.
        request.log.debug(
          { reason: token === undefined ? "no bearer token" : "unknown token" },
          "Request refused",
        );
        throw ERR.UNAUTHORIZED();
      }
      request.institution = institution;
      request.log = request.log.child({ institution });
    });
  },
  { name: "jisr-ingestion-auth" },
);
