/**
 * Headers on every answer that keep the page's own files in charge, set by @fastify/helmet: no inline or
 * foreign script (CSP: everything from 'self'; the page has no inline script or style and draws its
 * charts as SVG built in the DOM), no framing (clickjacking), no MIME sniffing, no referrer leaving the
 * site, plus helmet's other defaults (COOP, CORP, Origin-Agent-Cluster, ...). HSTS only behind https:
 * on the demo's http://127.0.0.1 it would mean nothing. The CSP is given whole (`useDefaults: false`):
 * helmet's default adds `upgrade-insecure-requests`, which would break the demo's plain http.
 * API answers hold one user's data: `no-store`, which is not helmet's job.
 */
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export default fp<{ https: boolean }>(
  async (app: FastifyInstance, opts) => {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
      strictTransportSecurity: opts.https ? { maxAge: 31_536_000 } : false,
    });
    app.addHook("onSend", async (request, reply) => {
      if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
    });
  },
  { name: "jisr-web-security-headers" },
);
