/**
 * Limits of the HTTP exchange itself, before any route runs, for every service that listens: how long
 * headers and a whole request may take, how long an idle connection is kept, how many connections are
 * open at once. Without them a client that sends one byte every few seconds, never finishes its headers,
 * or sends less than its Content-Length holds a socket (and its memory) for as long as it likes, and
 * enough of them starve the real clients.
 *
 *   headers     the request line and headers must arrive within this (from the first byte)
 *   request     the whole request, body included, must arrive within this
 *   keep-alive  an idle connection between two requests is closed after this
 *   idle        a connection with no byte in either direction (a client that stops reading a long
 *               answer) is closed after this
 *   connections open connections at most; Node closes the ones beyond at once (no answer is possible
 *               before a connection is accepted)
 *
 * Node's HTTP parser answers such clients itself (408, 431, 400) before Fastify sees a request, with an
 * empty body. `clientErrorHandler` answers instead, with the `JISR_ERR_*` body every other refusal has;
 * each service may pass its own catalogue entries for these three (`ClientErrors`).
 */
import { type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { JisrError } from "@jisr/core/errors";
import type { FastifyHttpOptions, FastifyInstance } from "fastify";
import { z } from "zod";
import { errorBody } from "./fastify/error-handler.js";

export interface HttpLimits {
  /** Time to receive the request line and all headers. At most `requestTimeoutMs` (Node refuses more). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included. */
  requestTimeoutMs: number;
  /** How long a kept-alive connection waits for its next request. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic at all for this long is closed (a stalled answer, too). */
  idleTimeoutMs: number;
  /** Most connections open at once; beyond it new ones are closed at once. */
  maxConnections: number;
}

/**
 * 20 s for a whole request is ample for small JSON bodies on a poor mobile link; a service that takes
 * large bodies passes a longer request timeout (ingestion: 25 s for up to 10 MiB). Keep-alive 10 s (Node's
 * own default is 5 s); behind a reverse proxy that keeps connections to us open, set it above the proxy's
 * idle timeout (nginx: `keepalive_timeout` of the upstream, 60 s), so the proxy closes first. A few hundred
 * clients with six connections each fit well under 1024 connections.
 */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  keepAliveTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxConnections: 1024,
});

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

/**
 * The limits given over the defaults, each not given (or given `undefined`, as an unset CLI option is)
 * taking its default; checked here too, not only by the CLIs: Node throws later, and less clearly, on a
 * headers timeout longer than the request timeout.
 */
export function resolveHttpLimits(
  given: Partial<HttpLimits> = {},
  defaults: Readonly<HttpLimits> = DEFAULT_HTTP_LIMITS,
): HttpLimits {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return httpLimitsSchema.parse({ ...defaults, ...defined });
}

/**
 * How often Node looks for requests past their timeout: a quarter of the shorter one, 0.25-5 s. Node's
 * default (30 s) would let a slow request live up to 30 s past its timeout; the interval follows the
 * timeouts instead, without a check every few milliseconds for short ones.
 */
export function checkingIntervalMs(l: HttpLimits): number {
  return Math.min(5_000, Math.max(250, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4)));
}

/** The longest a slow or unfinished request can keep its connection. */
export function worstCaseCloseMs(l: HttpLimits): number {
  return Math.max(l.headersTimeoutMs, l.requestTimeoutMs) + checkingIntervalMs(l);
}

/** Node's limit on the size of all headers together, set explicitly so that the 431's message holds. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** The errors answered for what Node's parser refuses; each service may pass its catalogue's entries. */
export interface ClientErrors {
  /** 408: headers or body too slow, or a body shorter than its Content-Length. */
  requestTimeout: () => JisrError;
  /** 431: headers larger than `maxBytes` together. */
  headersTooLarge: (maxBytes: number) => JisrError;
  /** 400: not HTTP/1.1; `cause` is Node's parser code (HPE_INVALID_METHOD...). */
  badRequest: (cause: string) => JisrError;
}

export const DEFAULT_CLIENT_ERRORS: Readonly<ClientErrors> = Object.freeze({
  requestTimeout: () =>
    new JisrError(
      "JISR_ERR_REQUEST_TIMEOUT",
      408,
      "The request did not arrive in time (headers or body too slow, or the body shorter than its Content-Length)",
    ),
  headersTooLarge: (maxBytes: number) =>
    new JisrError(
      "JISR_ERR_HEADERS_TOO_LARGE",
      431,
      `The request's headers are too large (${maxBytes / 1024} KiB at most)`,
    ),
  badRequest: () => new JisrError("JISR_ERR_BAD_REQUEST", 400, "Malformed HTTP request"),
});

/**
 * Fastify's server options for these limits (`maxConnections` is set on the server once built:
 * `app.server.maxConnections = limits.maxConnections`, Fastify has no option for it).
 */
export function httpServerOptions(
  l: HttpLimits,
  errors: Readonly<ClientErrors> = DEFAULT_CLIENT_ERRORS,
): FastifyHttpOptions<Server> {
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
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    clientErrorHandler: clientErrorHandler(errors),
  };
}

/** The error for a connection error Node reports as `clientError`, by Node's code. */
function errorFor(errors: Readonly<ClientErrors>, code: string | undefined): JisrError {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return errors.requestTimeout();
  if (code === "HPE_HEADER_OVERFLOW") return errors.headersTooLarge(MAX_HEADER_BYTES);
  return errors.badRequest(code ?? "unreadable request");
}

/** A socket keeps reading (and discarding) this long after the answer, then closes. */
const LINGER_MS = 1000;
const answered = new WeakSet<Socket>();

/**
 * Fastify's `clientErrorHandler` (Fastify binds `this` to the instance): the request never reached
 * routing, so the error handler cannot answer it. Answered here as Node would (only if nothing of a
 * response was sent yet), with a complete HTTP/1.1 answer and a JSON error body, and closed gracefully
 * (end, then destroy a moment later): destroying a socket whose client is still sending makes the kernel
 * send a reset, and the client may then lose the answer it was about to read.
 */
export function clientErrorHandler(errors: Readonly<ClientErrors> = DEFAULT_CLIENT_ERRORS) {
  return function onClientError(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
    // The parser reports again for every chunk that still arrives: one answer per connection.
    if (answered.has(socket)) return;
    answered.add(socket);
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const error = errorFor(errors, err.code);
    this.log.info(
      { code: error.code, cause: err.code, remote: socket.remoteAddress },
      "Connection closed: client error",
    );
    // Once an answer has started on this socket, a second one would corrupt it; just close.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify(errorBody(error));
      socket.end(
        `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? ""}\r\n` +
          "Content-Type: application/json; charset=utf-8\r\n" +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      socket.resume();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    } else socket.destroy();
  };
}
