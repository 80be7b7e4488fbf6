import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { storeContract, T0 } from "./contract.js";
import { aggregateSql, NEWEST_TIME, VALUES_AT } from "./sqlite-schema.js";
import { SqliteStore } from "./sqlite-store.js";
import { StoreUnavailableError } from "./types.js";

const logger = pino({ level: "silent" });

storeContract("SQLite in memory", async () => new SqliteStore({ path: ":memory:", logger }));

describe("SqliteStore on a file", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function tempFile(): string {
    dir = mkdtempSync(join(tmpdir(), "jisr-sqlite-"));
    return join(dir, "store.sqlite");
  }

  const point = (minute: number, power_w: number | string) => ({
    measurement: "pv",
    tags: { institution: "dar-al-amal", device: "inv-1" },
    fields: { power_w },
    time: T0 + minute * 60_000,
  });

  it("sees the series another process adds to the same file, between two of its own queries", async () => {
    const path = tempFile();
    const reader = new SqliteStore({ path, logger });
    const writer = new SqliteStore({ path, logger });
    await reader.init();
    await writer.init();
    await writer.write([point(0, 42)]);
    const q = {
      measurement: "pv",
      field: "power_w",
      fn: "sum" as const,
      from: T0,
      to: T0 + 3_600_000,
      everyMs: 3_600_000,
    };
    expect(await reader.aggregate({ ...q, groupBy: ["device"] })).toEqual([
      { tags: { device: "inv-1" }, points: [{ time: T0, value: 42 }] },
    ]);
    // A second inverter appears, written by the other store (the ingestion, in the demo).
    await writer.write([{ ...point(1, 8), tags: { institution: "dar-al-amal", device: "inv-2" } }]);
    expect(await reader.aggregate({ ...q, groupBy: ["device"] })).toEqual([
      { tags: { device: "inv-1" }, points: [{ time: T0, value: 42 }] },
      { tags: { device: "inv-2" }, points: [{ time: T0, value: 8 }] },
    ]);
    expect(await reader.aggregate({ ...q, where: { device: "inv-2" } })).toEqual([
      { tags: {}, points: [{ time: T0, value: 8 }] },
    ]);
    await reader.close();
    await writer.close();
  });

  it("keeps its data across a close and reopen, in WAL mode with synchronous=FULL", async () => {
    const path = tempFile();
    const first = new SqliteStore({ path, logger });
    await first.init();
    await first.write([point(0, 42)]);
    await first.close();
    expect(await first.ping()).toBe(false);

    const again = new SqliteStore({ path, logger });
    await again.init();
    const [row] = await again.latest({ measurement: "pv", now: T0 });
    expect(row?.fields).toEqual({ power_w: 42 });
    await again.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("rolls back the whole batch when a point conflicts with a field type", async () => {
    const store = new SqliteStore({ path: tempFile(), logger });
    await store.init();
    await store.write([point(0, 1)]);
    // Points 0 and 1 are valid on their own; point 2 conflicts, so neither 0 nor 1 may stay.
    await expect(store.write([point(1, 2), point(2, 3), point(3, "text")])).rejects.toThrow(/type conflict/);
    const count = await store.aggregate({
      measurement: "pv",
      field: "power_w",
      fn: "count",
      from: T0,
      to: T0 + 3_600_000,
      everyMs: 3_600_000,
    });
    expect(count).toEqual([{ tags: {}, points: [{ time: T0, value: 1 }] }]);
    // The caches were reset with the rollback: later writes still work.
    await store.write([point(1, 2)]);
    await store.close();
  });

  it("fails with StoreUnavailableError before init", async () => {
    const store = new SqliteStore({ path: ":memory:", logger });
    await expect(store.write([point(0, 1)])).rejects.toThrow(StoreUnavailableError);
    expect(await store.ping()).toBe(false);
  });

  it("reads aggregates and latest points through indexes, never by a table scan", async () => {
    const path = tempFile();
    const store = new SqliteStore({ path, logger });
    await store.init();
    await store.close();
    const db = new Database(path, { readonly: true });
    const planOf = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
        .map((p) => p.detail)
        .join("\n");
    const aggregate = planOf(aggregateSql("mean"), {
      groups: '{"1":0}',
      every: 60_000,
      field: 1,
      from: 0,
      to: 1,
    });
    const newest = planOf(NEWEST_TIME, 1, 0, 1);
    const values = planOf(VALUES_AT, "pv", 1, 0);
    db.close();
    expect(aggregate).toMatch(
      /SEARCH p USING PRIMARY KEY \(series_id=\? AND field_id=\? AND time>\? AND time<\?\)/,
    );
    expect(aggregate).not.toMatch(/SCAN p\b/);
    expect(newest).toBe(
      "SEARCH point_values USING COVERING INDEX point_values_by_series_time (series_id=? AND time>? AND time<?)",
    );
    expect(values).toMatch(/SEARCH p USING PRIMARY KEY \(series_id=\? AND field_id=\? AND time=\?\)/);
  });
});
