/**
 * Reads a queue file (<data_dir>/outbox.sqlite) from outside the gateway, for `jisr gateway status`:
 * read-only, and only when that cannot leave files behind. A read-only connection to a WAL-mode file
 * without its -shm creates the -wal and -shm itself, owned by whoever ran the command (root, often),
 * which would then stop the gateway's own user from opening the queue. The gateway leaves the file in
 * rollback mode when it stops cleanly, and a running or crashed gateway leaves its -shm in place, so in
 * practice the file can always be read.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import Database from "better-sqlite3";
import type { OutboxStats } from "./outbox.js";
import { damagedAdvice } from "./sqlite-outbox-errors.js";
import { SQL } from "./sqlite-outbox-schema.js";

export type OutboxFileRead =
  | { kind: "ok"; stats: OutboxStats }
  | { kind: "missing" }
  /** Not read, or not readable: `message` says why (and, for a damaged file, what to do). */
  | { kind: "unreadable"; message: string };

/** Byte 18 of a SQLite header is the write format: 2 means WAL mode (sqlite.org/fileformat2.html). */
function inWalMode(path: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  return header[18] === 2;
}

export function readOutboxFile(path: string): OutboxFileRead {
  if (!existsSync(path)) return { kind: "missing" };
  try {
    if (inWalMode(path) && !existsSync(`${path}-shm`))
      return {
        kind: "unreadable",
        message: "in write-ahead mode without its -shm file: not read, to leave no files behind",
      };
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
    try {
      const totals = db.prepare(SQL.totals).get() as { n: number; bytes: number };
      const oldest = db.prepare(SQL.oldest).get() as { queued_at: number } | undefined;
      const dropped = db.prepare(SQL.dropped).get() as { value: number } | undefined;
      return {
        kind: "ok",
        stats: {
          points: totals.n,
          bytes: totals.bytes,
          ...(oldest && { oldest_queued_at: oldest.queued_at }),
          dropped_total: dropped?.value ?? 0,
        },
      };
    } finally {
      db.close();
    }
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? "");
    const why = err instanceof Error ? err.message : String(err);
    if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")
      return { kind: "unreadable", message: `damaged (${why}): ${damagedAdvice(path)}` };
    return { kind: "unreadable", message: why };
  }
}
