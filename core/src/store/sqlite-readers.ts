/**
 * A small pool of reader threads for a file-backed SqliteStore (sqlite-reader-worker.ts): the store's
 * range reads run there, each on its own read-only connection to the file, so that a job reading several
 * institutions at a time uses the machine's other core instead of queueing every read behind the one
 * before it on the main thread (better-sqlite3 is synchronous).
 *
 * - A read goes to the reader with the fewest reads in flight; readers start on first use.
 * - A reader that dies (an uncaught error, an exit, a failed open) fails its reads in flight with
 *   StoreUnavailableError, never leaves them waiting; the next read starts a new reader.
 * - A reader holds the process open only while it has reads in flight: a command that forgets to close
 *   the store still ends, one awaiting a read does not end before the answer.
 * - close() ends every reader; reads in flight then fail with StoreUnavailableError.
 */
import { createRequire } from "node:module";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { NumberRows } from "./sqlite-numbers.js";
import type { ReaderData, ReadRequest, ReadResponse } from "./sqlite-reader-worker.js";
import { StoreUnavailableError } from "./types.js";

export interface SqliteReadersOptions {
  /** The store's file (it must exist: the store's own connection creates it first). */
  path: string;
  /** How many reader threads at most (≥ 1). */
  size: number;
  logger: Logger;
  /** The worker script; default the reader beside this file (tests start a reader that fails on purpose). */
  script?: URL;
}

/** A statement the database refused, with SQLite's error code (SQLITE_BUSY, ...), as better-sqlite3 throws. */
export class SqliteReadError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = "SqliteError";
    this.code = code;
  }
}

interface Pending {
  resolve: (answer: Exclude<ReadResponse, { error: unknown }>) => void;
  reject: (err: Error) => void;
}

interface Reader {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Built (.js) or run from its TypeScript source (.ts, under tsx or vitest): the worker beside it alike. */
const OWN_EXTENSION = import.meta.url.endsWith(".ts") ? "ts" : "js";
const DEFAULT_SCRIPT = new URL(`./sqlite-reader-worker.${OWN_EXTENSION}`, import.meta.url);

/**
 * A worker running `script`: a built .js script as it is; a .ts source (tests, `JISR_SOURCE=1`) through
 * tsx's require inside the worker: Node 20 does not pass a loader registered in the main thread (tsx's
 * API, vitest) on to its workers, nor apply `--import tsx` given in a worker's execArgv. The reader
 * imports nothing but Node and better-sqlite3, so it loads as CommonJS alike. No Node options are passed
 * on (`execArgv: []`): a reader needs none, and inheriting tsx's loader tripled a built reader's start
 * (2 readers up in 78 ms and 153 ms of CPU instead of 240-270 ms and 460-510 ms).
 */
function startWorker(script: URL, workerData: ReaderData): Worker {
  if (!script.pathname.endsWith(".ts")) return new Worker(script, { workerData, execArgv: [] });
  const tsx = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const path = fileURLToPath(script);
  const boot = `require(${JSON.stringify(tsx)}).require(${JSON.stringify(path)}, __filename);`;
  return new Worker(boot, { eval: true, workerData, execArgv: [] });
}

export class SqliteReaders {
  readonly size: number;
  #o: SqliteReadersOptions;
  #readers: Reader[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: SqliteReadersOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new RangeError(`SQLite readers: size must be a whole number ≥ 1, got ${options.size}`);
    this.size = options.size;
    this.#o = options;
  }

  /** Reader threads running now (they start on first use, and end with close()). */
  get threads(): number {
    return this.#readers.length;
  }

  /** Rows of `sql` run once per parameter set, in order; raw: rows as arrays of column values. */
  async read<Row = unknown>(sql: string, runs: Array<Record<string, unknown>>, raw: boolean): Promise<Row[]> {
    const answer = await this.#send(sql, runs, raw ? "arrays" : "objects");
    return "rows" in answer ? (answer.rows as Row[]) : [];
  }

  /** The same, every cell a number: the rows in one Float64Array, moved from the reader, not copied. */
  async readNumbers(sql: string, runs: Array<Record<string, unknown>>): Promise<NumberRows> {
    const answer = await this.#send(sql, runs, "numbers");
    return "numbers" in answer ? answer : { numbers: new Float64Array(0), columns: 0 };
  }

  #send(
    sql: string,
    runs: Array<Record<string, unknown>>,
    shape: ReadRequest["shape"],
  ): Promise<Exclude<ReadResponse, { error: unknown }>> {
    if (this.#closed)
      return Promise.reject(new StoreUnavailableError(`SQLite store ${this.#o.path} is closed`));
    const reader = this.#pick();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (reader.pending.size === 0) reader.worker.ref();
      reader.pending.set(id, { resolve, reject });
      reader.worker.postMessage({ id, sql, runs, shape } satisfies ReadRequest);
    });
  }

  /** Ends every reader; reads in flight fail with StoreUnavailableError. */
  async close(): Promise<void> {
    this.#closed = true;
    const readers = this.#readers;
    this.#readers = [];
    for (const r of readers)
      this.#failAll(r, new StoreUnavailableError(`SQLite store ${this.#o.path} closed during a read`));
    await Promise.all(readers.map((r) => r.worker.terminate()));
  }

  #pick(): Reader {
    if (this.#readers.length < this.size) {
      const idle = this.#readers.find((r) => r.pending.size === 0);
      if (idle) return idle;
      return this.#start();
    }
    let best = this.#readers[0] as Reader;
    for (const r of this.#readers) if (r.pending.size < best.pending.size) best = r;
    return best;
  }

  #start(): Reader {
    const script = this.#o.script ?? DEFAULT_SCRIPT;
    // Absolute: a reader started after a chdir opens the same file.
    const workerData: ReaderData = { path: resolvePath(this.#o.path) };
    const worker = startWorker(script, workerData);
    worker.unref();
    const reader: Reader = { worker, pending: new Map() };
    worker.on("message", (m: ReadResponse) => {
      const p = reader.pending.get(m.id);
      if (!p) return;
      reader.pending.delete(m.id);
      if (reader.pending.size === 0) worker.unref();
      if ("error" in m) p.reject(new SqliteReadError(m.error.message, m.error.code));
      else p.resolve(m);
    });
    worker.on("error", (err) => this.#stopped(reader, err.message, err));
    worker.on("exit", (code) => this.#stopped(reader, `exit code ${code}`));
    this.#readers.push(reader);
    return reader;
  }

  /** A reader ended (an error, then its exit): its reads fail, the next read starts another. */
  #stopped(reader: Reader, why: string, cause?: unknown): void {
    const i = this.#readers.indexOf(reader);
    if (i >= 0) this.#readers.splice(i, 1);
    if (this.#closed || reader.pending.size === 0) return;
    this.#o.logger.warn({ err: cause, pending: reader.pending.size }, `SQLite reader stopped: ${why}`);
    this.#failAll(
      reader,
      new StoreUnavailableError(`SQLite reader of ${this.#o.path} stopped (${why})`, 5, { cause }),
    );
  }

  #failAll(reader: Reader, err: Error): void {
    const pending = [...reader.pending.values()];
    reader.pending.clear();
    for (const p of pending) p.reject(err);
  }
}
