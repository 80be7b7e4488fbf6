/**
 * The layout of the durable queue file (<data_dir>/outbox.sqlite) and how its disk budget is split. One
 * row per point, as JSON: the queue only ever appends, reads the oldest rows and deletes them, so
 * nothing needs columns of its own beyond the order, the enqueue time and the row's size.
 */

/** Bumped when the layout changes; a file from a newer gateway is refused rather than misread. */
export const OUTBOX_FORMAT = 1;

/** Set before the first table exists, so that free pages can be given back when the budget shrinks. */
export const CREATE_PRAGMAS = ["auto_vacuum = INCREMENTAL"];

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS points (
  -- AUTOINCREMENT: an id is never reused, even after the queue ran empty, so an acknowledgement that
  -- arrives late can never delete a newer point that happens to get the same id.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queued_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  point TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO counters (name, value) VALUES ('dropped_points_total', 0);
-- Points the server refused for good for what they hold (a field type conflict, say), with its reason:
-- the last ones only (SqliteOutboxOptions.keepRejected), for a technician to look at. A table added
-- without a new OUTBOX_FORMAT: an older gateway opening the file simply ignores it.
CREATE TABLE IF NOT EXISTS rejected (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rejected_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  reason TEXT NOT NULL,
  point TEXT NOT NULL
);
INSERT OR IGNORE INTO counters (name, value) VALUES ('rejected_points_total', 0);
`;

export const SQL = {
  insert: "INSERT INTO points (queued_at, bytes, point) VALUES (?, ?, ?)",
  peek: "SELECT id, point FROM points ORDER BY id LIMIT ?",
  peekAfter: "SELECT id, point FROM points WHERE id > ? ORDER BY id LIMIT ?",
  newestId: "SELECT max(id) AS id FROM points",
  oldestSizes: "SELECT id, bytes FROM points ORDER BY id",
  deleteUpTo: "DELETE FROM points WHERE id <= ?",
  deleteOne: "DELETE FROM points WHERE id = ? RETURNING bytes",
  sizeOfRange: "SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM points WHERE id BETWEEN ? AND ?",
  deleteRange: "DELETE FROM points WHERE id BETWEEN ? AND ?",
  totals: "SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM points",
  oldest: "SELECT queued_at FROM points ORDER BY id LIMIT 1",
  dropped: "SELECT value FROM counters WHERE name = 'dropped_points_total'",
  addDropped: "UPDATE counters SET value = value + ? WHERE name = 'dropped_points_total'",
  takeOne: "DELETE FROM points WHERE id = ? RETURNING point, bytes",
  insertRejected: "INSERT INTO rejected (rejected_at, bytes, reason, point) VALUES (?, ?, ?, ?)",
  rejectedNewestSizes: "SELECT id, bytes FROM rejected ORDER BY id DESC",
  deleteRejectedUpTo: "DELETE FROM rejected WHERE id <= ?",
  recentRejected: "SELECT rejected_at, reason, point FROM rejected ORDER BY id DESC LIMIT ?",
  rejectedTotal: "SELECT value FROM counters WHERE name = 'rejected_points_total'",
  addRejected: "UPDATE counters SET value = value + ? WHERE name = 'rejected_points_total'",
} as const;

/** What a row costs beyond its JSON: record header, the three integers, the cell pointer and rowid. */
export const ROW_OVERHEAD_BYTES = 24;

const PAGE_BYTES = 4096;

export interface Budget {
  /** Most bytes of rows (JSON + ROW_OVERHEAD_BYTES each) the queue keeps. */
  rowBytes: number;
  /** The write-ahead log is checkpointed after this many pages... */
  walAutocheckpointPages: number;
  /** ...and truncated back to at most this many bytes afterwards. */
  walLimitBytes: number;
}

/**
 * Splits `maxBytes` (buffer.max_bytes, the whole footprint: database file plus its write-ahead log) into
 * a WAL allowance and a row budget. The database file is larger than its rows (b-tree pages are not
 * full, interior pages, free pages between checkpoints), so rows get 80% of what the WAL leaves;
 * sqlite-outbox.test.ts checks that the files stay within maxBytes once full.
 */
export function splitBudget(maxBytes: number): Budget {
  const walLimitBytes = Math.min(Math.max(Math.floor(maxBytes / 8), 256 * 1024), 16 * 1024 * 1024);
  return {
    rowBytes: Math.floor((maxBytes - walLimitBytes) * 0.8),
    // Half the allowance: a checkpoint runs after the commit that crosses it, which may add a few pages.
    walAutocheckpointPages: Math.max(16, Math.floor(walLimitBytes / PAGE_BYTES / 2)),
    walLimitBytes,
  };
}
