/**
 * The alerting API's client, for another process that shows alerts (the web page): the list, one alert,
 * the acknowledgement, and the alerts fired in a period (reports). The alerting service stays the one
 * process that owns its state file; everyone else goes through here, over HTTP. Every answer is checked
 * against the API's own schemas (schemas/alerts.ts), so a mismatch between versions is named, not guessed.
 */
import type { z } from "zod";
import { type AlertJson, alertListSchema, alertSchema, type alertsQuerySchema } from "./schemas/alerts.js";
import { errorBodySchema } from "./schemas/common.js";

export interface AlertingClientOptions {
  /** Where the alerting API listens, e.g. http://127.0.0.1:8091 */
  url: string;
  /** A token of its api.tokens; on_behalf: true to name who acknowledges. */
  token: string;
  /** Per request, ms; default 5000. The page waits this long at most for the alerts. */
  timeoutMs?: number;
}

/** The filters of GET /api/v1/alerts, as the caller writes them. */
export type AlertQuery = Partial<
  Pick<z.input<typeof alertsQuerySchema>, "state" | "severity" | "lang" | "institution">
> & {
  institutions?: readonly string[];
  limit?: number;
  /** With firedTo: every alert whose firing started in [firedFrom, firedTo), epoch ms. */
  firedFrom?: number;
  firedTo?: number;
};

/** The alerting service did not answer (down, unreachable, timed out, or failed with a 5xx). */
export class AlertingUnavailableError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`The alerting service at ${url} is unavailable: ${reason}`);
    this.name = "AlertingUnavailableError";
  }
}

/** The alerting service answered with one of its JISR_ERR_* errors (401, 403, 404, 409, 400). */
export class AlertingApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AlertingApiError";
  }
}

export interface AlertingClient {
  readonly url: string;
  list(query?: AlertQuery): Promise<AlertJson[]>;
  /** undefined when there is no such alert (or the token does not cover its institution). */
  get(id: string): Promise<AlertJson | undefined>;
  acknowledge(id: string, ack: { comment?: string; by?: string }): Promise<AlertJson>;
  /** The report's view (services/reports AlertHistory): alerts fired in [from, to). */
  firedBetween(
    from: number,
    to: number,
    institutions?: readonly string[],
  ): Promise<Array<{ institution: string; firingSince: number | null; resolvedAt: number | null }>>;
}

function queryString(q: AlertQuery): string {
  const params = new URLSearchParams();
  if (q.institution) params.set("institution", q.institution);
  if (q.institutions) params.set("institutions", q.institutions.join(","));
  if (q.state) params.set("state", q.state);
  if (q.severity) params.set("severity", q.severity);
  if (q.lang) params.set("lang", q.lang);
  if (q.limit !== undefined) params.set("limit", String(q.limit));
  if (q.firedFrom !== undefined) params.set("fired_from", new Date(q.firedFrom).toISOString());
  if (q.firedTo !== undefined) params.set("fired_to", new Date(q.firedTo).toISOString());
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function alertingClient(opts: AlertingClientOptions): AlertingClient {
  const base = opts.url.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function call<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, body?: unknown) {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const reason =
        (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (cause ?? String(err));
      throw new AlertingUnavailableError(base, reason);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (res.status >= 500) throw new AlertingUnavailableError(base, `HTTP ${res.status}`);
    if (!res.ok) {
      const error = errorBodySchema.safeParse(json);
      if (!error.success)
        throw new AlertingUnavailableError(base, `HTTP ${res.status} without an error body`);
      throw new AlertingApiError(res.status, error.data.error.code, error.data.error.message);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new AlertingUnavailableError(
        base,
        `its answer to ${method} ${path} does not match the API (${first?.path.join(".")}: ${first?.message})`,
      );
    }
    return parsed.data;
  }

  const client: AlertingClient = {
    url: base,
    async list(query = {}) {
      return (await call("GET", `/api/v1/alerts${queryString(query)}`, alertListSchema)).alerts;
    },
    async get(id) {
      try {
        return await call("GET", `/api/v1/alerts/${encodeURIComponent(id)}`, alertSchema);
      } catch (err) {
        if (err instanceof AlertingApiError && err.statusCode === 404) return undefined;
        throw err;
      }
    },
    acknowledge(id, ack) {
      return call("POST", `/api/v1/alerts/${encodeURIComponent(id)}/ack`, alertSchema, ack);
    },
    async firedBetween(from, to, institutions) {
      const alerts = await client.list({
        firedFrom: from,
        firedTo: to,
        ...(institutions && { institutions }),
      });
      return alerts.map((a) => ({
        institution: a.institution,
        firingSince: a.firing_since === null ? null : Date.parse(a.firing_since),
        resolvedAt: a.resolved_at === null ? null : Date.parse(a.resolved_at),
      }));
    },
  };
  return client;
}
