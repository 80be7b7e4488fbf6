import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import type { Point } from "../point.js";
import { HOUR_MS, MINUTE_MS } from "../time/local-time.js";
import type { HourStatsReader } from "./hour-stats.js";
import { hourStatsOf } from "./hour-stats-of.js";
import { InfluxStore } from "./influx-store.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./types.js";

const logger = pino({ level: "silent" });
/** A whole hour (2026-11-10T00:00Z). */
const H0 = Date.UTC(2026, 10, 10);

/**
 * Hour 0: a counter read every minute rising 10 Wh a minute, with one reading falling back 7 Wh at 00:32;
 * hour 1: the readings of 01:20–01:29 missing (two 5-minute buckets empty); hour 2: nothing; hour 3: one
 * reading. A second device reads 100 every 5 minutes in hour 0 only.
 */
function points(): Point[] {
  const out: Point[] = [];
  const at = (device: string, minute: number, value: number) =>
    out.push({
      measurement: "meter",
      tags: { institution: "a", device },
      fields: { energy_wh: value },
      time: H0 + minute * MINUTE_MS,
    });
  for (let m = 0; m < 120; m++) {
    if (m >= 80 && m < 90) continue;
    at("m-1", m, 1000 + m * 10 - (m === 32 ? 17 : 0));
  }
  at("m-1", 190, 5000);
  for (let m = 0; m < 60; m += 5) at("m-2", m, 100);
  for (const [k, value] of [1, 2, 3, 4].entries())
    out.push({
      measurement: "meter",
      tags: { institution: "c", device: "m-3" },
      fields: { energy_wh: value },
      time: H0 + k * 30_000,
    });
  // Another institution's device of the same name: never mixed in.
  out.push({
    measurement: "meter",
    tags: { institution: "b", device: "m-1" },
    fields: { energy_wh: 1 },
    time: H0,
  });
  return out;
}

/** An hour's own statistics (hour-stats.ts): its first bucket, and the steps between its own buckets. */
const inner = (first: number, innerSteps: number, innerMinStep: number, innerMaxStep: number) => ({
  first,
  innerSteps,
  innerMinStep,
  innerMaxStep,
});

const query = (bucketFn: "last" | "mean") => ({
  measurement: "meter",
  field: "energy_wh",
  from: H0,
  to: H0 + 4 * HOUR_MS,
  where: { institution: "a" },
  groupBy: ["device"],
  bucketMs: 5 * MINUTE_MS,
  bucketFn,
});

async function check(store: Store) {
  await store.init();
  await store.write(points());
  const hourStats = hourStatsOf(store) as HourStatsReader;
  expect(hourStats).toBeTypeOf("function");
  const last = await hourStats(query("last"));
  expect(last.map((s) => s.tags)).toEqual([{ device: "m-1" }, { device: "m-2" }]);
  const [m1, m2] = last;
  expect(m1?.hours).toEqual([
    // Buckets end on minutes 4, 9, …: values 1040, 1090, …; the 00:30 bucket's last (00:34) is unaffected
    // by the fall at 00:32, so every step is 50 Wh; the first bucket has no step before it.
    {
      time: H0,
      readings: 60,
      buckets: 12,
      last: 1590,
      steps: 11,
      minStep: 50,
      maxStep: 50,
      ...inner(1040, 11, 50, 50),
    },
    // 01:20 and 01:25 empty: the 01:30 bucket's step spans 15 minutes (150 Wh).
    {
      time: H0 + HOUR_MS,
      readings: 50,
      buckets: 10,
      last: 2190,
      steps: 10,
      minStep: 50,
      maxStep: 150,
      // The step into the hour (1590 → 1640) is not an inner one; 01:15 → 01:30 is.
      ...inner(1640, 9, 50, 150),
    },
    {
      time: H0 + 3 * HOUR_MS,
      readings: 1,
      buckets: 1,
      last: 5000,
      steps: 1,
      minStep: 2810,
      maxStep: 2810,
      first: 5000,
      innerSteps: 0,
    },
  ]);
  expect(m2?.hours).toEqual([
    {
      time: H0,
      readings: 12,
      buckets: 12,
      last: 100,
      steps: 11,
      minStep: 0,
      maxStep: 0,
      ...inner(100, 11, 0, 0),
    },
  ]);
  // One-minute means: the readings' extremes (the fall at 00:32 is not the least) and the minutes present.
  const mean = await hourStats({ ...query("mean"), bucketMs: MINUTE_MS });
  expect(mean[0]?.hours).toEqual([
    { time: H0, readings: 60, buckets: 60, min: 1000, max: 1590 },
    { time: H0 + HOUR_MS, readings: 50, buckets: 50, min: 1600, max: 2190 },
    { time: H0 + 3 * HOUR_MS, readings: 1, buckets: 1, min: 5000, max: 5000 },
  ]);
  // Two readings a minute (00:00:00 and 00:00:30 for m-3): the minutes, not the readings, are counted.
  expect(
    (await hourStats({ ...query("mean"), bucketMs: MINUTE_MS, where: { institution: "c" } }))[0]?.hours,
  ).toEqual([{ time: H0, readings: 4, buckets: 2, min: 1, max: 4 }]);
  // A query that is not whole hours is refused, naming the field.
  await expect(hourStats({ ...query("last"), from: H0 + 1 })).rejects.toThrow(/from/);
  await store.close();
}

describe("hourStats", () => {
  it("SQLite: counts, extremes, buckets and steps per hour and device", async () => {
    await check(new SqliteStore({ path: ":memory:", logger }));
  });

  it("InfluxDB: the same answer from InfluxQL (subquery with difference())", async () => {
    await check(new InfluxStore({ url: influxUrl(), database: uniqueDatabase("hourstats"), logger }));
  });
});
