/**
 * Group commit: the points of concurrent requests go to the store in one write. One InfluxDB write per
 * request costs an HTTP exchange, a WAL fsync and a shard lock each; at fleet scale (thousands of small
 * batches a second) that, not validation, is what saturates the database.
 *
 * Guarantees, each request on its own:
 * - its promise resolves only after the group holding its points was written (the 204 means stored);
 * - a group that fails for the store's availability rejects every request of the group with that error
 *   (503 with Retry-After): nothing is acknowledged that might not be stored;
 * - a group that the store refuses for its content (a field type conflict, 400) is written again request
 *   by request, so that one sender's bad batch does not take the good batches of others down with it;
 * - the points held (waiting or being written) are capped: beyond the cap a request is refused at once
 *   with 503 and Retry-After, so overload never turns into an unbounded queue in memory.
 *
 * At most `maxConcurrentWrites` writes are in flight. A group ready while they all are waits, and groups
 * waiting together are written as one (up to `maxPoints`) once a write ends: when InfluxDB slows down,
 * the writes grow instead of piling up. Without that bound, a slow moment of the database (a snapshot,
 * a busy disk) met a new write every window, each slower than the last (seen at 4 000 sites: the service's
 * p95 grew from 0.1 s to 8 s within a minute).
 */
import type { Point } from "@jisr/core";
import {
  canWriteEncoded,
  type EncodedBatch,
  isCheckedEncodedBatch,
  type Store,
  StoreRejectedError,
} from "@jisr/core/store";
import { ERR } from "../errors.js";
import { canWriteWire } from "../influx-wire.js";
import { isWireBatch, type WireBatch } from "./wire.js";

export interface GroupCommitOptions {
  /** How long the first request of a group waits for others; default 50 ms. 0 writes each at once. */
  windowMs: number;
  /** A group is written as soon as it holds this many points; default 5 000 (InfluxDB's advice). */
  maxPoints: number;
  /** Most points held at once, waiting or being written; default 200 000. */
  maxInFlightPoints: number;
  /** Most group writes in flight at once; default 4. */
  maxConcurrentWrites: number;
}

export const DEFAULT_GROUP_COMMIT: Readonly<GroupCommitOptions> = Object.freeze({
  windowMs: 50,
  maxPoints: 5_000,
  maxInFlightPoints: 200_000,
  maxConcurrentWrites: 4,
});

/** Seconds a sender refused for overload waits: the backlog drains in well under that. */
export const OVERLOAD_RETRY_AFTER_S = 1;

/**
 * What a request submits: its batch checked by a fast path, as bytes (batch/wire.ts, written as they
 * are) or as lines (store/encoded.ts in core), or its checked points (the reference path).
 */
export type Submission = WireBatch | EncodedBatch | readonly Point[];

const sizeOf = (s: Submission) =>
  isWireBatch(s) ? s.count : isCheckedEncodedBatch(s) ? s.lines.length : (s as readonly Point[]).length;
const pointsOf = (s: Submission) =>
  isWireBatch(s) || isCheckedEncodedBatch(s) ? s.points() : (s as readonly Point[]);

interface Waiter {
  batch: Submission;
  resolve(): void;
  reject(err: unknown): void;
}

export interface GroupCommitStats {
  groups: number;
  /** Writes of groups to the store (groups that waited for a free write are written together). */
  writes: number;
  /** Groups written again request by request after the store refused the group for its content. */
  splits: number;
}

export class GroupCommitter {
  readonly options: GroupCommitOptions;
  readonly stats: GroupCommitStats = { groups: 0, writes: 0, splits: 0 };
  #pending: Waiter[] = [];
  #pendingPoints = 0;
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  /** Groups ready, waiting for a free write, oldest first. */
  #ready: Array<{ waiters: Waiter[]; points: number }> = [];
  #writing = 0;

  constructor(
    readonly store: Store,
    options: Partial<GroupCommitOptions> = {},
  ) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...DEFAULT_GROUP_COMMIT, ...defined };
  }

  /** Points held right now, waiting for their group or being written. */
  get inFlightPoints(): number {
    return this.#inFlight;
  }

  /** Resolves once `batch` is written; rejects with the store's error, or OVERLOADED at once. */
  submit(batch: Submission): Promise<void> {
    const n = sizeOf(batch);
    // A batch larger than the cap alone is still taken when nothing else is held: it is bounded by the
    // body limit, and refusing it for ever would make its sender retry for ever.
    if (this.#inFlight > 0 && this.#inFlight + n > this.options.maxInFlightPoints) {
      const error = ERR.OVERLOADED(OVERLOAD_RETRY_AFTER_S);
      error.retryAfterSeconds = OVERLOAD_RETRY_AFTER_S;
      return Promise.reject(error);
    }
    this.#inFlight += n;
    return new Promise<void>((resolve, reject) => {
      if (this.#pendingPoints > 0 && this.#pendingPoints + n > this.options.maxPoints) this.#flush();
      this.#pending.push({ batch, resolve, reject });
      this.#pendingPoints += n;
      if (this.#pendingPoints >= this.options.maxPoints || this.options.windowMs <= 0) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.options.windowMs);
    }).finally(() => {
      this.#inFlight -= n;
    });
  }

  /** Writes what is waiting now (on close, so that nothing waits for a timer that will not fire). */
  flushNow(): void {
    if (this.#pending.length > 0) this.#flush();
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#ready.push({ waiters: this.#pending, points: this.#pendingPoints });
    this.#pending = [];
    this.#pendingPoints = 0;
    this.stats.groups++;
    this.#pump();
  }

  /** Starts writes while one is free: each takes the oldest ready groups, together up to maxPoints. */
  #pump(): void {
    const max = Math.max(1, this.options.maxConcurrentWrites);
    while (this.#writing < max && this.#ready.length > 0) {
      const first = this.#ready.shift() as { waiters: Waiter[]; points: number };
      const group = first.waiters;
      let points = first.points;
      while (this.#ready.length > 0) {
        const next = this.#ready[0] as { waiters: Waiter[]; points: number };
        if (points + next.points > this.options.maxPoints) break;
        this.#ready.shift();
        for (const w of next.waiters) group.push(w);
        points += next.points;
      }
      this.#writing++;
      this.stats.writes++;
      void this.#write(group).finally(() => {
        this.#writing--;
        this.#pump();
      });
    }
  }

  async #write(group: Waiter[]): Promise<void> {
    const only = group[0];
    if (group.length === 1 && only) return this.#writeOne(only);
    try {
      await this.#store(group.map((w) => w.batch));
    } catch (err) {
      if (err instanceof StoreRejectedError) {
        // The content of one request is to blame, not the store: each request gets its own answer.
        // One after the other, so that a type conflict between two requests of the group is judged in
        // their order of arrival (the first one's type wins, as it would have without grouping).
        this.stats.splits++;
        for (const w of group) await this.#writeOne(w);
        return;
      }
      for (const w of group) w.reject(err);
      return;
    }
    for (const w of group) w.resolve();
  }

  async #writeOne(w: Waiter): Promise<void> {
    try {
      await this.#store([w.batch]);
      w.resolve();
    } catch (err) {
      w.reject(err);
    }
  }

  /** Batches as bytes or lines when the store takes them and all are of that kind; points otherwise. */
  #store(batches: Submission[]): Promise<void> {
    const store = this.store;
    if (canWriteWire(store) && batches.every(isWireBatch)) return store.writeWire(batches);
    if (canWriteEncoded(store) && batches.every(isCheckedEncodedBatch)) return store.writeEncoded(batches);
    if (batches.length === 1) return store.write(pointsOf(batches[0] as Submission));
    const points: Point[] = [];
    for (const b of batches) for (const p of pointsOf(b)) points.push(p);
    return store.write(points);
  }
}
