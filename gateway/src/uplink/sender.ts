/**
 * Moves points from the outbox to the ingestion service: oldest first, in batches of at most
 * batch_max_points, every flush_interval. A batch leaves the outbox only when the server stored it (2xx)
 * or refused it for good (400: the batch can never succeed, so it must not block the queue). Everything
 * else keeps the data and retries later, with backoff and jitter, never before the server's Retry-After.
 */
import type { Logger } from "pino";
import { backoffDelay } from "../run/backoff.js";
import type { Outbox } from "./outbox.js";
import { type PostOutcome, postBatch, writeEndpoint } from "./post-batch.js";

export interface SenderOptions {
  /** Base URL of the ingestion service (uplink.url). */
  url: string;
  token: string;
  gatewayId: string;
  batchMaxPoints: number;
  flushIntervalMs: number;
  timeoutMs: number;
  outbox: Outbox;
  logger: Logger;
  /** Backoff after a failure that may pass by itself (503, network): first delay and ceiling. */
  retry?: { initialMs: number; maxMs: number };
  /** Backoff after a refusal that needs a human (401/403, wrong URL): slower, so logs stay readable. */
  refusedRetry?: { initialMs: number; maxMs: number };
  /** Jitter source; Math.random by default. */
  random?: () => number;
}

export interface SenderStatus {
  delivered_points: number;
  delivered_batches: number;
  /** Points in batches the server refused for good (HTTP 400). */
  rejected_points: number;
  /** Consecutive failed uploads (0 when the last one worked). */
  failures: number;
  /** Failed uploads since start (network, 5xx, 429, refusals): the health reading uplink_failures_total. */
  failures_total: number;
  last_delivery_at?: number;
  last_error?: string;
  /** When the next upload may be tried, while backing off. */
  retry_at?: number;
}

type Failure = Extract<PostOutcome, { kind: "unavailable" | "refused" }>;

export class Sender {
  readonly #o: SenderOptions;
  readonly #endpoint: string;
  readonly #log: Logger;
  readonly #status: SenderStatus = {
    delivered_points: 0,
    delivered_batches: 0,
    rejected_points: 0,
    failures: 0,
    failures_total: 0,
  };
  #batchSize: number;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #lastFailureKind: string | undefined;
  readonly #stopping = new AbortController();

  constructor(options: SenderOptions) {
    this.#o = options;
    this.#endpoint = writeEndpoint(options.url);
    this.#log = options.logger;
    this.#batchSize = options.batchMaxPoints;
  }

  status(): SenderStatus {
    return { ...this.#status };
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.#o.flushIntervalMs);
  }

  /** Sends what the outbox holds unless backing off; resolves when the outbox is empty or an upload failed. */
  flush(): Promise<void> {
    if (this.#draining !== undefined) return this.#draining;
    if (this.#status.retry_at !== undefined && Date.now() < this.#status.retry_at) return Promise.resolve();
    this.#draining = this.#drain(this.#stopping.signal)
      .catch((err: unknown) => this.#queueFailed(err))
      .finally(() => {
        this.#draining = undefined;
      });
    return this.#draining;
  }

  /** Stops the timer and makes one last attempt to deliver everything, abandoned after `deadlineMs`. */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.#timer);
    const deadline = setTimeout(() => this.#stopping.abort(), deadlineMs);
    try {
      await this.#draining;
      // Backoff is ignored on the way out: one more try costs little and may save the queue.
      this.#status.retry_at = undefined;
      if (!this.#stopping.signal.aborted) await this.flush();
    } finally {
      clearTimeout(deadline);
      this.#stopping.abort();
    }
  }

  async #drain(stopping: AbortSignal): Promise<void> {
    while (this.#o.outbox.size() > 0 && !stopping.aborted) {
      const batch = this.#o.outbox.peek(this.#batchSize);
      const outcome = await postBatch({
        endpoint: this.#endpoint,
        token: this.#o.token,
        userAgent: `jisr-gateway (${this.#o.gatewayId})`,
        points: batch.map((e) => e.point),
        signal: AbortSignal.any([stopping, AbortSignal.timeout(this.#o.timeoutMs)]),
      });
      const ids = batch.map((e) => e.id);
      if (outcome.kind === "delivered") this.#delivered(ids);
      else if (outcome.kind === "rejected") this.#rejected(ids, outcome);
      else if (outcome.kind === "too_large" && batch.length > 1) this.#shrink(batch.length, outcome.message);
      else if (outcome.kind === "too_large") this.#rejected(ids, { ...outcome, problems: [] });
      else return this.#failed(outcome);
    }
  }

  #delivered(ids: number[]): void {
    this.#o.outbox.ack(ids);
    const s = this.#status;
    if (s.failures > 0) this.#log.info({ failed_attempts: s.failures }, "Uplink delivering again");
    s.delivered_points += ids.length;
    s.delivered_batches++;
    s.last_delivery_at = Date.now();
    s.failures = 0;
    s.retry_at = undefined;
    s.last_error = undefined;
    this.#lastFailureKind = undefined;
  }

  #rejected(ids: number[], outcome: { status: number; message: string; problems: unknown[] }): void {
    this.#o.outbox.ack(ids);
    this.#status.rejected_points += ids.length;
    this.#status.last_error = `HTTP ${outcome.status}: ${outcome.message}`;
    this.#log.error(
      {
        status: outcome.status,
        points: ids.length,
        rejected_total: this.#status.rejected_points,
        problems: outcome.problems.slice(0, 20),
      },
      `Server refused a batch for good; dropped it: ${outcome.message}`,
    );
  }

  #shrink(size: number, message: string): void {
    this.#batchSize = Math.max(1, Math.floor(size / 2));
    this.#log.warn(
      { status: 413, batch_points: this.#batchSize },
      `Server says the batch is too large (${message}); sending smaller batches (lower uplink.batch_max_points)`,
    );
  }

  /**
   * The queue itself failed (damaged file, disk error): nothing the network can fix, but the next attempt
   * may work (a full disk gets room). Logged once per kind of error, retried slowly.
   */
  #queueFailed(err: unknown): void {
    const s = this.#status;
    const message = err instanceof Error ? err.message : String(err);
    s.failures++;
    s.failures_total++;
    s.last_error = message;
    const policy = this.#o.refusedRetry ?? { initialMs: 30_000, maxMs: 600_000 };
    const delay = backoffDelay(s.failures, { ...policy, random: this.#o.random ?? Math.random });
    s.retry_at = Date.now() + delay;
    if (this.#lastFailureKind === `queue:${message}`) return;
    this.#lastFailureKind = `queue:${message}`;
    this.#log.error({ err, retry_in_ms: delay }, `Cannot read the queue: ${message}`);
  }

  #failed(outcome: Failure): void {
    const s = this.#status;
    s.failures++;
    s.failures_total++;
    s.last_error = outcome.status ? `HTTP ${outcome.status}: ${outcome.message}` : outcome.message;
    const refused = outcome.kind === "refused";
    const policy = refused
      ? (this.#o.refusedRetry ?? { initialMs: 30_000, maxMs: 600_000 })
      : (this.#o.retry ?? { initialMs: 1000, maxMs: 300_000 });
    const random = this.#o.random ?? Math.random;
    const delay = Math.max(
      backoffDelay(s.failures, { ...policy, random }),
      refused ? 0 : (outcome.retryAfterMs ?? 0),
    );
    s.retry_at = Date.now() + delay;
    this.#logFailure(outcome, delay);
  }

  /** One log line when the kind of failure changes, not one per attempt (the status has the count). */
  #logFailure(outcome: Failure, delayMs: number): void {
    const kind = `${outcome.kind}:${outcome.status ?? "network"}`;
    const context = { status: outcome.status, queued: this.#o.outbox.size(), retry_in_ms: delayMs };
    if (kind === this.#lastFailureKind) {
      this.#log.debug(context, `Upload failed again: ${outcome.message}`);
      return;
    }
    this.#lastFailureKind = kind;
    if (outcome.kind === "refused") {
      const hint =
        outcome.status === 401 || outcome.status === 403
          ? "check uplink.token and that it belongs to this institution"
          : "check uplink.url";
      this.#log.error(
        context,
        `Server refused the upload (${outcome.message}): ${hint}; data kept, retrying slowly`,
      );
    } else {
      this.#log.warn(context, `Upload failed (${outcome.message}); data kept, retrying`);
    }
  }
}
