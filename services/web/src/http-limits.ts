/**
 * Timeouts and a connection cap for the web server, so that slow or unfinished requests (a body sent one
 * byte every 2 s, headers never finished, a body shorter than its Content-Length) cannot hold connections
 * open: Node's http server enforces them, Fastify passes them on, and `clientErrorHandler` answers what
 * can still be answered with a `JISR_ERR_*` body (408, 431, 400) before closing the connection.
 *
 *   headers     the request line and headers must arrive within this (from the first byte)
 *   request     the whole request, body included, must arrive within this
 *   keep-alive  an idle connection between two requests is closed after this
 *   idle        a connection with no byte in either direction (a client that stops reading a long
 *               answer) is closed after this
 *   connections open connections at most; Node closes the ones beyond at once (no answer is possible
 *               before a connection is accepted)
 *
 * Node checks the headers and request timeouts every `connectionsCheckingInterval` (30 s by default),
 * which would let a slow request live up to 30 s past its timeout: the interval follows the timeouts.
 */
import { type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { errorBody } from "@jisr/service-kit";
import type { FastifyHttpOptions, FastifyInstance } from "fastify";
import { z } from "zod";
import { WebError } from "./errors.js";

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
}

/**
 * Bodies here are small JSON (64 KiB at most, a login is 100 bytes): 20 s for a whole request is ample on
 * a poor mobile link, and with the checking interval a slow request is closed within 30 s at worst.
 * Keep-alive 10 s (Node's own default is 5 s); behind a reverse proxy that keeps connections to us open,
 * set it above the proxy's idle timeout (nginx: `keepalive_timeout` of the upstream, 60 s), so the proxy
 * closes first. A few hundred people with six connections per browser fit well under 1024 connections.
 * The same settings, names and defaults (but the request timeout) as the ingestion service's.
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  keepAliveTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxConnections: 1024,
};

const ms = z.number().int().min(1).max(3_600_000);

export const httpLimitsSchema = z
  .object({
    headersTimeoutMs: ms,
    requestTimeoutMs: ms,
    keepAliveTimeoutMs: ms,
    idleTimeoutMs: ms,
    maxConnections: z.number().int().min(1).max(1_000_000),
  })
  .refine((l) => l.headersTimeoutMs <= l.requestTimeoutMs, {
    message: "the headers timeout must not exceed the request timeout (Node refuses it)",
    path: ["headersTimeoutMs"],
  });

/** How often Node looks for requests past their timeout: a quarter of the shorter one, 0.25-5 s. */
export function checkingIntervalMs(l: HttpLimits): number {
  return Math.min(5_000, Math.max(250, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4)));
}

/** The longest a slow or unfinished request can keep its connection. */
export function worstCaseCloseMs(l: HttpLimits): number {
  return Math.max(l.headersTimeoutMs, l.requestTimeoutMs) + checkingIntervalMs(l);
}

/** Fastify's server options for these limits (`maxConnections` is set on the server once built). */
export function serverOptions(l: HttpLimits): FastifyHttpOptions<Server> {
  return {
    // Fastify sets these on the server itself, after creating it; the same values go to createServer.
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionTimeout: l.idleTimeoutMs,
    http: {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(l),
    },
    clientErrorHandler,
  };
}

const CLIENT_ERRORS: Record<string, () => WebError> = {
  ERR_HTTP_REQUEST_TIMEOUT: () =>
    new WebError(
      "JISR_ERR_REQUEST_TIMEOUT",
      408,
      "The request did not arrive in time (headers or body too slow, or the body shorter than its Content-Length)",
    ),
  HPE_HEADER_OVERFLOW: () =>
    new WebError("JISR_ERR_HEADERS_TOO_LARGE", 431, "The request's headers are too large (16 KiB at most)"),
};

const malformed = () => new WebError("JISR_ERR_BAD_REQUEST", 400, "Malformed HTTP request");

/** A socket keeps reading (and discarding) this long after the answer, then closes. */
const LINGER_MS = 1000;
const answered = new WeakSet<Socket>();

/**
 * Node's `clientError`: the request never reached Fastify's routing, so the error handler cannot answer
 * it. Answered here as Node would (only if nothing of a response was sent yet), with our error body, and
 * closed gracefully: destroying a socket whose client is still sending makes the kernel send a reset,
 * and the client may then lose the answer it was about to read.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  err: Error & { code?: string },
  socket: Socket,
): void {
  // The parser reports again for every chunk that still arrives: one answer per connection.
  if (answered.has(socket)) return;
  answered.add(socket);
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const error = (CLIENT_ERRORS[err.code ?? ""] ?? malformed)();
  this.log.info(
    { code: error.code, cause: err.code, remote: socket.remoteAddress },
    "Connection closed: client error",
  );
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(errorBody(error));
    socket.end(
      `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode]}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  } else socket.destroy();
}
