/**
 * Where points wait between a poll and a successful upload. Kept deliberately small, so the in-memory
 * outbox can be swapped for a durable SQLite one (better-sqlite3, synchronous) without touching callers.
 * Delivery is at-least-once: entries leave only when acknowledged.
 */
import type { Point } from "@jisr/core";

export interface OutboxEntry {
  /** Increases with every enqueued point: the order of delivery. */
  readonly id: number;
  readonly point: Point;
}

export interface Outbox {
  /** Appends points in order. When full, the implementation drops the OLDEST points (and counts them). */
  enqueue(points: readonly Point[]): void;
  /** The oldest `max` entries, left in place until acknowledged. */
  peek(max: number): OutboxEntry[];
  /** Removes entries that were delivered or dropped for good. Ids no longer present are ignored. */
  ack(ids: readonly number[]): void;
  size(): number;
}
