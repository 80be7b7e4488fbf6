/**
 * The one error catalogue of the ingestion service, as fastify's lib/errors.js: every error a client can
 * see has a stable `JISR_ERR_*` code, an HTTP status and a message that names its subject and says what
 * to do. The global error handler (plugins/app/error-handler.ts) turns a JisrError into the JSON body.
 */
import { errorEntry as entry } from "@jisr/core/errors";

const MiB = 1024 * 1024;
const bytes = (n: number) => (n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`);

export const ERR = {
  // Authentication and tenancy
  UNAUTHORIZED: entry(
    "JISR_ERR_UNAUTHORIZED",
    401,
    () =>
      "Missing or unknown token: send `Authorization: Bearer <token>` with a token issued by `jisr token new`",
  ),
  FORBIDDEN_INSTITUTION: entry(
    "JISR_ERR_FORBIDDEN_INSTITUTION",
    403,
    (count: number, own: string) =>
      `${count} point(s) name another institution than "${own}", the token's own; nothing was written`,
  ),

  // The request itself
  BODY_TOO_LARGE: entry(
    "JISR_ERR_BODY_TOO_LARGE",
    413,
    (limit: number) =>
      `Request body is larger than ${bytes(limit)} (after decompression): send smaller batches`,
  ),
  TOO_MANY_POINTS: entry(
    "JISR_ERR_TOO_MANY_POINTS",
    413,
    (count: number, max: number) => `Batch holds ${count} points, more than the limit of ${max}: split it`,
  ),
  UNSUPPORTED_MEDIA_TYPE: entry(
    "JISR_ERR_UNSUPPORTED_MEDIA_TYPE",
    415,
    (type: string) =>
      `Content-Type "${type}" is not accepted: send application/json or text/plain (line protocol)`,
  ),
  UNSUPPORTED_ENCODING: entry(
    "JISR_ERR_UNSUPPORTED_ENCODING",
    415,
    (encoding: string) => `Content-Encoding "${encoding}" is not accepted: send gzip or no encoding`,
  ),
  BAD_GZIP: entry(
    "JISR_ERR_BAD_GZIP",
    400,
    (reason: string) =>
      `Body is not valid gzip (${reason}): compress the whole body once, or drop Content-Encoding`,
  ),
  INVALID_JSON: entry("JISR_ERR_INVALID_JSON", 400, (reason: string) => `Body is not valid JSON: ${reason}`),
  INVALID_REQUEST: entry(
    "JISR_ERR_INVALID_REQUEST",
    400,
    (what: string) => `${what} is not valid; see problems`,
  ),
  INVALID_BATCH: entry(
    "JISR_ERR_INVALID_BATCH",
    400,
    (bad: number, total: number) => `${bad} of ${total} point(s) are not valid; nothing was written`,
  ),
  EMPTY_BATCH: entry("JISR_ERR_EMPTY_BATCH", 400, () => "Batch holds no points"),

  // The HTTP exchange itself, answered before any route runs (see the kit's http-limits.ts)
  HEADERS_TOO_LARGE: entry(
    "JISR_ERR_HEADERS_TOO_LARGE",
    431,
    (limit: number) =>
      `Request headers are larger than ${bytes(limit)}: a token is 48 characters, send no other large header`,
  ),
  REQUEST_TIMEOUT: entry(
    "JISR_ERR_REQUEST_TIMEOUT",
    408,
    () => "The request was not received in time (headers or body too slow, or shorter than Content-Length)",
  ),
  BAD_HTTP_REQUEST: entry(
    "JISR_ERR_BAD_HTTP_REQUEST",
    400,
    (reason: string) => `The request is not valid HTTP/1.1 (${reason})`,
  ),
  NOT_FOUND: entry(
    "JISR_ERR_NOT_FOUND",
    404,
    (method: string, url: string) => `No route ${method} ${url}: writes go to POST /api/v1/write`,
  ),

  // The store behind the service
  STORE_REJECTED: entry(
    "JISR_ERR_STORE_REJECTED",
    400,
    (reason: string) => `The database refused the batch: ${reason}`,
  ),
  STORE_UNAVAILABLE: entry(
    "JISR_ERR_STORE_UNAVAILABLE",
    503,
    (seconds: number) => `The database is unavailable: keep the data and retry in ${seconds} s`,
  ),
  OVERLOADED: entry(
    "JISR_ERR_OVERLOADED",
    503,
    (seconds: number) =>
      `The service holds as many points as it may while they are written: keep the data and retry in ${seconds} s`,
  ),
  INTERNAL: entry("JISR_ERR_INTERNAL", 500, () => "Internal Server Error"),
} as const;
