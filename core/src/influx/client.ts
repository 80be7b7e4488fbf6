/**
 * A thin client for InfluxDB's v1 HTTP API (`/ping`, `/write`, `/query`) on node:http / node:https with
 * kept-alive connections. The v1 API is the one every generation speaks (1.x natively, 2.x and 3.x through
 * v1 compatibility), including the Debian 1.6.7 that has no `/api/v2/write`. It never names a retention
 * policy (3.x folds it into the database) and never retries by itself: callers decide, e.g. with
 * `withRetry` (retry.ts). The one exception is a request sent on a kept-alive connection the server had
 * already closed, which never reached it and is sent once more.
 *
 * Why not fetch: the analytics job reads megabytes of answers, and undici's web streams (a copy of every
 * chunk, a TextDecoder) cost this process about a third of its CPU for the month (issue 12); node:http
 * hands over the socket's buffers as they are.
 */
import http from "node:http";
import https from "node:https";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { problemsOf, ValidationError } from "../errors.js";
import type { Precision } from "../line-protocol.js";
import { StoreRejectedError, StoreUnavailableError } from "../store/types.js";
import { errorFromFailure, errorFromResponse, InfluxHttpError } from "./http-errors.js";
import { quoteIdentifier } from "./influxql.js";
import { queryResponseSchema, type StatementResult, toStatementResults } from "./response.js";
import { generationOf, type ServerInfo } from "./server.js";

const authSchema = z.union([
  z.strictObject({ token: z.string().min(1, "must not be empty") }),
  z.strictObject({ username: z.string().min(1, "must not be empty"), password: z.string() }),
]);

export const influxClientOptionsSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
    // A password in a URL ends up in logs (and fetch, which this client once used, refuses it): it
    // belongs in `auth`.
    .refine((u) => !/^https?:\/\/[^/]*@/.test(u), "must not hold credentials: give them in auth"),
  database: z.string().min(1, "must not be empty").max(255),
  /** None on 1.x without auth, `{ token }` on 2.x/3.x (sent as `Token …`), or user and password (Basic). */
  auth: authSchema.optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
});

export type InfluxClientOptions = z.input<typeof influxClientOptionsSchema> & { logger?: Logger };
export type InfluxAuth = z.infer<typeof authSchema>;
export type QueryParams = Record<string, string | number | boolean>;

export interface PingResult {
  ok: boolean;
  version?: string;
  build?: string;
  /** Why the ping failed, when it did. */
  error?: string;
}

export interface CreateDatabaseResult {
  /** True when this client ran `CREATE DATABASE` (1.x; idempotent, so also when it existed). */
  created: boolean;
  server: ServerInfo;
}

/** What a request sends; the answer comes back whole (InfluxDB's answers are one JSON document). */
interface Request {
  method: "GET" | "POST";
  path: string;
  headers?: http.OutgoingHttpHeaders;
  /** Text (sent as UTF-8), or buffers sent as they are. */
  body?: string | readonly Buffer[];
}

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

/** Sockets per client: the analytics job keeps a few queries in flight; more only queue at InfluxDB. */
const MAX_SOCKETS = 16;

/** A request whose kept-alive connection the server closed as it was reused never reached it. */
const STALE_SOCKET = new Set(["ECONNRESET", "EPIPE"]);

export class InfluxClient {
  readonly url: string;
  readonly database: string;
  readonly timeoutMs: number;
  readonly #authorization: string | undefined;
  readonly #log: Logger;
  #closed = false;
  /** Requests in flight, destroyed by close(). */
  readonly #inFlight = new Set<http.ClientRequest>();
  readonly #request: typeof http.request;
  readonly #agent: http.Agent;

  constructor(options: InfluxClientOptions) {
    const { logger, ...rest } = options;
    const parsed = influxClientOptionsSchema.safeParse(rest);
    if (!parsed.success) throw new ValidationError("InfluxDB client options", problemsOf(parsed.error));
    this.url = parsed.data.url.replace(/\/+$/, "");
    this.database = parsed.data.database;
    this.timeoutMs = parsed.data.timeoutMs;
    this.#authorization = authorizationHeader(parsed.data.auth);
    const secure = new URL(this.url).protocol === "https:";
    this.#request = secure ? https.request : http.request;
    this.#agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: MAX_SOCKETS });
    this.#log = (logger ?? pino()).child({
      component: "influx-client",
      url: this.url,
      database: this.database,
    });
  }

  /** GET /ping: any 2xx is up (1.x and 2.x answer 204, 3.x 200); never throws. */
  async ping(): Promise<PingResult> {
    try {
      const res = await this.#send(`ping ${this.url}`, { method: "GET", path: "/ping" });
      const version = res.headers.get("x-influxdb-version") ?? versionFromBody(res.body);
      const build = res.headers.get("x-influxdb-build") ?? undefined;
      return { ok: true, ...(version ? { version } : {}), ...(build ? { build } : {}) };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  /** The server generation, from the ping version; throws StoreUnavailableError when it does not answer. */
  async detectServer(): Promise<ServerInfo> {
    const ping = await this.ping();
    if (!ping.ok) throw new StoreUnavailableError(ping.error ?? `InfluxDB at ${this.url} does not answer`);
    return {
      generation: generationOf(ping.version),
      ...(ping.version ? { version: ping.version } : {}),
      ...(ping.build ? { build: ping.build } : {}),
    };
  }

  /** POST /write: `lines` is line protocol with explicit timestamps in `precision`. */
  async write(lines: string, precision: Precision = "ms"): Promise<void> {
    if (lines.trim() === "") return;
    const query = new URLSearchParams({ db: this.database, precision });
    await this.#send(`write to "${this.database}" at ${this.url}`, {
      method: "POST",
      path: `/write?${query}`,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: lines,
    });
  }

  /**
   * POST /write of line protocol already encoded, as the buffers given: written to the socket as they
   * are (one writev), not joined nor encoded again. The lines' timestamps are in `precision`.
   */
  async writeBuffers(chunks: readonly Buffer[], precision: Precision = "ms"): Promise<void> {
    const query = new URLSearchParams({ db: this.database, precision });
    await this.#send(`write to "${this.database}" at ${this.url}`, {
      method: "POST",
      path: `/write?${query}`,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: chunks,
    });
  }

  /**
   * POST /query with InfluxQL; times come back as epoch ms. `params` fill `$name` placeholders (1.x bound
   * parameters). Throws StoreRejectedError when any statement failed.
   */
  async query(influxql: string, params?: QueryParams): Promise<StatementResult[]> {
    const form = new URLSearchParams({ q: influxql, db: this.database, epoch: "ms" });
    if (params) form.set("params", JSON.stringify(params));
    const what = `query on "${this.database}" at ${this.url}`;
    const res = await this.#send(what, {
      method: "POST",
      path: "/query",
      // Uncompressed (asked explicitly, as a proxy may compress otherwise): compressing a month of readings
      // costs InfluxDB and this process more CPU than sending it (megabytes over loopback/LAN).
      headers: { "content-type": "application/x-www-form-urlencoded", "accept-encoding": "identity" },
      body: form.toString(),
    });
    const parsed = queryResponseSchema.safeParse(safeJson(res.body));
    if (!parsed.success) {
      throw new StoreRejectedError(
        `${what}: unexpected answer (not InfluxDB query JSON): ${res.body.slice(0, 200)}`,
      );
    }
    const failed = [parsed.data.error, ...(parsed.data.results ?? []).map((r) => r.error)].find(Boolean);
    if (failed) throw statementError(what, failed, influxql);
    return toStatementResults(parsed.data);
  }

  /**
   * Makes sure the database exists, the way the server generation allows: `CREATE DATABASE` on 1.x
   * (idempotent). 2.x and 3.x refuse DDL over InfluxQL: there the bucket (with its DBRP mapping on 2.0-2.3)
   * is created by the admin, or on 3.x on first write, so this only logs it.
   */
  async createDatabase(): Promise<CreateDatabaseResult> {
    const server = await this.detectServer();
    if (server.generation === "2.x" || server.generation === "3.x") {
      this.#log.info(
        { generation: server.generation, version: server.version },
        server.generation === "2.x"
          ? "InfluxDB 2.x: the bucket and its v1 DBRP mapping are created by the admin, not by Jisr"
          : "InfluxDB 3.x: the database is created by the admin or on first write",
      );
      return { created: false, server };
    }
    try {
      await this.query(`CREATE DATABASE ${quoteIdentifier(this.database)}`);
      return { created: true, server };
    } catch (err) {
      // A 1.x user without admin rights, or an unknown server refusing DDL: the database may well exist
      // already; the first write reports it clearly if it does not.
      const status =
        err instanceof StoreRejectedError && err.cause instanceof InfluxHttpError ? err.cause.status : 0;
      const refusedDdl =
        server.generation === "unknown" && err instanceof StoreRejectedError && status !== 401;
      if (status !== 403 && !refusedDdl) throw err;
      this.#log.warn(
        { err, generation: server.generation },
        "Cannot create the database; assuming the admin did",
      );
      return { created: false, server };
    }
  }

  /** Aborts requests in flight and closes the kept-alive connections; later requests fail with StoreUnavailableError. */
  close(): void {
    this.#closed = true;
    for (const req of this.#inFlight) req.destroy(abortError());
    this.#agent.destroy();
  }

  /** One request; a 2xx answer is returned, anything else thrown as the store error it means. */
  async #send(what: string, request: Request): Promise<Answer> {
    let res: Answer;
    try {
      res = await this.#exchange(request).catch((err: Error & { reusedSocket?: boolean; code?: string }) => {
        if (err.reusedSocket !== true || !STALE_SOCKET.has(err.code ?? "")) throw err;
        return this.#exchange(request);
      });
    } catch (err) {
      throw errorFromFailure(what, err, this.timeoutMs);
    }
    if (res.status < 200 || res.status > 299) {
      const kind = request.path.startsWith("/write") ? "write" : "query";
      throw errorFromResponse(what, res.status, res.body, res.headers, kind);
    }
    return res;
  }

  /**
   * Sends `request` and reads the whole answer, or fails with the transport's error: `TimeoutError` when
   * no whole answer came within timeoutMs, `AbortError` once the client is closed (errorFromFailure's
   * names), the socket's error otherwise (with `reusedSocket` set when the connection was a kept-alive one).
   */
  #exchange({ method, path, headers, body }: Request): Promise<Answer> {
    const sent: http.OutgoingHttpHeaders = { ...headers };
    if (this.#authorization) sent.authorization = this.#authorization;
    const payload =
      body === undefined ? undefined : typeof body === "string" ? [Buffer.from(body, "utf8")] : body;
    if (payload) sent["content-length"] = payload.reduce((n, b) => n + b.length, 0);
    return new Promise<Answer>((resolve, reject) => {
      if (this.#closed) return reject(abortError());
      // Appended, not resolved: an InfluxDB behind a proxy's path prefix (https://host/influx) keeps it.
      const req = this.#request(new URL(`${this.url}${path}`), { method, headers: sent, agent: this.#agent });
      this.#inFlight.add(req);
      req.on("close", () => this.#inFlight.delete(req));
      let timedOut: (Error & { reusedSocket?: boolean }) | undefined;
      const timer = setTimeout(() => {
        timedOut = new Error(`no answer within ${this.timeoutMs} ms`);
        timedOut.name = "TimeoutError";
        req.destroy(timedOut);
      }, this.timeoutMs);
      let answered = false;
      const fail = (cause: Error & { reusedSocket?: boolean }) => {
        clearTimeout(timer);
        // A timeout or close() that destroyed the request may surface as the socket's own error: say which.
        const err: Error & { reusedSocket?: boolean } = timedOut ?? (this.#closed ? abortError() : cause);
        // Only a request that got no answer at all may have died on a stale connection before InfluxDB saw it.
        err.reusedSocket = req.reusedSocket && !answered;
        reject(err);
      };
      req.on("error", fail);
      req.on("response", (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", fail);
        // A connection closed in the middle of the answer (no 'end'): it settles here, as a failure.
        res.on("close", () => {
          if (!res.complete) fail(new Error("the connection closed in the middle of the answer"));
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            headers: headersOf(res.headers),
          });
        });
      });
      // Corked: several buffers leave in one writev, not one syscall each.
      req.cork();
      for (const b of payload ?? []) req.write(b);
      req.uncork();
      req.end();
    });
  }
}

/** The error a closed client's requests fail with (errorFromFailure reads its name). */
function abortError(): Error {
  const err = new Error("the client was closed");
  err.name = "AbortError";
  return err;
}

/** Node's answer headers as a Headers, the type errorFromResponse and ping read them with. */
function headersOf(raw: http.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "string") out.set(k, v);
    else if (Array.isArray(v)) for (const x of v) out.append(k, x);
  }
  return out;
}

function authorizationHeader(auth: InfluxAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if ("token" in auth) return `Token ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** 3.x answers /ping with a JSON body holding the version. */
function versionFromBody(body: string): string | undefined {
  const json = safeJson(body) as { version?: unknown } | undefined;
  return typeof json?.version === "string" ? json.version : undefined;
}

/** A statement error is a refusal, except a query the server gave up on for load: that one may pass later. */
function statementError(what: string, error: string, influxql: string): Error {
  const q = influxql.length > 300 ? `${influxql.slice(0, 300)}…` : influxql;
  const message = `${what} failed: ${error} (query: ${q})`;
  if (/timeout|max-concurrent-queries|query killed|interrupted/i.test(error))
    return new StoreUnavailableError(message);
  return new StoreRejectedError(message);
}
