import { SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { buildSuite } from "./build.suite.js";

buildSuite("SQLite", async () => new SqliteStore({ path: ":memory:", logger: pino({ level: "silent" }) }));
