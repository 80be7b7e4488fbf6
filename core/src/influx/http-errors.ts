/**
 * Turns what went wrong talking to InfluxDB into the two errors the rest of Jisr knows: "unavailable"
 * (keep the data, retry later) and "rejected" (retrying the same request cannot help).
 */
import { StoreRejectedError, StoreUnavailableError } from "../store/types.js";

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

/** InfluxDB's own error text: `{"error":…}` (1.x, 3.x), `{"message":…}` (2.x), else the raw body. */
export function influxErrorText(body: string, header: string | null): string {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === "object" && json !== null) {
      const { error, message } = json as { error?: unknown; message?: unknown };
      if (typeof error === "string" && error !== "") return error;
      if (typeof message === "string" && message !== "") return message;
    }
  } catch {
    // not JSON: fall through to the header or the raw text
  }
  const text = header || body.trim() || "(empty body)";
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The error for a non-2xx answer to `what` (e.g. `write to "jisr" at http://…`). */
export function errorFromResponse(what: string, status: number, body: string, headers: Headers): Error {
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
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") {
    return new StoreUnavailableError(`${what} failed: no answer within ${timeoutMs} ms`, undefined, {
      cause: err,
    });
  }
  if (e?.name === "AbortError") {
    return new StoreUnavailableError(`${what} aborted: the client was closed`, undefined, { cause: err });
  }
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return new StoreUnavailableError(`${what} failed: cannot reach InfluxDB (${detail})`, undefined, {
    cause: err,
  });
}
