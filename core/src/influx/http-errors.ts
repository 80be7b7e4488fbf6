/**
 * Turns what went wrong talking to InfluxDB into the errors the rest of Jisr knows: "unavailable" (keep
 * the data, retry later), "misconfigured" (keep the data: a human must fix the setup, then retries work)
 * and "rejected" (the points themselves are refused; retrying the same request cannot help).
 *
 * For a write, only an answer about the points' content is "rejected": it makes senders drop data, so a
 * 401, 403, 404, a limit or a proxy's page must never be read as one.
 */
import { StoreMisconfiguredError, StoreRejectedError, StoreUnavailableError } from "../store/types.js";

/** The HTTP answer behind a store error, kept as its `cause` so callers can look at the status. */
export class InfluxHttpError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(`HTTP ${status}: ${body}`);
    this.name = "InfluxHttpError";
    this.status = status;
    this.body = body;
  }
}

const MAX_MESSAGE = 500;

/**
 * InfluxDB's own error text: `{"error":…}` (1.x, 3.x), `{"message":…}` (2.x), else the raw body. 3.x
 * puts the reason per line in `data` (`{"error":"partial write of line protocol occurred","data":[{
 * "error_message":…}]}`): the first few are added.
 */
export function influxErrorText(body: string, header: string | null): string {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === "object" && json !== null) {
      const { error, message, data } = json as { error?: unknown; message?: unknown; data?: unknown };
      if (typeof error === "string" && error !== "") return clip(error + lineErrors(data));
      if (typeof message === "string" && message !== "") return clip(message);
    }
  } catch {
    // not JSON: fall through to the header or the raw text
  }
  return clip(header || body.trim() || "(empty body)");
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** `: line 2: invalid column type…; line 5: …` from 3.x's `data` (one object, or a list of them). */
function lineErrors(data: unknown): string {
  const items = (Array.isArray(data) ? data : [data]).slice(0, 3);
  const parts = items.flatMap((item) => {
    const { line_number: line, error_message: message } = (item ?? {}) as Record<string, unknown>;
    if (typeof message !== "string") return [];
    return [typeof line === "number" ? `line ${line}: ${message}` : message];
  });
  return parts.length > 0 ? `: ${parts.join("; ")}` : "";
}

/**
 * What InfluxDB says when it refuses points for what they hold: 1.x and 2.x ("partial write: field type
 * conflict: …", "unable to parse '…': missing fields", "partial write: points beyond retention policy"),
 * 3.x ("partial write of line protocol occurred", "parsing failed for write_lp endpoint", "line protocol
 * parsing error", "invalid column type for column …"). Anything else is not about the points.
 */
const CONTENT =
  /partial write|field type conflict|unable to parse|parsing failed|parsing error|invalid column type/i;

/**
 * Partial writes refused for a limit of the server ("max-values-per-tag limit exceeded", "max-series-per-
 * database limit exceeded", 3.x "Update to schema would exceed number of columns…"): the admin raises the
 * limit and the same points go in, so they are kept.
 */
const LIMIT = /limit exceeded|would exceed|exceeds? (the )?limit|max-series|max-values-per-tag/i;

/** A write answer blames the points only with a 400 or 422 that says so in InfluxDB's words. */
export function isContentRefusal(status: number, text: string): boolean {
  return (status === 400 || status === 422) && CONTENT.test(text) && !LIMIT.test(text);
}

/** What the operator should fix, for a write refused for a reason that is not the points. */
function setupHint(status: number, text: string): string {
  if (status === 401)
    return "the credentials are wrong: check the token or user name and password Jisr uses for InfluxDB";
  if (status === 403)
    return "the credentials lack the right to write to this database: grant it (GRANT WRITE, or a token with write access to the bucket)";
  if (status === 404)
    return "the database does not exist or the URL does not lead to InfluxDB: create the database (or bucket) or check the URL and database name";
  if (status === 413) return "the request is larger than InfluxDB accepts: raise its max-body-size";
  if (LIMIT.test(text)) return "a limit of InfluxDB is reached: raise it in InfluxDB's configuration";
  return "InfluxDB, or a proxy in front of it, refused the request for a reason other than the points: check the URL, the proxy and InfluxDB's configuration";
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The error for a non-2xx answer to `what` (e.g. `write to "jisr" at http://…`, for messages). A write
 * refused for anything but its points' content is StoreMisconfiguredError, so the points are kept. Other requests keep the older mapping (every 4xx is
 * StoreRejectedError): they carry no data to lose, and `createDatabase` tells a user without admin rights
 * (403) or a server without DDL apart by it.
 */
export function errorFromResponse(
  what: string,
  status: number,
  body: string,
  headers: Headers,
  /** A write carries points the caller may drop on "rejected"; a query carries none. */
  request: "write" | "query",
): Error {
  const text = influxErrorText(body, headers.get("x-influxdb-error"));
  const cause = new InfluxHttpError(status, text);
  if (status === 429 || status >= 500) {
    const retryAfter = parseRetryAfter(headers.get("retry-after"));
    return new StoreUnavailableError(
      `${what} failed, InfluxDB answered HTTP ${status}: ${text}`,
      retryAfter,
      {
        cause,
      },
    );
  }
  if (request === "write") {
    if (isContentRefusal(status, text))
      return new StoreRejectedError(`${what} refused (HTTP ${status}): ${text}`, { cause });
    return new StoreMisconfiguredError(
      `${what} refused (HTTP ${status}): ${setupHint(status, text)} (InfluxDB said: ${text})`,
      status,
      { cause },
    );
  }
  if (status === 401 || status === 403) {
    return new StoreRejectedError(
      `${what} refused (HTTP ${status}): the credentials are wrong or lack the right on this database; ` +
        `check the token or user name and password (InfluxDB said: ${text})`,
      { cause },
    );
  }
  return new StoreRejectedError(`${what} refused (HTTP ${status}): ${text}`, { cause });
}

/** The error for a request that got no answer at all: refused connection, DNS, reset, timeout. */
export function errorFromFailure(what: string, err: unknown, timeoutMs: number): StoreUnavailableError {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e?.name === "TimeoutError") {
    return new StoreUnavailableError(`${what} failed: no answer within ${timeoutMs} ms`, undefined, {
      cause: err,
    });
  }
  if (e?.name === "AbortError") {
    return new StoreUnavailableError(`${what} aborted: the client was closed`, undefined, { cause: err });
  }
  // fetch puts the socket's error in `cause`; node:http gives it as it is (`code` ECONNREFUSED, …).
  const detail = e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return new StoreUnavailableError(`${what} failed: cannot reach InfluxDB (${detail})`, undefined, {
    cause: err,
  });
}
