import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { afterAll } from "vitest";
import { jobSuite } from "./job.suite.js";

// The job on a SQLite file whose reads are served by reader threads (the store's default for a file, and
// what `jisr analytics run --sqlite` uses): the same hand-worked results as in memory on the main thread.
const dir = mkdtempSync(join(tmpdir(), "jisr-job-readers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

jobSuite(
  "SQLite file, 2 reader threads",
  async () =>
    new SqliteStore({
      path: join(dir, `store-${++files}.sqlite`),
      logger: pino({ level: "silent" }),
      readers: 2,
    }),
);
