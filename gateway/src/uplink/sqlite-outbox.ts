/**
 * The durable outbox: points wait in <data_dir>/outbox.sqlite until the server has them, so neither a
 * dead link nor a power cut nor a killed process loses a reading (TECH-NOTES "Durable outbox at the
 * edge"). better-sqlite3 is synchronous, which keeps the Outbox interface as simple as the in-memory one.
 *
 * - journal_mode=WAL and synchronous=FULL: a committed enqueue survives a power cut (NORMAL may lose
 *   the last commits). One transaction per enqueue: the polls of a moment, as the pollers hand them
 *   over together (../run/sink-batch.ts), or one MQTT message.
 * - Rows leave only on ack (HTTP 2xx, or a refusal for good), oldest first. Points refused for what they
 *   hold move to a `rejected` table with the server's reason, bounded (the last keepRejected, and a tenth
 *   of the budget), so a technician can see what was refused and why.
 * - Bounded by buffer.max_bytes (and optionally a number of points): when full, the OLDEST points are
 *   dropped, counted in the file itself (so the count survives restarts) and logged once per episode.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Point } from "@jisr/core";
import Database from "better-sqlite3";
import type { Logger } from "pino";
import { type Outbox, type OutboxEntry, OutboxError, type OutboxStats, type Rejection } from "./outbox.js";
import { outboxFailure } from "./sqlite-outbox-errors.js";
import {
  type Budget,
  CREATE_PRAGMAS,
  OUTBOX_FORMAT,
  ROW_OVERHEAD_BYTES,
  SCHEMA,
  SQL,
  splitBudget,
} from "./sqlite-outbox-schema.js";

export interface SqliteOutboxOptions {
  /** The queue file, e.g. <data_dir>/outbox.sqlite; its folder is created if needed. */
  path: string;
  /** Disk budget of the file and its write-ahead log together (buffer.max_bytes). */
  maxBytes: number;
  /** Optional cap on the number of queued points, on top of the byte budget. */
  maxPoints?: number;
  logger?: Logger;
  /** Epoch ms of "queued at"; Date.now by default. */
  clock?: () => number;
  /** How many refused points the `rejected` table keeps (the newest); default 10 000. */
  keepRejected?: number;
}

/** A point the server refused for good, as kept in the `rejected` table. */
export interface RejectedPoint {
  rejected_at: number;
  reason: string;
  point: Point;
}

/** A reason is the server's message: enough to understand it, not a whole error page. */
const MAX_REASON_CHARS = 500;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** Files open in this process: two gateways sharing one queue would send each other's points. */
const openPaths = new Set<string>();

export class SqliteOutbox implements Outbox {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #budget: Budget;
  readonly #maxPoints: number;
  readonly #log: Logger | undefined;
  readonly #clock: () => number;
  readonly #keepRejected: number;
  #count = 0;
  #bytes = 0;
  #dropped = 0;
  #overflowing = false;
  #closed = false;
  readonly #enqueueTx: (rows: string[]) => { addedBytes: number; dropped: number; droppedBytes: number };
  readonly #ackTx: (ids: readonly number[]) => { n: number; bytes: number };
  readonly #rejectTx: (rejections: readonly Rejection[]) => { n: number; bytes: number };

  private constructor(path: string, db: Database.Database, options: SqliteOutboxOptions) {
    this.path = path;
    this.#db = db;
    this.#sql = Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => [name, db.prepare(text)]),
    ) as Statements;
    this.#budget = splitBudget(options.maxBytes);
    this.#maxPoints = options.maxPoints ?? Number.POSITIVE_INFINITY;
    this.#log = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#keepRejected = options.keepRejected ?? 10_000;
    this.#enqueueTx = db.transaction((rows: string[]) => this.#insert(rows));
    this.#ackTx = db.transaction((ids: readonly number[]) => this.#delete(ids));
    this.#rejectTx = db.transaction((rejections: readonly Rejection[]) => this.#moveToRejected(rejections));
  }

  /** Opens (or creates) the queue file. Throws OutboxError, saying what to do, when it cannot. */
  static open(options: SqliteOutboxOptions): SqliteOutbox {
    const path = resolve(options.path);
    if (openPaths.has(path))
      throw new OutboxError(
        `Queue file "${path}" is already used by another gateway in this process: give each gateway its own data_dir`,
      );
    makeFolder(dirname(path));
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 5000 });
      prepareFile(db, path, splitBudget(options.maxBytes));
      const outbox = new SqliteOutbox(path, db, options);
      outbox.#load();
      openPaths.add(path);
      return outbox;
    } catch (err) {
      db?.close();
      throw outboxFailure(err, path, "open the queue");
    }
  }

  enqueue(points: readonly Point[]): void {
    if (points.length === 0) return;
    const rows = points.map((p) => JSON.stringify(p));
    const result = this.#guard("queue readings", () => this.#enqueueTx(rows));
    this.#count += rows.length - result.dropped;
    this.#bytes += result.addedBytes - result.droppedBytes;
    if (result.dropped > 0) this.#overflowed(result.dropped);
  }

  peek(max: number): OutboxEntry[] {
    const rows = this.#guard("read the queue", () => this.#sql.peek.all(max)) as {
      id: number;
      point: string;
    }[];
    return rows.map((r) => ({ id: r.id, point: JSON.parse(r.point) as Point }));
  }

  peekAfter(afterId: number, max: number): OutboxEntry[] {
    const rows = this.#guard("read the queue", () => this.#sql.peekAfter.all(afterId, max)) as {
      id: number;
      point: string;
    }[];
    return rows.map((r) => ({ id: r.id, point: JSON.parse(r.point) as Point }));
  }

  newestId(): number | undefined {
    const row = this.#guard("read the queue", () => this.#sql.newestId.get()) as { id: number | null };
    return row.id ?? undefined;
  }

  ack(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.#removed(this.#guard("remove sent readings", () => this.#ackTx(ids)));
  }

  reject(rejections: readonly Rejection[]): void {
    if (rejections.length === 0) return;
    this.#removed(this.#guard("set refused readings aside", () => this.#rejectTx(rejections)));
  }

  /** The newest refused points, newest first, with the server's reason. */
  rejected(limit = 100): RejectedPoint[] {
    const rows = this.#guard("read the refused readings", () => this.#sql.recentRejected.all(limit)) as {
      rejected_at: number;
      reason: string;
      point: string;
    }[];
    return rows.map((r) => ({ rejected_at: r.rejected_at, reason: r.reason, point: JSON.parse(r.point) }));
  }

  /** Points refused for good over the file's whole life (the table keeps only the last ones). */
  rejectedTotal(): number {
    const row = this.#guard("read the queue", () => this.#sql.rejectedTotal.get()) as
      | { value: number }
      | undefined;
    return row?.value ?? 0;
  }

  #removed(removed: { n: number; bytes: number }): void {
    this.#count -= removed.n;
    this.#bytes -= removed.bytes;
    if (this.#overflowing && !this.#full(this.#count, this.#bytes)) {
      this.#overflowing = false;
      this.#log?.info({ dropped_total: this.#dropped, points: this.#count }, "Queue has room again");
    }
  }

  size(): number {
    return this.#count;
  }

  stats(): OutboxStats {
    const oldest = this.#guard("read the queue", () => this.#sql.oldest.get()) as
      | { queued_at: number }
      | undefined;
    return {
      points: this.#count,
      bytes: this.#bytes,
      ...(oldest && { oldest_queued_at: oldest.queued_at }),
      dropped_total: this.#dropped,
    };
  }

  /**
   * Copies the write-ahead log into the database and truncates it. SQLite does this by itself every
   * few hundred pages; the gateway also calls it now and then so the log never lingers at its largest.
   */
  checkpoint(): void {
    this.#guard("checkpoint the queue", () => this.#db.pragma("wal_checkpoint(TRUNCATE)"));
  }

  /**
   * Closes the file. It is left in rollback-journal mode, so `jisr gateway status` can read it without
   * creating -wal/-shm files of its own (owned by whoever ran it); the next open returns to WAL.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    openPaths.delete(this.path);
    try {
      this.#db.pragma("journal_mode = DELETE");
    } catch {
      // A reader holds the file: it stays in WAL mode, which is just as safe.
    }
    this.#db.close();
  }

  #load(): void {
    const totals = this.#sql.totals.get() as { n: number; bytes: number };
    this.#count = totals.n;
    this.#bytes = totals.bytes;
    this.#dropped = (this.#sql.dropped.get() as { value: number } | undefined)?.value ?? 0;
    // The budget may have been lowered since the file was written: apply it now, not at the next poll.
    if (this.#full(this.#count, this.#bytes)) {
      const trimmed = this.#db.transaction(() => this.#trim(this.#count, this.#bytes))();
      this.#count -= trimmed.dropped;
      this.#bytes -= trimmed.droppedBytes;
      this.#overflowed(trimmed.dropped);
      // Give the freed pages back to the disk (the file only shrinks once the log is checkpointed).
      this.#db.pragma("incremental_vacuum");
      this.#db.pragma("wal_checkpoint(TRUNCATE)");
    }
  }

  #full(count: number, bytes: number): boolean {
    return count > this.#maxPoints || bytes > this.#budget.rowBytes;
  }

  /** Appends the rows, then makes room if they overflow; inside the enqueue transaction. */
  #insert(rows: string[]): { addedBytes: number; dropped: number; droppedBytes: number } {
    const queuedAt = this.#clock();
    let addedBytes = 0;
    for (const json of rows) {
      const bytes = json.length + ROW_OVERHEAD_BYTES;
      this.#sql.insert.run(queuedAt, bytes, json);
      addedBytes += bytes;
    }
    const count = this.#count + rows.length;
    const total = this.#bytes + addedBytes;
    const trimmed = this.#full(count, total) ? this.#trim(count, total) : { dropped: 0, droppedBytes: 0 };
    return { addedBytes, ...trimmed };
  }

  /** Deletes the oldest rows until `count` rows of `bytes` fit the budget; inside a transaction. */
  #trim(count: number, bytes: number): { dropped: number; droppedBytes: number } {
    let dropped = 0;
    let droppedBytes = 0;
    let lastId: number | undefined;
    for (const row of this.#sql.oldestSizes.iterate() as IterableIterator<{ id: number; bytes: number }>) {
      if (!this.#full(count - dropped, bytes - droppedBytes)) break;
      dropped++;
      droppedBytes += row.bytes;
      lastId = row.id;
    }
    if (lastId === undefined) return { dropped: 0, droppedBytes: 0 };
    this.#sql.deleteUpTo.run(lastId);
    this.#sql.addDropped.run(dropped);
    return { dropped, droppedBytes };
  }

  /** Deletes the acknowledged rows; inside the ack transaction. */
  #delete(ids: readonly number[]): { n: number; bytes: number } {
    const first = ids[0] as number;
    const last = ids[ids.length - 1] as number;
    // The sender acknowledges what peek gave it: consecutive ids, removed with one range delete.
    if (last - first === ids.length - 1 && ids.every((id, i) => id === first + i)) {
      const size = this.#sql.sizeOfRange.get(first, last) as { n: number; bytes: number };
      this.#sql.deleteRange.run(first, last);
      return size;
    }
    let n = 0;
    let bytes = 0;
    for (const id of ids) {
      const row = this.#sql.deleteOne.get(id) as { bytes: number } | undefined;
      if (row) {
        n++;
        bytes += row.bytes;
      }
    }
    return { n, bytes };
  }

  /** Moves refused rows into `rejected`, then trims that table to its bounds; inside a transaction. */
  #moveToRejected(rejections: readonly Rejection[]): { n: number; bytes: number } {
    const now = this.#clock();
    let n = 0;
    let bytes = 0;
    for (const { id, reason } of rejections) {
      const row = this.#sql.takeOne.get(id) as { point: string; bytes: number } | undefined;
      if (!row) continue;
      n++;
      bytes += row.bytes;
      const why = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
      this.#sql.insertRejected.run(now, row.point.length + why.length + ROW_OVERHEAD_BYTES, why, row.point);
    }
    if (n === 0) return { n, bytes };
    this.#sql.addRejected.run(n);
    // A tenth of the row budget at most: refused points must never crowd out the queue's own disk.
    const maxBytes = Math.floor(this.#budget.rowBytes / 10);
    let kept = 0;
    let keptBytes = 0;
    let firstDropped: number | undefined;
    for (const row of this.#sql.rejectedNewestSizes.iterate() as IterableIterator<{
      id: number;
      bytes: number;
    }>) {
      if (kept + 1 > this.#keepRejected || keptBytes + row.bytes > maxBytes) {
        firstDropped = row.id;
        break;
      }
      kept++;
      keptBytes += row.bytes;
    }
    if (firstDropped !== undefined) this.#sql.deleteRejectedUpTo.run(firstDropped);
    return { n, bytes };
  }

  #overflowed(dropped: number): void {
    this.#dropped += dropped;
    if (this.#overflowing) return;
    // Once per episode, not per dropped point: the running count is in the health readings and status.
    this.#overflowing = true;
    this.#log?.warn(
      { max_bytes_rows: this.#budget.rowBytes, dropped, dropped_total: this.#dropped, path: this.path },
      "Queue full: dropping the oldest readings until the server accepts data again (raise buffer.max_bytes to keep more)",
    );
  }

  #guard<T>(doing: string, fn: () => T): T {
    if (this.#closed) throw new OutboxError(`Queue file "${this.path}" is closed: cannot ${doing}`);
    try {
      return fn();
    } catch (err) {
      throw outboxFailure(err, this.path, doing);
    }
  }
}

function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new OutboxError(
      `Cannot create the queue's folder "${folder}" (${(err as Error).message}): check data_dir in the config`,
      { cause: err },
    );
  }
}

/** Pragmas and tables; refuses a file written by a newer gateway. */
function prepareFile(db: Database.Database, path: string, budget: Budget): void {
  const fresh = db.pragma("page_count", { simple: true }) === 0;
  if (fresh) for (const pragma of CREATE_PRAGMAS) db.pragma(pragma);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma(`wal_autocheckpoint = ${budget.walAutocheckpointPages}`);
  db.pragma(`journal_size_limit = ${budget.walLimitBytes}`);
  const format = db.pragma("user_version", { simple: true }) as number;
  if (format > OUTBOX_FORMAT)
    throw new OutboxError(
      `Queue file "${path}" was written by a newer gateway (format ${format}, this one knows ${OUTBOX_FORMAT}): ` +
        "update this gateway, or move the file aside and start again",
    );
  db.exec(SCHEMA);
  if (format !== OUTBOX_FORMAT) db.pragma(`user_version = ${OUTBOX_FORMAT}`);
}
