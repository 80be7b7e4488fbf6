import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { Point } from "../point.js";
import { HOUR_MS, MINUTE_MS } from "../time/local-time.js";
import { storeContract, T0 } from "./contract.js";
import { SqliteReaders } from "./sqlite-readers.js";
import { SqliteStore } from "./sqlite-store.js";
import { StoreUnavailableError } from "./types.js";

const logger = pino({ level: "silent" });
const dir = mkdtempSync(join(tmpdir(), "jisr-sqlite-readers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = () => join(dir, `store-${++files}.sqlite`);

// The whole Store contract, its reads served by two reader threads.
storeContract(
  "SQLite file, 2 reader threads",
  async () => new SqliteStore({ path: file(), logger, readers: 2 }),
);
storeContract(
  "SQLite file, reads on the main thread",
  async () => new SqliteStore({ path: file(), logger, readers: 0 }),
);

/** A month-like mix: two institutions, counters a minute apart, one device with two series in a group. */
function points(): Point[] {
  const out: Point[] = [];
  for (let m = 0; m < 6 * 60; m++) {
    for (const [institution, device, step] of [
      ["a", "m-1", 10],
      ["a", "m-2", 3],
      ["b", "m-1", 7],
    ] as const) {
      if (device === "m-2" && m % 7 === 0) continue; // gaps
      out.push({
        measurement: "meter",
        tags: { institution, device, phase: m % 2 === 0 ? "1" : "2" },
        fields: { energy_wh: 1000 + m * step - (m === 95 ? 40 : 0), temperature_c: 40 + Math.sin(m / 9) * 5 },
        time: T0 + m * MINUTE_MS + (m % 3) * 1000,
      });
    }
  }
  return out;
}

describe("SqliteStore with reader threads", () => {
  it("answers aggregate and hourStats exactly as the same store read on the main thread", async () => {
    const path = file();
    const pooled = new SqliteStore({ path, logger, readers: 2 });
    await pooled.init();
    await pooled.write(points());
    const inThread = new SqliteStore({ path, logger, readers: 0 });
    await inThread.init();
    const memory = new SqliteStore({ path: ":memory:", logger });
    await memory.init();
    await memory.write(points());
    const range = { from: T0, to: T0 + 6 * HOUR_MS };
    // One series per group (groupBy device + phase) and several (groupBy device: both phases).
    for (const groupBy of [["institution", "device", "phase"], ["device"], []]) {
      for (const bucketFn of ["last", "mean"] as const) {
        const q = {
          measurement: "meter",
          field: "energy_wh",
          ...range,
          groupBy,
          bucketMs: 5 * MINUTE_MS,
          bucketFn,
        };
        const expected = await inThread.hourStats(q);
        expect(expected.length).toBeGreaterThan(0);
        expect(await pooled.hourStats(q)).toEqual(expected);
        expect(await memory.hourStats(q)).toEqual(expected);
      }
      for (const fn of ["mean", "sum", "min", "max", "count", "first", "last"] as const) {
        const q = {
          measurement: "meter",
          field: "temperature_c",
          fn,
          ...range,
          everyMs: 15 * MINUTE_MS,
          groupBy,
        };
        const expected = await inThread.aggregate(q);
        expect(expected.length).toBeGreaterThan(0);
        expect(await pooled.aggregate(q)).toEqual(expected);
        expect(await memory.aggregate(q)).toEqual(expected);
      }
    }
    await Promise.all([pooled.close(), inThread.close(), memory.close()]);
  });

  it("sees every write that resolved before the read was issued, its own and another connection's", async () => {
    const path = file();
    const store = new SqliteStore({ path, logger, readers: 2 });
    const other = new SqliteStore({ path, logger, readers: 0 });
    await store.init();
    await other.init();
    const q = {
      measurement: "pv",
      field: "energy_wh",
      fn: "count" as const,
      from: T0,
      to: T0 + HOUR_MS,
      everyMs: HOUR_MS,
    };
    for (let i = 0; i < 40; i++) {
      const writer = i % 2 === 0 ? store : other;
      await writer.write([
        { measurement: "pv", tags: { device: "inv-1" }, fields: { energy_wh: i }, time: T0 + i * 1000 },
      ]);
      // Several reads at once, so both threads answer some.
      const answers = await Promise.all([store.aggregate(q), store.aggregate(q), store.aggregate(q)]);
      for (const a of answers) expect(a).toEqual([{ tags: {}, points: [{ time: T0, value: i + 1 }] }]);
    }
    await store.close();
    await other.close();
  });

  it("refuses a reader count that is not a whole number ≥ 0", async () => {
    expect(() => new SqliteStore({ path: file(), readers: -1 })).toThrow(/readers must be a whole number/);
    expect(() => new SqliteStore({ path: file(), readers: 1.5 })).toThrow(/readers must be a whole number/);
  });
});

describe("SqliteReaders", () => {
  it("runs statements on read-only connections, and close() ends the threads and fails reads in flight", async () => {
    const path = file();
    const store = new SqliteStore({ path, logger, readers: 0 });
    await store.init();
    await store.write([{ measurement: "pv", tags: {}, fields: { power_w: 5 }, time: T0 }]);
    await store.close();
    const readers = new SqliteReaders({ path, size: 2, logger });
    expect(
      await readers.read("SELECT value FROM point_values WHERE time = :t", [{ t: T0 }, { t: T0 }], true),
    ).toEqual([[5], [5]]);
    await expect(readers.read("DELETE FROM point_values RETURNING time", [{}], false)).rejects.toThrow(
      /readonly/,
    );
    await expect(readers.read("SELECT nope FROM point_values", [{}], false)).rejects.toThrow(
      /no such column/,
    );
    // In flight when close() comes (its answer cannot arrive before this turn of the event loop ends).
    const long = expect(
      readers.read(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200000) SELECT count(*) FROM c",
        [{}],
        true,
      ),
    ).rejects.toThrow(StoreUnavailableError);
    expect(readers.threads).toBeGreaterThan(0);
    await readers.close();
    await long;
    expect(readers.threads).toBe(0);
    await expect(readers.read("SELECT 1", [{}], true)).rejects.toThrow(StoreUnavailableError);
  });

  it("fails the reads in flight of a reader that dies, and starts another for the next read", async () => {
    const script = new URL("./testing/failing-reader.ts", import.meta.url);
    const readers = new SqliteReaders({ path: file(), size: 1, logger, script });
    const thrown = readers.read("anything", [{}], true);
    await expect(thrown).rejects.toThrow(StoreUnavailableError);
    await expect(thrown).rejects.toThrow(/reader failing on purpose/);
    // A new thread for the next read, which ends by exiting: its reads fail too, none is left waiting.
    const exited = await Promise.allSettled([
      readers.read("exit", [{}], true),
      readers.read("exit", [{}], true),
    ]);
    expect(exited.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    for (const r of exited) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    expect(String((exited[0] as PromiseRejectedResult).reason)).toMatch(/exit code 7/);
    await readers.close();
  });
});
