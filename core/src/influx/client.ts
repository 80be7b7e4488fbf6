/**
 * A thin client for InfluxDB's v1 HTTP API (`/ping`, `/write`, `/query`) on Node's fetch. The v1 API is
 * the one every generation speaks (1.x natively, 2.x and 3.x through v1 compatibility), including the
 * Debian 1.6.7 that has no `/api/v2/write`. It never names a retention policy (3.x folds it into the
 * database) and never retries by itself: callers decide, e.g. with `withRetry` (retry.ts).
 */
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
    // fetch refuses such URLs, and a password in a URL ends up in logs: it belongs in `auth`.
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

export class InfluxClient {
  readonly url: string;
  readonly database: string;
  readonly timeoutMs: number;
  readonly #authorization: string | undefined;
  readonly #log: Logger;
  readonly #closed = new AbortController();

  constructor(options: InfluxClientOptions) {
    const { logger, ...rest } = options;
    const parsed = influxClientOptionsSchema.safeParse(rest);
    if (!parsed.success) throw new ValidationError("InfluxDB client options", problemsOf(parsed.error));
    this.url = parsed.data.url.replace(/\/+$/, "");
    this.database = parsed.data.database;
    this.timeoutMs = parsed.data.timeoutMs;
    this.#authorization = authorizationHeader(parsed.data.auth);
    this.#log = (logger ?? pino()).child({
      component: "influx-client",
      url: this.url,
      database: this.database,
    });
  }

  /** GET /ping: any 2xx is up (1.x and 2.x answer 204, 3.x 200); never throws. */
  async ping(): Promise<PingResult> {
    try {
      const res = await this.#fetch(`ping ${this.url}`, "/ping", { method: "GET" });
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
    await this.#fetch(`write to "${this.database}" at ${this.url}`, `/write?${query}`, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: lines,
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
    const res = await this.#fetch(what, "/query", {
      method: "POST",
      // Uncompressed: fetch asks for gzip by default, and compressing a month of readings cost InfluxDB and
      // this process more CPU than sending it (the analytics job's answers are megabytes over loopback/LAN).
      headers: { "content-type": "application/x-www-form-urlencoded", "accept-encoding": "identity" },
      body: form,
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

  /** Aborts requests in flight; later requests fail with StoreUnavailableError. */
  close(): void {
    this.#closed.abort();
  }

  async #fetch(what: string, path: string, init: RequestInit): Promise<{ body: string; headers: Headers }> {
    const headers = new Headers(init.headers);
    if (this.#authorization) headers.set("authorization", this.#authorization);
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.#closed.signal]);
    let res: Response;
    let body: string;
    try {
      res = await fetch(`${this.url}${path}`, { ...init, headers, signal });
      body = await res.text();
    } catch (err) {
      throw errorFromFailure(what, err, this.timeoutMs);
    }
    if (!res.ok) {
      const request = path.startsWith("/write") ? "write" : "query";
      throw errorFromResponse(what, res.status, body, res.headers, request);
    }
    return { body, headers: res.headers };
  }
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
