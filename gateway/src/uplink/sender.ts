/**
 * Moves points from the outbox to the central side over a Transport (transport.ts): HTTP to the
 * ingestion service (http-transport.ts, the default) or MQTT to a broker (mqtt-sender.ts). This loop is
 * the only one, whatever the wire: oldest first, in batches of at most batch_max_points, every
 * flush_interval; during a backlog, live readings beside it (#drain). A point leaves the outbox only when
 * the other side took it (HTTP 2xx, MQTT PUBACK) or refused it for good for what it holds (400 with a
 * content code, see post-batch.ts; a point larger than the broker takes). The server refuses a whole
 * batch for one bad point and stores none of it, so a refused batch is split until only the bad points
 * are refused: the points the server names (`problems[].index`) are set aside and the rest sent again at
 * once; without names, the batch is halved, each half sent on its own, recursively. Every other failure
 * keeps the data and retries later, with backoff and jitter, never before the server's Retry-After.
 */
import type { Point } from "@jisr/core";
import type { Logger } from "pino";
import { backoffDelay } from "../util/backoff.js";
import { HttpTransport } from "./http-transport.js";
import type { Outbox, OutboxEntry, Rejection } from "./outbox.js";
import { type Transport, type TransportOutcome, unlessAborted } from "./transport.js";

/** What the loop needs, whatever the transport. */
export interface SenderLoopOptions {
  batchMaxPoints: number;
  flushIntervalMs: number;
  timeoutMs: number;
  outbox: Outbox;
  logger: Logger;
  /**
   * Backoff after a failure that may pass by itself (503, network): first delay and ceiling (1 s up to
   * 30 s by default; the gateway passes uplink.retry_max_delay).
   */
  retry?: { initialMs: number; maxMs: number };
  /** Backoff after a refusal that needs a human (401/403, wrong URL): slower, so logs stay readable. */
  refusedRetry?: { initialMs: number; maxMs: number };
  /** Jitter source; Math.random by default. */
  random?: () => number;
}

/** The HTTP uplink: a Sender over an HttpTransport. */
export interface SenderOptions extends SenderLoopOptions {
  /** Base URL of the ingestion service (uplink.url). */
  url: string;
  token: string;
  gatewayId: string;
}

/** A Sender over a transport of the caller's (MqttSender gives its MQTT one). */
export interface TransportSenderOptions extends SenderLoopOptions {
  transport: Transport;
}

export interface SenderStatus {
  delivered_points: number;
  delivered_batches: number;
  /** Points the server refused for good for what they hold (HTTP 400 with a content code). */
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

type Failure = Extract<TransportOutcome, { kind: "unavailable" | "refused" }>;
type Rejected = Extract<TransportOutcome, { kind: "rejected" }>;
type TooLarge = Extract<TransportOutcome, { kind: "too_large" }>;
/** What sending one batch came to: done (every point delivered or refused), a smaller batch size, or a failure. */
type Step = undefined | "resized" | Failure;

/** A refused point, for the log line that sums up a batch. */
interface Refused {
  entry: OutboxEntry;
  reason: string;
}

/** Longest Retry-After honoured. */
const RETRY_AFTER_MAX_MS = 300_000;

/** How many refused points one log line shows; the count has them all. */
const LOGGED_REFUSALS = 20;

export class Sender {
  readonly #o: SenderLoopOptions;
  readonly #transport: Transport;
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
  /** A batch the transport may still acknowledge (an MQTT PUBLISH without its PUBACK yet). */
  #late: { done: Promise<void>; timedOut: Failure } | undefined;
  readonly #stopping = new AbortController();

  constructor(options: SenderOptions | TransportSenderOptions) {
    this.#o = options;
    this.#transport = "transport" in options ? options.transport : new HttpTransport(options);
    this.#log = options.logger;
    this.#batchSize = options.batchMaxPoints;
  }

  status(): SenderStatus {
    return { ...this.#status };
  }

  /** Starts the transport's connection (a flush each time it is up) and a flush every flush_interval. */
  start(): void {
    this.#transport.start?.(() => void this.flush());
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

  /**
   * Stops the timer and makes one last attempt to deliver everything, abandoned after `deadlineMs`; then
   * closes the transport in what is left of it. What is not delivered stays queued.
   */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.#timer);
    const end = Date.now() + deadlineMs;
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
    await this.#transport.close?.(Math.max(end - Date.now(), 0));
  }

  /**
   * Sends the queue, oldest first. With a backlog (more than one batch waiting, e.g. after days without
   * link) a live lane runs beside it: before each batch of the backlog, the readings queued since the
   * drain began (ids above the newest id of the backlog) go out first, so the site's current values
   * reach the server within one round trip while weeks of history follow in order (issue 13).
   */
  async #drain(stopping: AbortSignal): Promise<void> {
    const outbox = this.#o.outbox;
    let backlogTop: number | undefined;
    while (outbox.size() > 0 && !stopping.aborted && (this.#transport.ready?.() ?? true)) {
      if (this.#late) {
        // Nothing else goes on the wire while a batch may still be acknowledged: it would be sent twice.
        const settled = await Promise.race([
          unlessAborted(
            this.#late.done.then(() => true),
            stopping,
          ),
          sleep(this.#o.timeoutMs).then(() => false),
        ]);
        if (settled) continue;
        if (!stopping.aborted) this.#failed(this.#late.timedOut);
        return;
      }
      if (backlogTop === undefined && outbox.size() > this.#batchSize) backlogTop = outbox.newestId?.();
      if (backlogTop !== undefined && outbox.peekAfter) {
        const live = outbox.peekAfter(backlogTop, this.#batchSize);
        if (live.length > 0) {
          const step = await this.#sendBatch(live, stopping);
          if (step === "resized") continue;
          if (step !== undefined) return this.#failed(step);
        }
      }
      const step = await this.#sendBatch(outbox.peek(this.#batchSize), stopping);
      if (step === "resized") continue;
      if (step !== undefined) return this.#failed(step);
    }
  }

  /** One batch, its refusals logged in one line. */
  async #sendBatch(batch: OutboxEntry[], stopping: AbortSignal): Promise<Step> {
    const refused: Refused[] = [];
    const step = await this.#send(batch, refused, stopping);
    if (refused.length > 0) this.#logRefused(refused, batch.length);
    return step;
  }

  /** Sends `batch` and deals with the answer; a refusal for content is narrowed down to the bad points. */
  async #send(batch: OutboxEntry[], refused: Refused[], stopping: AbortSignal): Promise<Step> {
    const outcome = await this.#transport.send(
      batch.map((e) => e.point),
      AbortSignal.any([stopping, AbortSignal.timeout(this.#o.timeoutMs)]),
    );
    switch (outcome.kind) {
      case "delivered":
        this.#delivered(batch.map((e) => e.id));
        return undefined;
      case "rejected":
        return this.#narrow(batch, outcome, refused, stopping);
      case "too_large":
        if (batch.length > 1) {
          this.#shrink(batch.length, outcome);
          return "resized";
        }
        // One point too large for our ingestion can never be sent; a proxy's limit is the config's fault.
        if (outcome.ours) {
          this.#refuse(
            [{ entry: batch[0] as OutboxEntry, reason: outcome.message }],
            refused,
            outcome.status,
          );
          return undefined;
        }
        return {
          kind: "refused",
          ...(outcome.status !== undefined && { status: outcome.status }),
          message: outcome.message,
        };
      case "unavailable":
        if (outcome.late) this.#holdLate(batch, outcome.late, outcome);
        return outcome;
      default:
        return outcome;
    }
  }

  /**
   * The transport may still acknowledge `batch` after saying it failed (no PUBACK within uplink.timeout):
   * its late answer counts as any other (acknowledged, or a smaller batch size), and the next drain waits
   * for it before sending anything else.
   */
  #holdLate(batch: OutboxEntry[], late: Promise<TransportOutcome>, timedOut: Failure): void {
    const held = {
      done: late.then(
        (outcome) => {
          if (outcome.kind === "delivered") this.#delivered(batch.map((e) => e.id));
          else if (outcome.kind === "too_large" && batch.length > 1) this.#shrink(batch.length, outcome);
        },
        () => undefined,
      ),
      timedOut: { kind: "unavailable", message: timedOut.message } as const,
    };
    this.#late = held;
    void held.done.finally(() => {
      if (this.#late === held) this.#late = undefined;
    });
  }

  /**
   * The server stored none of `batch` because of some of its points. One point: it is the bad one. Points
   * named by the server: set them aside, send the others again at once. Otherwise: each half on its own.
   */
  async #narrow(
    batch: OutboxEntry[],
    outcome: Rejected,
    refused: Refused[],
    stopping: AbortSignal,
  ): Promise<Step> {
    if (batch.length === 1) {
      this.#refuse([{ entry: batch[0] as OutboxEntry, reason: outcome.message }], refused, outcome.status);
      return undefined;
    }
    const named = namedPoints(outcome.problems, batch.length);
    if (named.size > 0) {
      this.#refuse(
        [...named].map(([i, reason]) => ({ entry: batch[i] as OutboxEntry, reason })),
        refused,
        outcome.status,
      );
      const rest = batch.filter((_, i) => !named.has(i));
      return rest.length > 0 ? this.#send(rest, refused, stopping) : undefined;
    }
    const half = Math.ceil(batch.length / 2);
    const first = await this.#send(batch.slice(0, half), refused, stopping);
    return first ?? this.#send(batch.slice(half), refused, stopping);
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

  /** Takes refused points out of the queue (into its `rejected` table where it has one) and counts them. */
  #refuse(points: Refused[], refused: Refused[], status: number | undefined): void {
    const rejections: Rejection[] = points.map((r) => ({ id: r.entry.id, reason: r.reason }));
    if (this.#o.outbox.reject) this.#o.outbox.reject(rejections);
    else this.#o.outbox.ack(rejections.map((r) => r.id));
    this.#status.rejected_points += points.length;
    const reason = points[points.length - 1]?.reason;
    this.#status.last_error = status !== undefined ? `HTTP ${status}: ${reason}` : `${reason}`;
    refused.push(...points);
  }

  /** One line per batch, however many points were refused in it and however it was split. */
  #logRefused(refused: Refused[], batchPoints: number): void {
    this.#log.error(
      {
        refused_points: refused.length,
        batch_points: batchPoints,
        rejected_total: this.#status.rejected_points,
        refused: refused
          .slice(0, LOGGED_REFUSALS)
          .map((r) => ({ ...describe(r.entry.point), reason: r.reason })),
      },
      `${this.#transport.peer} refused ${refused.length} of ${batchPoints} point(s) for good and they were dropped` +
        `${refused.length < batchPoints ? "; the others were sent" : ""}: ${refused[0]?.reason}`,
    );
  }

  #shrink(size: number, outcome: TooLarge): void {
    this.#batchSize = Math.max(1, Math.floor(size / 2));
    this.#log.warn(
      { status: outcome.status, batch_points: this.#batchSize },
      `${this.#transport.peer} says the batch is too large (${outcome.message}); sending smaller batches (lower uplink.batch_max_points)`,
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
      : (this.#o.retry ?? { initialMs: 1000, maxMs: 30_000 });
    const random = this.#o.random ?? Math.random;
    // Retry-After is the server's wish and is honoured, but only up to RETRY_AFTER_MAX_MS: a proxy that
    // says "come back tomorrow" must not hold a site's readings for a day.
    const retryAfter = refused ? 0 : Math.min(outcome.retryAfterMs ?? 0, RETRY_AFTER_MAX_MS);
    const delay = Math.max(backoffDelay(s.failures, { ...policy, random }), retryAfter);
    s.retry_at = Date.now() + delay;
    this.#logFailure(outcome, delay);
  }

  /** One log line when the kind of failure changes, not one per attempt (the status has the count). */
  #logFailure(outcome: Failure, delayMs: number): void {
    // HTTP: by status (one line per kind of answer); MQTT answers have none: by what went wrong.
    const kind = `${outcome.kind}:${outcome.status ?? outcome.message}`;
    const context = { status: outcome.status, queued: this.#o.outbox.size(), retry_in_ms: delayMs };
    if (kind === this.#lastFailureKind) {
      this.#log.debug(context, `Upload failed again: ${outcome.message}`);
      return;
    }
    this.#lastFailureKind = kind;
    if (outcome.kind === "refused") {
      // An HTTP refusal is the token's or the URL's; an MQTT one names what to check in its message.
      const hint =
        outcome.status === undefined
          ? ""
          : outcome.status === 401 || outcome.status === 403
            ? ": check uplink.token and that it belongs to this institution"
            : ": check uplink.url";
      this.#log.error(
        context,
        `${this.#transport.peer} refused the upload (${outcome.message})${hint}; data kept, retrying slowly`,
      );
    } else {
      this.#log.warn(context, `Upload failed (${outcome.message}); data kept, retrying`);
    }
  }
}

/**
 * The points the server names as bad, by position, with their reasons: ingestion lists them as
 * `problems: [{ index, path, message }]`. Empty unless every problem names a point of this batch: a
 * problem of the whole body, or an index that does not fit, means the list cannot be trusted to be about
 * these points.
 */
export function namedPoints(problems: unknown[], size: number): Map<number, string> {
  const named = new Map<number, string>();
  for (const p of problems) {
    const { index, path, message } = (p ?? {}) as { index?: unknown; path?: unknown; message?: unknown };
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= size) return new Map();
    // "points.3.fields.state" → "fields.state": the position is this batch's, not the queue's.
    const where = typeof path === "string" ? `${path.replace(/^points\.\d+\.?/, "") || "point"}: ` : "";
    const why = `${where}${typeof message === "string" ? message : "refused"}`;
    const before = named.get(index);
    named.set(index, before === undefined ? why : `${before}; ${why}`);
  }
  return named;
}

/** Which reading a point is, for a log line. */
function describe(point: Point): Record<string, unknown> {
  return { measurement: point.measurement, device: point.tags.device, time: point.time };
}

/** A wait that does not keep the process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
