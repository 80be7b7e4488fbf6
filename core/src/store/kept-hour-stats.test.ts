/**
 * Kept hour statistics (kept-hour-stats.ts) must answer exactly what the store's own hour statistics
 * answer, for any range, before and after late readings, and read the raw readings only for the hours
 * that changed. Both stores, the real ones.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import type { Point } from "../point.js";
import { HOUR_MS, MINUTE_MS } from "../time/local-time.js";
import type { HourStatsQuery, HourStatsReader } from "./hour-stats.js";
import { hourStatsOf } from "./hour-stats-of.js";
import { InfluxStore } from "./influx-store.js";
import { KEPT_HOUR_STATS, keepingHourStats } from "./kept-hour-stats.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./types.js";

const logger = pino({ level: "silent" });
/** A whole hour (2026-11-10T00:00Z). */
const H0 = Date.UTC(2026, 10, 10);

const reading = (device: string | undefined, minute: number, fields: Point["fields"]): Point => ({
  measurement: "meter",
  tags: device === undefined ? { institution: "a" } : { institution: "a", device },
  fields,
  time: H0 + minute * MINUTE_MS,
});

/**
 * 12 hours of device m-1 (a counter rising 10 Wh a minute, a dip at 00:32, a spike at 08:20, nothing in
 * hours 5 and 6; a temperature beside it), device m-2 every 5 minutes in hours 0-3, and readings of the
 * same institution without a device (a group of its own when grouped by device).
 */
function points(): Point[] {
  const out: Point[] = [];
  for (let m = 0; m < 720; m++) {
    if (m >= 300 && m < 420) continue;
    const wh = 1000 + m * 10 - (m === 32 ? 17 : 0) + (m === 500 ? 5000 : 0);
    out.push(reading("m-1", m, { energy_wh: wh, temp_c: 40 + 15 * Math.sin(m / 50) }));
  }
  for (let m = 0; m < 240; m += 5) out.push(reading("m-2", m, { energy_wh: 100 + 3 * Math.floor(m / 60) }));
  for (let m = 0; m < 180; m += 7) out.push(reading(undefined, m, { energy_wh: 7 * m }));
  return out;
}

const query = (bucketFn: "last" | "mean", o: Partial<HourStatsQuery> = {}): HourStatsQuery => ({
  measurement: "meter",
  field: bucketFn === "last" ? "energy_wh" : "temp_c",
  from: H0,
  to: H0 + 12 * HOUR_MS,
  where: { institution: "a" },
  groupBy: ["device"],
  bucketMs: bucketFn === "last" ? 5 * MINUTE_MS : MINUTE_MS,
  bucketFn,
  series: 3,
  ...o,
});

async function check(store: Store) {
  await store.init();
  await store.write(points());
  const base = hourStatsOf(store) as HourStatsReader;
  /** The ranges the kept reader read from the raw readings. */
  const reads: Array<[number, number]> = [];
  const kept = keepingHourStats(store, (q) => {
    reads.push([q.from, q.to]);
    return base(q);
  });
  const same = async (q: HourStatsQuery) => {
    reads.length = 0;
    expect(await kept(q)).toEqual(await base(q));
    return [...reads];
  };

  for (const q of [query("last"), query("mean"), query("last", { groupBy: [] })]) {
    // Nothing kept: the whole range is read (the hours with readings, the empty ones between joined in).
    expect(await same(q)).toEqual([[H0, H0 + 12 * HOUR_MS]]);
    // Then nothing is read again, and the answer is the same.
    expect(await same(q)).toEqual([]);
    // Another range of the same hours: the step into its first hour is worked out again, not kept.
    expect(await same({ ...q, from: H0 + 2 * HOUR_MS, to: H0 + 9 * HOUR_MS })).toEqual([]);
  }
  // The hours were written back: one point per group and hour read (m-1: 10 hours, m-2: 4, no device: 3).
  const keptPoints = await store.aggregate({
    measurement: KEPT_HOUR_STATS,
    field: "readings",
    fn: "count",
    from: H0,
    to: H0 + 12 * HOUR_MS,
    everyMs: 12 * HOUR_MS,
    where: {
      of_field: "energy_wh",
      of_bucket: "last-300000",
      of_keys: "device,institution",
      of_version: "1",
    },
  });
  expect(keptPoints.map((s) => s.points.map((p) => p.value))).toEqual([[17]]);

  // A query whose filters name a device selects what that device's group selects: its kept hours serve.
  const oneDevice = query("last", { where: { institution: "a", device: "m-2" }, groupBy: [] });
  expect(await same(oneDevice)).toEqual([]);

  // Late readings: into the empty hour 5, and one more into hour 1 (between two minutes). Only hours 1
  // and 5 change; they are read again in one range (the hours between too), nothing else.
  await store.write([
    ...Array.from({ length: 11 }, (_, k) =>
      reading("m-1", 320 + k, { energy_wh: 1000 + (320 + k) * 10, temp_c: 51 + k }),
    ),
    { ...reading("m-1", 80, { energy_wh: 1805, temp_c: 70 }), time: H0 + 80 * MINUTE_MS + 30_000 },
  ]);
  expect(await same(query("last"))).toEqual([[H0 + HOUR_MS, H0 + 6 * HOUR_MS]]);
  expect(await same(query("mean"))).toEqual([[H0 + HOUR_MS, H0 + 6 * HOUR_MS]]);
  expect(await same(query("last"))).toEqual([]);
  // Over the whole institution (no groupBy) hours 1 and 5 changed too.
  expect(await same(query("last", { groupBy: [] }))).toEqual([[H0 + HOUR_MS, H0 + 6 * HOUR_MS]]);
  expect(await same(query("last", { groupBy: [] }))).toEqual([]);
  await store.close();
}

/** The kept hours cannot be written: the answer is still the store's own, and the caller is told. */
async function checkKeepFailing(store: Store) {
  await store.init();
  await store.write(points());
  // Someone wrote the kept measurement's `readings` as text: every keeping write is now a type conflict.
  await store.write([
    { measurement: KEPT_HOUR_STATS, tags: { institution: "z" }, fields: { readings: "x" }, time: H0 },
  ]);
  const base = hourStatsOf(store) as HourStatsReader;
  await expect(keepingHourStats(store, base)(query("last"))).rejects.toThrow();
  const failed: string[] = [];
  const kept = keepingHourStats(store, base, { onKeepFailed: (_err, q) => failed.push(q.field) });
  expect(await kept(query("last"))).toEqual(await base(query("last")));
  expect(await kept(query("mean"))).toEqual(await base(query("mean")));
  expect(failed).toEqual(["energy_wh", "temp_c"]);
  await store.close();
}

describe("kept hour statistics", () => {
  it("SQLite: the store's own answer, the raw readings read only where they changed", async () => {
    await check(new SqliteStore({ path: ":memory:", logger }));
  });

  it("InfluxDB: the same, the kept hours read with the readings per hour in one request", async () => {
    await check(new InfluxStore({ url: influxUrl(), database: uniqueDatabase("kepthours"), logger }));
  });

  it("SQLite: answers from the readings when the kept hours cannot be written, and says so", async () => {
    await checkKeepFailing(new SqliteStore({ path: ":memory:", logger }));
  });

  it("InfluxDB: the same", async () => {
    await checkKeepFailing(
      new InfluxStore({ url: influxUrl(), database: uniqueDatabase("keptfail"), logger }),
    );
  });
});
