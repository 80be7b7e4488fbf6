/**
 * A bounded outbox in memory: survives a server outage, not a gateway restart (sqlite-outbox.ts does, and
 * is what the gateway uses; this one is for tests and for runs that ask for it). When full it drops the oldest points, as Fluent Bit's storage.total_limit_size does: recent
 * readings are worth more to a technician than old ones.
 */
import type { Point } from "@jisr/core";
import type { Logger } from "pino";
import type { Outbox, OutboxEntry, OutboxStats } from "./outbox.js";

interface Queued {
  point: Point;
  queuedAt: number;
  bytes: number;
}

export class MemoryOutbox implements Outbox {
  // A Map keeps insertion order, so the oldest entry is always first and deletes are O(1).
  readonly #entries = new Map<number, Queued>();
  readonly #maxPoints: number;
  readonly #logger: Logger | undefined;
  #nextId = 1;
  #dropped = 0;
  #bytes = 0;
  #overflowing = false;

  readonly #clock: () => number;

  constructor(maxPoints: number, logger?: Logger, clock: () => number = Date.now) {
    this.#maxPoints = maxPoints;
    this.#logger = logger;
    this.#clock = clock;
  }

  /** Points dropped because the outbox was full, since start. */
  get dropped(): number {
    return this.#dropped;
  }

  enqueue(points: readonly Point[]): void {
    const queuedAt = this.#clock();
    for (const point of points) {
      if (this.#entries.size >= this.#maxPoints) this.#dropOldest();
      // The size of its JSON: what the point costs on the wire, a fair stand-in for its size in memory.
      const bytes = JSON.stringify(point).length;
      this.#entries.set(this.#nextId++, { point, queuedAt, bytes });
      this.#bytes += bytes;
    }
  }

  peek(max: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const [id, { point }] of this.#entries) {
      if (out.length >= max) break;
      out.push({ id, point });
    }
    return out;
  }

  peekAfter(afterId: number, max: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const [id, { point }] of this.#entries) {
      if (out.length >= max) break;
      if (id > afterId) out.push({ id, point });
    }
    return out;
  }

  newestId(): number | undefined {
    return this.#entries.size === 0 ? undefined : this.#nextId - 1;
  }

  ack(ids: readonly number[]): void {
    for (const id of ids) this.#delete(id);
    if (this.#overflowing && this.#entries.size < this.#maxPoints) {
      this.#overflowing = false;
      this.#logger?.info({ dropped_total: this.#dropped, size: this.#entries.size }, "Outbox has room again");
    }
  }

  size(): number {
    return this.#entries.size;
  }

  stats(): OutboxStats {
    const oldest = this.#entries.values().next();
    return {
      points: this.#entries.size,
      bytes: this.#bytes,
      ...(!oldest.done && { oldest_queued_at: oldest.value.queuedAt }),
      dropped_total: this.#dropped,
    };
  }

  #delete(id: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#bytes -= entry.bytes;
  }

  #dropOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done) return;
    this.#delete(oldest.value);
    this.#dropped++;
    if (!this.#overflowing) {
      // Logged once per episode, not per dropped point; the running count is in the gateway status.
      this.#overflowing = true;
      this.#logger?.warn(
        { max_points: this.#maxPoints, dropped_total: this.#dropped },
        "Outbox full: dropping the oldest points until the server accepts data again (raise uplink.max_queued_points to keep more)",
      );
    }
  }
}
