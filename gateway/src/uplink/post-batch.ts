/**
 * One upload: POST a batch as gzipped JSON to the ingestion service, and say what the answer means for
 * the data. The sender decides what to do next; this file only knows HTTP.
 *
 * Posted with node:http / node:https, not fetch (issue 13, footprint): Node's fetch is undici, which
 * loads its own HTTP stack and parses with llhttp compiled to WebAssembly, about 10 MiB more resident in
 * the gateway for one small POST every few seconds. node:http's parser is the native one already in the
 * node binary. The connection is kept alive between batches (uplinkConnections), as fetch did.
 */
import type { Agent, IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Point } from "@jisr/core";

const gzip = promisify(gzipCallback);

/** Retry-After values beyond this are not trusted: a misconfigured proxy must not park us for a day. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** How much of an error answer is read: enough for our ingestion's problems, not a proxy's whole page. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * An idle kept-alive connection is closed after this long, or 1 s before the server's own `Keep-Alive:
 * timeout=` hint when that is shorter (node:http's Agent reads it), so a batch rarely meets a connection
 * the server is closing at that moment. When it does, the batch is sent again once on a new connection.
 */
const IDLE_SOCKET_MS = 30_000;

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
  /**
   * The kept-alive connections to post through (uplinkConnections(endpoint)); without them, this
   * module's, shared by the process.
   */
  connections?: UplinkConnections | Promise<UplinkConnections>;
}

/** A keep-alive connection pool and the request function of its protocol (node:http or node:https). */
export interface UplinkConnections {
  agent: Agent;
  request: typeof httpRequest;
}

/** <url>/api/v1/write, with or without a trailing slash or a path prefix in the base URL. */
export function writeEndpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/v1/write`;
}

/**
 * Kept-alive connections for `endpoint` (http: or https:); `agent.destroy()` closes them. node:https (and
 * TLS) is loaded only for an https:// uplink.
 */
export async function uplinkConnections(endpoint: string): Promise<UplinkConnections> {
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  if (new URL(endpoint).protocol === "https:") {
    const https = await import("node:https");
    return { agent: new https.Agent(options), request: https.request };
  }
  return { agent: new HttpAgent(options), request: httpRequest };
}

const shared = new Map<string, Promise<UplinkConnections>>();

function sharedConnections(endpoint: string): Promise<UplinkConnections> {
  const protocol = new URL(endpoint).protocol;
  let connections = shared.get(protocol);
  if (!connections) {
    connections = uplinkConnections(endpoint);
    shared.set(protocol, connections);
  }
  return connections;
}

/** An answer, its body read (a 2xx's body is discarded). */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A failure of the exchange itself (no answer), with whether it happened on a reused connection. */
class ExchangeError extends Error {
  constructor(
    readonly original: unknown,
    readonly reusedSocket: boolean,
  ) {
    super("exchange failed");
  }
}

export async function postBatch(request: PostRequest): Promise<PostOutcome> {
  const body = await gzip(JSON.stringify({ points: request.points }));
  try {
    const connections = await (request.connections ?? sharedConnections(request.endpoint));
    let answer: Answer;
    try {
      answer = await exchange(request, body, connections);
    } catch (err) {
      // A kept-alive connection the server closed as we reused it: the server never saw the batch, so
      // it goes again, once, on a new connection (node:http's own advice for this race).
      if (!(err instanceof ExchangeError && err.reusedSocket && isStaleConnection(err.original))) throw err;
      answer = await exchange(request, body, connections);
    }
    return classify(answer);
  } catch (err) {
    return {
      kind: "unavailable",
      message: networkMessage(err instanceof ExchangeError ? err.original : err, request.signal),
    };
  }
}

function isStaleConnection(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "ECONNRESET" || code === "EPIPE";
}

/** One POST and its answer; `signal` aborts it at any moment, the answer's body included. */
function exchange(request: PostRequest, body: Buffer, connections: UplinkConnections): Promise<Answer> {
  const { signal } = request;
  return new Promise<Answer>((resolve, reject) => {
    if (signal.aborted) return reject(new ExchangeError(signal.reason, false));
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      fn();
    };
    const req = connections.request(request.endpoint, {
      method: "POST",
      agent: connections.agent,
      headers: {
        authorization: `Bearer ${request.token}`,
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": body.length,
        "user-agent": request.userAgent,
      },
    });
    const fail = (err: unknown) => done(() => reject(new ExchangeError(err, req.reusedSocket)));
    const onAbort = () => {
      fail(signal.reason);
      req.destroy();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.on("response", (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      // A 2xx's body means nothing to us; an error's is read up to MAX_ERROR_BODY_BYTES. Either way the
      // whole answer is consumed, so the connection can carry the next batch.
      const keep = status < 200 || status >= 300;
      res.on("data", (chunk: Buffer) => {
        if (!keep || size >= MAX_ERROR_BODY_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("error", fail);
      res.on("close", () => {
        if (!res.complete) fail(new Error("the answer was cut off"));
      });
      res.on("end", () =>
        done(() =>
          resolve({
            status,
            headers: res.headers,
            text: Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString("utf8"),
          }),
        ),
      );
    });
    req.end(body);
  });
}

function classify(answer: Answer): PostOutcome {
  const status = answer.status;
  if (status >= 200 && status < 300) return { kind: "delivered" };
  const { code, message, problems } = errorBody(answer);
  if (status === 400 && code !== undefined && CONTENT_CODES.has(code))
    return { kind: "rejected", status, message, problems };
  if (status === 413)
    return { kind: "too_large", status, message, ours: code !== undefined && TOO_LARGE_CODES.has(code) };
  if (status === 400 || status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(header(answer.headers, "retry-after"), Date.now());
    return { kind: "unavailable", status, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  // 401 (unknown token) and 403 (a token of another institution, or points naming one) keep the data:
  // the batch is good, the gateway's token or config is not, and once the operator fixes it everything
  // queued arrives. The same for 404/405/415 (a wrong uplink.url).
  return { kind: "refused", status, message };
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** Our ingestion answers `{ error: { code, message, problems? } }`; anything else is shown as text. */
function errorBody(answer: Answer): { code?: string; message: string; problems: unknown[] } {
  const text = answer.text;
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
  return { message: `HTTP ${answer.status} ${text.slice(0, 200)}`.trim(), problems: [] };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_MS);
}

function networkMessage(err: unknown, signal: AbortSignal): string {
  // The signal says why it aborted: uplink.timeout (AbortSignal.timeout) or the gateway stopping.
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    return reason?.name === "TimeoutError"
      ? "no answer within uplink.timeout"
      : "upload cancelled (gateway stopping)";
  }
  const e = err as { code?: string; message?: string };
  return `cannot reach the server (${e.code ?? e.message ?? String(err)})`;
}
