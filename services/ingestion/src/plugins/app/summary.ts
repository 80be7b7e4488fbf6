/**
 * Logging at fleet scale: 4,000 sites posting every 10 s are 400 requests a second, so a line per request
 * at `info` would be most of the service's work and drown what matters. Each request is logged at `debug`;
 * at `info`, one summary per interval: requests, points stored, refusals by code, latency percentiles.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyRequest {
    /** Points of the batch once it was decoded (0 before). */
    batchPoints: number;
    /** The JISR_ERR_* code the request was answered with, if any. */
    refusal: string | undefined;
  }
}

export const DEFAULT_SUMMARY_INTERVAL_S = 60;

/** Latencies kept per interval for the percentiles; beyond, a uniform sample of them (reservoir). */
const MAX_SAMPLES = 10_000;

export interface SummaryLine {
  interval_s: number;
  requests: number;
  /** Points of the requests answered 204. */
  points: number;
  /** Requests answered with an error, by JISR_ERR_* code. */
  refusals: Record<string, number>;
  latency_ms: { p50: number; p95: number; p99: number; max: number };
}

export class RequestSummary {
  #requests = 0;
  #points = 0;
  #refusals: Record<string, number> = {};
  #samples: number[] = [];
  #max = 0;
  #since = Date.now();

  record(ms: number, points: number, refusal: string | undefined): void {
    this.#requests++;
    if (refusal) this.#refusals[refusal] = (this.#refusals[refusal] ?? 0) + 1;
    else this.#points += points;
    if (ms > this.#max) this.#max = ms;
    if (this.#samples.length < MAX_SAMPLES) this.#samples.push(ms);
    else {
      const j = Math.floor(Math.random() * this.#requests);
      if (j < MAX_SAMPLES) this.#samples[j] = ms;
    }
  }

  /** The summary since the last call, and a fresh start; undefined when no request came. */
  take(now = Date.now()): SummaryLine | undefined {
    if (this.#requests === 0) {
      this.#since = now;
      return undefined;
    }
    const sorted = this.#samples.sort((a, b) => a - b);
    const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
    const line: SummaryLine = {
      interval_s: round((now - this.#since) / 1000),
      requests: this.#requests,
      points: this.#points,
      refusals: this.#refusals,
      latency_ms: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(this.#max) },
    };
    this.#requests = 0;
    this.#points = 0;
    this.#refusals = {};
    this.#samples = [];
    this.#max = 0;
    this.#since = now;
    return line;
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

export default fp<{ intervalMs: number }>(
  async (app: FastifyInstance, opts) => {
    const summary = new RequestSummary();
    app.decorate("requestSummary", summary);
    app.decorateRequest("batchPoints", 0);
    app.decorateRequest("refusal", undefined);
    app.addHook("onResponse", async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.routeOptions.url !== "/api/v1/write") return;
      const ms = reply.elapsedTime;
      summary.record(ms, request.batchPoints, request.refusal);
      // Fastify's own words and `req` (through the logger's serializers, and the redaction of the token),
      // so a debug log reads as Fastify's request log did.
      // Optional call: with `logger: false` Fastify's stand-in logger has no isLevelEnabled, and a hook
      // that throws stops the onResponse hooks after it (the body pool's among them).
      if ((request.log as unknown as { isLevelEnabled?(l: string): boolean }).isLevelEnabled?.("debug"))
        request.log.debug(
          {
            req: request,
            statusCode: reply.statusCode,
            points: request.batchPoints,
            code: request.refusal,
            responseTime: round(ms),
          },
          "request completed",
        );
    });
    if (opts.intervalMs <= 0) return;
    const timer = setInterval(() => {
      const line = summary.take();
      if (line) app.log.info(line, "Ingestion summary");
    }, opts.intervalMs);
    timer.unref();
    app.addHook("onClose", async () => {
      clearInterval(timer);
      const line = summary.take();
      if (line) app.log.info(line, "Ingestion summary");
    });
  },
  { name: "jisr-ingestion-summary" },
);

declare module "fastify" {
  interface FastifyInstance {
    requestSummary: RequestSummary;
  }
}
