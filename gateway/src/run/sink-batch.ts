/**
 * Group commit of polls (issue 13, footprint): the pollers of a gateway share one sink (the durable
 * queue: one SQLite transaction, with its fsync, per call), and with 50 devices every 5 s the cost of a
 * transaction per poll was most of the gateway's busy time. Polls that end within a short window of one
 * another are handed to the sink in one call, so one transaction stores them all.
 *
 * Durability is not weakened: a poll counts as queued (its "Polled" log line, the promise add() returns)
 * only once the sink returned, i.e. once the transaction that holds its points committed; a sink that
 * throws fails every poll of the call. Points wait in memory at most `holdMs` (a fraction of a poll
 * interval, below) before that transaction, and `flush()` writes them at once (stopping).
 */
import type { Point } from "@jisr/core";

/** Longest wait for other polls before the points of a poll are written. */
export const MAX_HOLD_MS = 250;

/** The hold for a device polled every `intervalMs`: MAX_HOLD_MS, never more than a quarter of its interval. */
export function holdFor(intervalMs: number): number {
  return Math.max(0, Math.min(MAX_HOLD_MS, Math.floor(intervalMs / 4)));
}

interface Waiting {
  points: Point[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SinkBatch {
  readonly #sink: (points: Point[]) => void;
  #waiting: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** When the pending call is due (epoch ms of Date.now). */
  #dueAt = Number.POSITIVE_INFINITY;

  constructor(sink: (points: Point[]) => void) {
    this.#sink = sink;
  }

  /**
   * Hands `points` to the sink with those of the polls that end within `holdMs`; resolves once the sink
   * took them (rejects with the sink's error). The call happens at the earliest of the waiting polls'
   * deadlines, so no poll waits longer than its own hold.
   */
  add(points: Point[], holdMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ points, resolve, reject });
      const dueAt = Date.now() + holdMs;
      if (dueAt >= this.#dueAt) return;
      clearTimeout(this.#timer);
      this.#dueAt = dueAt;
      this.#timer = setTimeout(() => this.flush(), holdMs);
    });
  }

  /** Hands every waiting poll's points to the sink now, in one call, in the order the polls ended. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Number.POSITIVE_INFINITY;
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    this.#waiting = [];
    const points = waiting.length === 1 ? (waiting[0] as Waiting).points : waiting.flatMap((w) => w.points);
    try {
      this.#sink(points);
    } catch (err) {
      for (const w of waiting) w.reject(err);
      return;
    }
    for (const w of waiting) w.resolve();
  }
}

/** One batch per sink: the pollers given the same sink (a gateway's) share it. */
const bySink = new WeakMap<(points: Point[]) => void, SinkBatch>();

export function sinkBatch(sink: (points: Point[]) => void): SinkBatch {
  let batch = bySink.get(sink);
  if (!batch) {
    batch = new SinkBatch(sink);
    bySink.set(sink, batch);
  }
  return batch;
}
