import { SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { jobSuite } from "./job.suite.js";

jobSuite("SQLite", async () => new SqliteStore({ path: ":memory:", logger: pino({ level: "silent" }) }));
