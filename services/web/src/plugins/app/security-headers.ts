/**
 * Headers on every answer that keep the page's own files in charge: no inline or foreign script (CSP:
 * everything from 'self'), no framing (clickjacking), no MIME sniffing, no referrer leaving the site, and
 * no caching of API answers (they hold one user's data).
 */
import type { FastifyInstance } from "fastify";
import { globalPlugin } from "../global.js";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export default globalPlugin("security-headers", async (app: FastifyInstance) => {
  app.addHook("onSend", async (request, reply) => {
    reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    reply.header("x-content-type-options", "nosniff");
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "no-referrer");
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
  });
});
