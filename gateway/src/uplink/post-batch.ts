/**
 * One upload: POST a batch as gzipped JSON to the ingestion service, and say what the answer means for
 * the data. The sender decides what to do next; this file only knows HTTP.
 */
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Point } from "@jisr/core";

const gzip = promisify(gzipCallback);

/** Retry-After values beyond this are not trusted: a misconfigured proxy must not park us for a day. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * The codes with which our ingestion (services/ingestion/src/errors.ts) blames the points themselves: a
 * point that is not valid, or that the database refuses (a field type conflict). Only these drop data.
 */
export const CONTENT_CODES: ReadonlySet<string> = new Set([
  "JISR_ERR_INVALID_BATCH",
  "JISR_ERR_STORE_REJECTED",
]);

/** The codes with which our ingestion says a batch is too large for it (413). */
const TOO_LARGE_CODES: ReadonlySet<string> = new Set(["JISR_ERR_BODY_TOO_LARGE", "JISR_ERR_TOO_MANY_POINTS"]);

export type PostOutcome =
  /** 2xx: stored. Acknowledge the batch. */
  | { kind: "delivered" }
  /**
   * 400 with a content code from our ingestion: some points can never be stored, and the server stored
   * none of the batch. `problems` may name them by `index` in the batch.
   */
  | { kind: "rejected"; status: number; message: string; problems: unknown[] }
  /** 413: the batch is too big. `ours`: our ingestion said so (a single point is then too large for good). */
  | { kind: "too_large"; status: number; message: string; ours: boolean }
  /**
   * 401/403 from our ingestion (unknown token, another institution's token), 404/415/...: nothing will
   * change until someone fixes the token or the config. Keep, retry slowly.
   */
  | { kind: "refused"; status: number; message: string }
  /**
   * 429, 5xx, 408, network, timeout, and a 400 that is not our ingestion blaming the points (a proxy's
   * page, a body damaged on the way, a code this gateway does not know): keep the data and retry with
   * backoff, not before `retryAfterMs`.
   */
  | { kind: "unavailable"; status?: number; message: string; retryAfterMs?: number };

export interface PostRequest {
  /** The full endpoint, <uplink.url>/api/v1/write. */
  endpoint: string;
  token: string;
  userAgent: string;
  points: readonly Point[];
  /** Aborts the request (timeout or gateway stopping). */
  signal: AbortSignal;
}

/** <url>/api/v1/write, with or without a trailing slash or a path prefix in the base URL. */
export function writeEndpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/v1/write`;
}

export async function postBatch(request: PostRequest): Promise<PostOutcome> {
  const body = await gzip(JSON.stringify({ points: request.points }));
  let response: Response;
  try {
    response = await fetch(request.endpoint, {
      method: "POST",
      headers: {
        authorization: `Bearer ${request.token}`,
        "content-type": "application/json",
        "content-encoding": "gzip",
        "user-agent": request.userAgent,
      },
      body,
      signal: request.signal,
    });
  } catch (err) {
    return { kind: "unavailable", message: networkMessage(err) };
  }
  return classify(response);
}

async function classify(response: Response): Promise<PostOutcome> {
  const status = response.status;
  if (status >= 200 && status < 300) {
    await response.body?.cancel();
    return { kind: "delivered" };
  }
  const { code, message, problems } = await errorBody(response);
  if (status === 400 && code !== undefined && CONTENT_CODES.has(code))
    return { kind: "rejected", status, message, problems };
  if (status === 413)
    return { kind: "too_large", status, message, ours: code !== undefined && TOO_LARGE_CODES.has(code) };
  if (status === 400 || status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
    return { kind: "unavailable", status, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  // 401 (unknown token) and 403 (a token of another institution, or points naming one) keep the data:
  // the batch is good, the gateway's token or config is not, and once the operator fixes it everything
  // queued arrives. The same for 404/405/415 (a wrong uplink.url).
  return { kind: "refused", status, message };
}

/** Our ingestion answers `{ error: { code, message, problems? } }`; anything else is shown as text. */
async function errorBody(
  response: Response,
): Promise<{ code?: string; message: string; problems: unknown[] }> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; problems?: unknown } };
    const error = parsed.error;
    if (error && typeof error.message === "string") {
      const code = typeof error.code === "string" ? error.code : undefined;
      return {
        ...(code !== undefined && { code }),
        message: `${code ? `${code}: ` : ""}${error.message}`,
        problems: Array.isArray(error.problems) ? error.problems : [],
      };
    }
  } catch {
    // Not JSON: a proxy's HTML page, say. Fall through to the raw text.
  }
  return { message: `HTTP ${response.status} ${text.slice(0, 200)}`.trim(), problems: [] };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_MS);
}

function networkMessage(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return "no answer within uplink.timeout";
  if (e.name === "AbortError") return "upload cancelled (gateway stopping)";
  const cause = e.cause?.code ?? e.cause?.message;
  return cause
    ? `cannot reach the server (${cause})`
    : `cannot reach the server (${e.message ?? String(err)})`;
}
