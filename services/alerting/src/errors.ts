/**
 * The one error catalogue of the alerting API, as fastify's lib/errors.js: every error a client can see
 * has a stable `JISR_ERR_*` code, an HTTP status and a message that names its subject and says what to do.
 * The error handler (plugins/app/error-handler.ts) turns a JisrError into `{ error: { code, message } }`.
 */
import { errorEntry as entry } from "@jisr/core/errors";

export const ERR = {
  UNAUTHORIZED: entry(
    "JISR_ERR_UNAUTHORIZED",
    401,
    () =>
      "Missing or unknown token: send `Authorization: Bearer <token>` with a token listed in the alerting config (api.tokens)",
  ),
  FORBIDDEN_INSTITUTION: entry(
    "JISR_ERR_FORBIDDEN_INSTITUTION",
    403,
    (institution: string) => `Your token does not cover institution "${institution}"`,
  ),
  SILENCE_NEEDS_INSTITUTION: entry(
    "JISR_ERR_SILENCE_NEEDS_INSTITUTION",
    403,
    () => "Your token covers some institutions only: a silence must name one of them (matchers.institution)",
  ),
  FORBIDDEN_ON_BEHALF: entry(
    "JISR_ERR_FORBIDDEN_ON_BEHALF",
    403,
    () =>
      "Your token may not acknowledge for someone else (`by`): only a service's token with on_behalf: true may",
  ),
  ALERT_NOT_FOUND: entry("JISR_ERR_ALERT_NOT_FOUND", 404, (id: string) => `No alert "${id}"`),
  SILENCE_NOT_FOUND: entry("JISR_ERR_SILENCE_NOT_FOUND", 404, (id: string) => `No silence "${id}"`),
  ALERT_RESOLVED: entry(
    "JISR_ERR_ALERT_RESOLVED",
    409,
    (id: string) => `Alert "${id}" is already resolved: there is nothing left to acknowledge`,
  ),
  INVALID_REQUEST: entry(
    "JISR_ERR_INVALID_REQUEST",
    400,
    (what: string) => `${what} is not valid; see problems`,
  ),
  INVALID_JSON: entry("JISR_ERR_INVALID_JSON", 400, (reason: string) => `Body is not valid JSON: ${reason}`),
  NOT_FOUND: entry(
    "JISR_ERR_NOT_FOUND",
    404,
    (method: string, url: string) => `No route ${method} ${url}: see services/alerting/README.md for the API`,
  ),
  INTERNAL: entry("JISR_ERR_INTERNAL", 500, () => "Internal Server Error"),
} as const;
