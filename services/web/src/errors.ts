/**
 * The one error catalogue of the web service (as fastify's lib/errors.js): every error a client can see
 * has a stable `JISR_ERR_*` code, an HTTP status and a message that names its subject and says what to do.
 * plugins/app/error-handler.ts turns a WebError into `{ error: { code, message, problems? } }`.
 */
import { errorEntry as entry, JisrError } from "@jisr/core/errors";

/** The web's errors are core's JisrError, under the name the web's code has always used. */
export const WebError = JisrError;
export type WebError = JisrError;

export const ERR = {
  // Who you are
  UNAUTHORIZED: entry(
    "JISR_ERR_UNAUTHORIZED",
    401,
    () => "Not logged in: log in (POST /api/v1/login) or send `Authorization: Bearer <token>`",
  ),
  LOGIN_FAILED: entry("JISR_ERR_LOGIN_FAILED", 401, () => "Unknown user or wrong password"),
  TOO_MANY_ATTEMPTS: entry(
    "JISR_ERR_TOO_MANY_ATTEMPTS",
    429,
    (seconds: number) => `Too many login attempts: wait ${seconds} s before trying again`,
  ),
  // What you may see
  FORBIDDEN_ROLE: entry(
    "JISR_ERR_FORBIDDEN_ROLE",
    403,
    (role: string, what: string) => `A ${role} may not ${what}`,
  ),
  FORBIDDEN_INSTITUTION: entry(
    "JISR_ERR_FORBIDDEN_INSTITUTION",
    403,
    (id: string) => `You are not allowed to see institution "${id}"`,
  ),
  CROSS_ORIGIN: entry(
    "JISR_ERR_CROSS_ORIGIN",
    403,
    (origin: string) => `Request from another origin (${origin}) refused`,
  ),
  // What you asked for
  INVALID_REQUEST: entry(
    "JISR_ERR_INVALID_REQUEST",
    400,
    (what: string) => `${what} is not valid; see problems`,
  ),
  UNKNOWN_INSTITUTION: entry(
    "JISR_ERR_UNKNOWN_INSTITUTION",
    404,
    (id: string) => `No institution "${id}" in the institutions file`,
  ),
  ALERT_NOT_FOUND: entry("JISR_ERR_ALERT_NOT_FOUND", 404, (id: string) => `No alert "${id}"`),
  ALERT_RESOLVED: entry(
    "JISR_ERR_ALERT_RESOLVED",
    409,
    (id: string) => `Alert "${id}" is resolved: there is nothing left to acknowledge`,
  ),
  NOT_FOUND: entry("JISR_ERR_NOT_FOUND", 404, (method: string, url: string) => `No route ${method} ${url}`),
  // What is behind the service
  ALERTS_UNAVAILABLE: entry(
    "JISR_ERR_ALERTS_UNAVAILABLE",
    503,
    (reason: string) => `Alerts are unavailable: ${reason}. The rest of the page works`,
  ),
  REPORTS_UNAVAILABLE: entry(
    "JISR_ERR_REPORTS_UNAVAILABLE",
    503,
    () => "Reports are not available on this server",
  ),
  STORE_UNAVAILABLE: entry(
    "JISR_ERR_STORE_UNAVAILABLE",
    503,
    (seconds: number) => `The database is unavailable: retry in ${seconds} s`,
  ),
  INTERNAL: entry("JISR_ERR_INTERNAL", 500, () => "Internal Server Error"),
} as const;
