/**
 * A reader thread that fails on purpose, for sqlite-readers.test.ts: SqliteReaders must fail the reads
 * in flight of a reader that dies, never leave them waiting. The statement names how it dies: "exit" ends
 * the thread (process.exit in a worker ends the worker only), anything else throws an uncaught error.
 */
import { parentPort } from "node:worker_threads";

parentPort?.on("message", (req: { sql: string }) => {
  if (req.sql === "exit") process.exit(7);
  throw new Error(`reader failing on purpose at "${req.sql}"`);
});
