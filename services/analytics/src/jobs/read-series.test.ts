import { DAY_MS, HOUR_MS, MINUTE_MS } from "@jisr/core";
import { SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aggregateInChunks, MAX_ROWS_PER_QUERY, readCounterWindow } from "./read-series.js";

const T0 = Date.UTC(2026, 10, 2);
const src = {
  institution: "site-a",
  measurement: "pv_inverter",
  field: "energy_wh",
  devices: ["inv-1", "inv-2"],
};
const reading = (device: string, time: number, energy_wh: number) => ({
  measurement: "pv_inverter",
  tags: { institution: "site-a", device },
  fields: { energy_wh },
  time,
});

describe("reading counters through the Store", () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = new SqliteStore({ path: ":memory:", logger: pino({ level: "silent" }) });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
  });

  it("finds the readings before and after a window far outside its context", async () => {
    // inv-1 read on the 2nd at 12:00:30 and on the 5th at 06:10; inv-2 every minute of the 3rd.
    await store.write([
      reading("inv-1", T0 + 12 * HOUR_MS + 30_000, 100),
      reading("inv-1", T0 + 3 * DAY_MS + 6 * HOUR_MS + 10 * MINUTE_MS, 900),
      ...Array.from({ length: 1440 }, (_, i) => reading("inv-2", T0 + DAY_MS + i * MINUTE_MS, i)),
    ]);
    const window = { contextMs: 2 * HOUR_MS, horizonMs: 10 * DAY_MS, bucketMs: 5 * MINUTE_MS };
    const series = await readCounterWindow(store, src, T0 + DAY_MS, T0 + 2 * DAY_MS, window);
    // Timed at the end of their 5-minute buckets: 12:05 on the 2nd and 06:15 on the 5th.
    expect(series.get("inv-1")).toEqual([
      { time: T0 + 12 * HOUR_MS + 5 * MINUTE_MS, value: 100 },
      { time: T0 + 3 * DAY_MS + 6 * HOUR_MS + 15 * MINUTE_MS, value: 900 },
    ]);
    // inv-2: the last value of each 5 minutes of the 3rd (4, 9, ... 1439), nothing before or after it.
    const inv2 = series.get("inv-2") ?? [];
    expect(inv2).toHaveLength(288);
    expect(inv2[0]).toEqual({ time: T0 + DAY_MS + 5 * MINUTE_MS, value: 4 });
    expect(inv2.at(-1)).toEqual({ time: T0 + 2 * DAY_MS, value: 1439 });
    // Beyond the horizon nothing is found.
    const short = await readCounterWindow(store, src, T0 + DAY_MS, T0 + 2 * DAY_MS, {
      ...window,
      horizonMs: 6 * HOUR_MS,
    });
    expect(short.get("inv-1")).toBeUndefined();
  });

  it("reads a long range in chunks no larger than InfluxDB's row limit, losing no bucket", async () => {
    const minutes = MAX_ROWS_PER_QUERY + 500;
    await store.write(Array.from({ length: minutes }, (_, i) => reading("inv-1", T0 + i * MINUTE_MS, i)));
    const sizes: number[] = [];
    const counting = Object.assign(Object.create(store) as SqliteStore, {
      aggregate: async (q: Parameters<SqliteStore["aggregate"]>[0]) => {
        const result = await store.aggregate(q);
        sizes.push(result.reduce((n, s) => n + s.points.length, 0));
        return result;
      },
    });
    const q = {
      measurement: src.measurement,
      field: src.field,
      fn: "last" as const,
      from: T0,
      to: T0 + minutes * MINUTE_MS,
      everyMs: MINUTE_MS,
    };
    const [series] = await aggregateInChunks(counting, q, 1);
    expect(series?.points).toHaveLength(minutes);
    expect(series?.points.every((p, i) => p.value === i)).toBe(true);
    // One count over the range (one row), then the two chunks.
    expect(sizes).toEqual([1, MAX_ROWS_PER_QUERY, 500]);
  });

  it("reads a field nobody writes with one query, and sparse data in one answer", async () => {
    const queries: Array<{ fn: string; from: number; to: number }> = [];
    const counting = Object.assign(Object.create(store) as SqliteStore, {
      aggregate: async (q: Parameters<SqliteStore["aggregate"]>[0]) => {
        queries.push({ fn: q.fn, from: q.from, to: q.to });
        return store.aggregate(q);
      },
    });
    const long = (field: string) => ({
      measurement: src.measurement,
      field,
      fn: "last" as const,
      from: T0,
      to: T0 + 30 * DAY_MS, // 43 200 minutes: 5 chunks at one minute
      everyMs: MINUTE_MS,
    });
    expect(await aggregateInChunks(counting, long("energy_wh"), 1)).toEqual([]);
    expect(queries.map((q) => q.fn)).toEqual(["count"]);
    // A reading an hour: 720 in the month, one answer.
    await store.write(Array.from({ length: 720 }, (_, i) => reading("inv-1", T0 + i * HOUR_MS, i)));
    queries.length = 0;
    const [series] = await aggregateInChunks(counting, long("energy_wh"), 1);
    expect(series?.points).toHaveLength(720);
    expect(series?.points.every((p, i) => p.value === i && p.time === T0 + i * HOUR_MS)).toBe(true);
    expect(queries).toEqual([
      { fn: "count", from: T0, to: T0 + 30 * DAY_MS },
      { fn: "last", from: T0, to: T0 + 30 * DAY_MS },
    ]);
  });
});
