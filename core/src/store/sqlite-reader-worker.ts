/**
 * One reader of a SQLite store file, in a worker thread (sqlite-readers.ts starts it): its own read-only
 * connection to the file, so the store's range reads run on another core while the main thread computes.
 * better-sqlite3 is synchronous; in the main thread every read would wait for the one before it.
 *
 * It runs the statements it is sent, nothing else: which statement, with which parameters, is decided by
 * the store. Each statement is its own read transaction (autocommit), begun when the request arrives: in
 * WAL mode it sees every write the main connection committed before the request was sent.
 *
 * Imports nothing of this repository but sqlite-numbers.ts: started from its built .js, or from its .ts
 * source through tsx's require (sqlite-readers.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { numbersOf } from "./sqlite-numbers.js";

/** What the store sends: one statement, run once per parameter set, the rows of all runs in order. */
export interface ReadRequest {
  id: number;
  sql: string;
  runs: Array<Record<string, unknown>>;
  /**
   * "objects" or "arrays" (better-sqlite3's raw mode): rows as they are, copied to the main thread;
   * "numbers": every cell a number, sent as one Float64Array row after row (moved, not copied). Copying
   * a month's rows object by object cost the main thread more than the reads took in the worker.
   */
  shape: "objects" | "arrays" | "numbers";
}

export type ReadResponse =
  | { id: number; rows: unknown[] }
  | { id: number; numbers: Float64Array; columns: number }
  | { id: number; error: { message: string; code: string | undefined } };

export interface ReaderData {
  path: string;
}

const { path } = workerData as ReaderData;
const port = parentPort;
if (!port) throw new Error("sqlite-reader-worker: run as a worker thread (sqlite-readers.ts starts it)");

const db = new Database(path, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
// The GROUP BY of a range read sorts its rows: in memory, as the store's own connection does.
db.pragma("temp_store = MEMORY");

const statements = new Map<string, Database.Statement>();

function statement(sql: string, raw: boolean): Database.Statement {
  const key = `${raw ? "a" : "o"}${sql}`;
  let s = statements.get(key);
  if (!s) {
    s = db.prepare(sql);
    if (raw) s.raw(true);
    statements.set(key, s);
  }
  return s;
}

port.on("message", (req: ReadRequest) => {
  let answer: ReadResponse;
  try {
    const s = statement(req.sql, req.shape !== "objects");
    const rows = req.runs.length === 1 ? s.all(req.runs[0]) : req.runs.flatMap((params) => s.all(params));
    if (req.shape === "numbers") {
      const columns = s.columns().length;
      const numbers = numbersOf(rows as unknown[][], columns);
      port.postMessage({ id: req.id, numbers, columns } satisfies ReadResponse, [
        numbers.buffer as ArrayBuffer,
      ]);
      return;
    }
    answer = { id: req.id, rows };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    answer = {
      id: req.id,
      error: { message: (err as Error).message, code: typeof code === "string" ? code : undefined },
    };
  }
  port.postMessage(answer);
});
