/**
 * Where points wait between a poll and a successful upload. Kept deliberately small, so the in-memory
 * outbox and the durable SQLite one (sqlite-outbox.ts) are interchangeable without touching callers.
 * Delivery is at-least-once: entries leave only when acknowledged.
 */
import type { Point } from "@jisr/core";

export interface OutboxEntry {
  /** Increases with every enqueued point: the order of delivery. */
  readonly id: number;
  readonly point: Point;
}

/** What the queue holds now: the figures of the gateway's health readings and of `jisr gateway status`. */
export interface OutboxStats {
  /** Points waiting for upload. */
  points: number;
  /** Their size on disk (or in memory), approximately, in bytes. */
  bytes: number;
  /** When the oldest waiting point was queued (epoch ms); absent when the queue is empty. */
  oldest_queued_at?: number;
  /**
   * Points dropped because the queue was full, over the queue's whole life (persisted when durable). A
   * point dropped while its batch was already on the wire may arrive all the same: an upper bound of loss.
   */
  dropped_total: number;
}

/** An entry the server refused for good, and why (the server's words). */
export interface Rejection {
  id: number;
  reason: string;
}

export interface Outbox {
  /** Appends points in order. When full, the implementation drops the OLDEST points (and counts them). */
  enqueue(points: readonly Point[]): void;
  /** The oldest `max` entries, left in place until acknowledged. */
  peek(max: number): OutboxEntry[];
  /**
   * The oldest `max` entries with an id above `afterId` (the live lane of the sender: readings queued
   * after a backlog started draining). Optional: without it (and newestId) a backlog is sent strictly in
   * order and live readings wait behind it.
   */
  peekAfter?(afterId: number, max: number): OutboxEntry[];
  /** The id of the newest entry; undefined when empty. */
  newestId?(): number | undefined;
  /** Removes entries that were delivered or dropped for good. Ids no longer present are ignored. */
  ack(ids: readonly number[]): void;
  /**
   * Removes entries the server refused for good for what they hold, keeping the last ones with their
   * reason where the implementation can, for a technician to look at. Optional: without it the sender
   * acknowledges them.
   */
  reject?(rejections: readonly Rejection[]): void;
  size(): number;
  stats(): OutboxStats;
}

/**
 * A failure of the queue itself (damaged file, disk full, no permission), as opposed to a failure of the
 * network. Its message says what the technician should do.
 */
export class OutboxError extends Error {
  override name = "OutboxError";
}
