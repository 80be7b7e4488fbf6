/**
 * A bounded outbox in memory: survives a server outage, not a gateway restart (the durable SQLite outbox
 * will). When full it drops the oldest points, as Fluent Bit's storage.total_limit_size does: recent
 * readings are worth more to a technician than old ones.
 */
import type { Point } from "@jisr/core";
import type { Logger } from "pino";
import type { Outbox, OutboxEntry } from "./outbox.js";

export class MemoryOutbox implements Outbox {
  // A Map keeps insertion order, so the oldest entry is always first and deletes are O(1).
  readonly #entries = new Map<number, Point>();
  readonly #maxPoints: number;
  readonly #logger: Logger | undefined;
  #nextId = 1;
  #dropped = 0;
  #overflowing = false;

  constructor(maxPoints: number, logger?: Logger) {
    this.#maxPoints = maxPoints;
    this.#logger = logger;
  }

  /** Points dropped because the outbox was full, since start. */
  get dropped(): number {
    return this.#dropped;
  }

  enqueue(points: readonly Point[]): void {
    for (const point of points) {
      if (this.#entries.size >= this.#maxPoints) this.#dropOldest();
      this.#entries.set(this.#nextId++, point);
    }
  }

  peek(max: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const [id, point] of this.#entries) {
      if (out.length >= max) break;
      out.push({ id, point });
    }
    return out;
  }

  ack(ids: readonly number[]): void {
    for (const id of ids) this.#entries.delete(id);
    if (this.#overflowing && this.#entries.size < this.#maxPoints) {
      this.#overflowing = false;
      this.#logger?.info({ dropped_total: this.#dropped, size: this.#entries.size }, "Outbox has room again");
    }
  }

  size(): number {
    return this.#entries.size;
  }

  #dropOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done) return;
    this.#entries.delete(oldest.value);
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
