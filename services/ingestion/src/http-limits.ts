/**
 * Limits of the HTTP exchange itself, before any route runs: how long headers and a whole request may
 * take, how long an idle connection is kept, how many connections are open at once. Without them a client
 * that sends one byte every few seconds, never finishes its headers, or sends less than its Content-Length
 * holds a socket (and its memory) for as long as it likes, and enough of them starve the real senders.
 *
 * Node's HTTP parser answers such clients itself (408, 431, 400) before Fastify sees a request, with an
 * empty body. `onClientError` answers instead, with the `JISR_ERR_*` body every other refusal has.
 */
import { type ServerOptions, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { JisrError } from "@jisr/core/errors";
import type { FastifyBaseLogger } from "fastify";
import { ERR } from "./errors.js";
import { errorBody } from "./plugins/app/error-handler.js";

export interface HttpLimits {
  /** Time to receive the request line and all headers; default 10 s. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included; default 25 s. At least `headersTimeoutMs`. */
  requestTimeoutMs: number;
  /** How long a kept-alive connection waits for its next request; default 10 s. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic at all for this long is closed (a stalled answer, too); default 60 s. */
  idleTimeoutMs: number;
  /** Most connections open at once; beyond it new ones are closed at once. Default 1024. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 25_000,
  keepAliveTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxConnections: 1024,
});

/**
 * Node checks the header and request timeouts every `connectionsCheckingInterval` (30 s by default), so
 * a slow client could last the timeout plus 30 s; once a second keeps it within the timeout plus 1 s.
 */
export const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** Node's limit on the size of all headers together (16 KiB unless node runs with --max-http-header-size). */
export const MAX_HEADER_BYTES = 16 * 1024;

/** The Fastify options that carry the limits (maxConnections is set on the server, see `applyHttpLimits`). */
export function fastifyHttpOptions(limits: HttpLimits) {
  const http: ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
  return {
    http,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
  };
}

/** Errors of the connection that Node reports as `clientError`, by Node's code. */
function errorFor(code: string | undefined): JisrError {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return ERR.REQUEST_TIMEOUT();
  if (code === "HPE_HEADER_OVERFLOW") return ERR.HEADERS_TOO_LARGE(MAX_HEADER_BYTES);
  return ERR.BAD_HTTP_REQUEST(code ?? "unreadable request");
}

/** A socket keeps reading (and discarding) this long after the answer, then closes. */
const LINGER_MS = 1000;
const answered = new WeakSet<Socket>();

/**
 * Fastify's `clientErrorHandler`: writes a complete HTTP/1.1 answer with a JSON error body, then closes.
 * It closes gracefully (end, then destroy a moment later): destroying a socket whose client is still
 * sending makes the kernel send a reset, and the client may then lose the answer it was about to read.
 */
export function clientErrorHandler(log: () => FastifyBaseLogger) {
  return function onClientError(err: Error & { code?: string }, socket: Socket): void {
    // The parser reports again for every chunk that still arrives: one answer per connection.
    if (answered.has(socket)) return;
    answered.add(socket);
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const error = errorFor(err.code);
    log().info({ code: error.code, cause: err.code, remote: socket.remoteAddress }, "Connection refused");
    // Once an answer has started on this socket, a second one would corrupt it; just close.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify(errorBody(error));
      socket.end(
        `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? ""}\r\n` +
          "Content-Type: application/json; charset=utf-8\r\n" +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          "Connection: close\r\n\r\n" +
          body,
      );
      socket.resume();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    } else socket.destroy();
  };
}
