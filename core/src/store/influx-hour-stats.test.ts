/**
 * The "mean" hour statistics added up from the raw readings (influx-hour-stats.ts) against the InfluxQL
 * formulation they replaced (count/min/max per hour, and a `count(mean) GROUP BY time(bucket)` subquery),
 * both run on the real influxd over irregular data: the same HourStats, hour by hour.
 */

import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import type { InfluxClient } from "../influx/client.js";
import { msLiteral, quoteIdentifier, quoteTag, tagConditions } from "../influx/influxql.js";
import type { Cell } from "../influx/response.js";
import type { Point } from "../point.js";
import { mulberry32 } from "../random.js";
import { HOUR_MS, MINUTE_MS } from "../time/local-time.js";
import type { HourStats, HourStatsQuery, HourStatsResult } from "./hour-stats.js";
import { influxHourStats, meanHours, rawRanges } from "./influx-hour-stats.js";
import { InfluxStore } from "./influx-store.js";
import { groupKey, groupTags } from "./validate.js";

const logger = pino({ level: "silent" });
/** A whole hour (2026-11-10T00:00Z). */
const H0 = Date.UTC(2026, 10, 10);

/** The statements the "mean" statistics were computed with before, and their join (as it was). */
async function oldMeanHourStats(client: InfluxClient, q: HourStatsQuery): Promise<HourStatsResult[]> {
  const field = quoteIdentifier(q.field);
  const time = [`time >= ${msLiteral(q.from)}`, `time < ${msLiteral(q.to)}`];
  const tags = tagConditions(q.where);
  const where = `WHERE ${[...time, ...(tags ? [tags] : [])].join(" AND ")}`;
  const by = (every: number) => [`time(${msLiteral(every)})`, ...(q.groupBy ?? []).map(quoteTag)].join(", ");
  const from = quoteIdentifier(q.measurement);
  const inner = `SELECT mean(${field}) AS "v" FROM ${from} ${where} GROUP BY ${by(q.bucketMs)} fill(none)`;
  const [readings, buckets] = await client.query(
    `SELECT count(${field}) AS "readings", min(${field}) AS "min", max(${field}) AS "max" FROM ${from} ` +
      `${where} GROUP BY ${by(HOUR_MS)} fill(none); ` +
      `SELECT count("v") AS "buckets" FROM (${inner}) WHERE ${time.join(" AND ")} GROUP BY ${by(HOUR_MS)} fill(none)`,
  );
  expect(readings?.partial || buckets?.partial).toBe(false);
  const groupBy = q.groupBy ?? [];
  const bucketsOf = new Map<string, Map<number, Cell>>();
  for (const s of buckets?.series ?? [])
    bucketsOf.set(
      groupKey(s.tags, groupBy),
      new Map(s.values.map((row) => [row[0] as number, row[1] ?? null])),
    );
  return (readings?.series ?? []).map((s) => ({
    tags: groupTags(s.tags, groupBy),
    hours: s.values.map(
      (row): HourStats => ({
        time: row[0] as number,
        readings: row[1] as number,
        buckets: bucketsOf.get(groupKey(s.tags, groupBy))?.get(row[0] as number) as number,
        min: row[2] as number,
        max: row[3] as number,
      }),
    ),
  }));
}

/** A small deterministic generator, so a failure can be replayed. */
const random = mulberry32;

/**
 * 30 hours of three heaters' outlet temperatures at irregular instants: minutes with none, one or up to
 * five readings (at any millisecond), readings on the first and last millisecond of hours, a whole hour
 * without readings, one device with two series (a second `model` tag), another field of the same
 * measurement written at other instants (not readings of this one), and another institution's device of
 * the same name.
 */
function points(): Point[] {
  const rnd = random(12);
  const out: Point[] = [];
  const at = (institution: string, device: string, time: number, value: number, model = "a") =>
    out.push({
      measurement: "hot_water",
      tags: { institution, device, model },
      fields: { outlet_temperature_c: Math.round(value * 1000) / 1000 },
      time,
    });
  for (const device of ["h-1", "h-2", "h-3"]) {
    for (let m = 0; m < 30 * 60; m++) {
      if (device === "h-2" && m >= 5 * 60 && m < 6 * 60) continue; // an hour without readings
      const n = Math.floor(rnd() * 6) - (rnd() < 0.2 ? 1 : 0); // -1..5: some minutes empty
      const seen = new Set<number>();
      for (let k = 0; k < n; k++) {
        const time = H0 + m * MINUTE_MS + Math.floor(rnd() * MINUTE_MS);
        if (seen.has(time)) continue;
        seen.add(time);
        const model = device === "h-3" && rnd() < 0.5 ? "b" : "a";
        at("dar", device, time, 40 + 25 * Math.sin(m / 90) + rnd() * 3, model);
      }
    }
    // The edges of hours: their first and last millisecond.
    for (const h of [2, 7, 13]) {
      at("dar", device, H0 + h * HOUR_MS, 61.5);
      at("dar", device, H0 + h * HOUR_MS - 1, 18.25);
    }
  }
  for (let m = 0; m < 30 * 60; m += 7)
    out.push({
      measurement: "hot_water",
      tags: { institution: "dar", device: "h-1", model: "a" },
      fields: { inlet_temperature_c: 15 },
      time: H0 + m * MINUTE_MS + 123,
    });
  at("other", "h-1", H0 + 90_000, 99);
  return out;
}

describe("mean hour statistics from the raw readings", () => {
  it("equal the InfluxQL subquery's on irregular data, split into several raw reads", async () => {
    const store = new InfluxStore({ url: influxUrl(), database: uniqueDatabase("meanhours"), logger });
    await store.init();
    const written = points();
    await store.write(written);
    const base: HourStatsQuery = {
      measurement: "hot_water",
      field: "outlet_temperature_c",
      from: H0 - HOUR_MS,
      to: H0 + 31 * HOUR_MS,
      where: { institution: "dar" },
      groupBy: ["device"],
      bucketMs: MINUTE_MS,
      bucketFn: "mean",
    };
    const queries: HourStatsQuery[] = [
      base,
      { ...base, bucketMs: 5 * MINUTE_MS },
      { ...base, groupBy: [] },
      { ...base, where: { institution: "dar", device: "h-3" } },
      { ...base, groupBy: ["device", "model"], from: H0 + 2 * HOUR_MS, to: H0 + 14 * HOUR_MS },
      { ...base, where: { institution: "nobody" } },
    ];
    for (const q of queries) {
      const now = await influxHourStats(store.client, q);
      expect(now).toEqual(await oldMeanHourStats(store.client, q));
      if (q === base) {
        // Not vacuous: three devices, 30 hours each but h-2's empty one, minutes with several readings
        // (readings > buckets), minutes without any (buckets < 60), and more rows than one answer holds.
        expect(now.map((s) => [s.tags.device, s.hours.length])).toEqual([
          ["h-1", 30],
          ["h-2", 29],
          ["h-3", 30],
        ]);
        const hours = now.flatMap((s) => s.hours);
        expect(hours.some((h) => h.readings > h.buckets)).toBe(true);
        expect(hours.some((h) => h.buckets < 60)).toBe(true);
        expect(hours.reduce((n, h) => n + h.readings, 0)).toBeGreaterThan(10_000);
      }
    }
    expect(await influxHourStats(store.client, queries[5] as HourStatsQuery)).toEqual([]);
    await store.close();
  });

  it("reads an hour holding more readings than one answer in parts, and refuses a part cut short", async () => {
    const store = new InfluxStore({ url: influxUrl(), database: uniqueDatabase("meanheavy"), logger });
    await store.init();
    const at = (time: number, value: number): Point => ({
      measurement: "m",
      tags: { device: "d" },
      fields: { v: value },
      time,
    });
    // 12 000 readings spread over one hour (every 300 ms).
    await store.write(Array.from({ length: 12_000 }, (_, i) => at(H0 + i * 300, i % 97)));
    const q: HourStatsQuery = {
      measurement: "m",
      field: "v",
      from: H0,
      to: H0 + 2 * HOUR_MS,
      groupBy: ["device"],
      bucketMs: MINUTE_MS,
      bucketFn: "mean",
    };
    const got = await influxHourStats(store.client, q);
    expect(got).toEqual(await oldMeanHourStats(store.client, q));
    expect(got[0]?.hours).toEqual([{ time: H0, readings: 12_000, buckets: 60, min: 0, max: 96 }]);
    // 11 000 more in the hour's first 11 s: the part that holds them is more than influxd answers.
    await store.write(Array.from({ length: 11_000 }, (_, i) => at(H0 + HOUR_MS + i, 1)));
    await expect(influxHourStats(store.client, q)).rejects.toThrow(/cut the hour statistics of "m" short/);
    await store.close();
  });
});

describe("rawRanges", () => {
  it("covers the range with whole hours under the limit, cutting an hour that holds more", () => {
    const per = new Map([
      [H0, 4],
      [H0 + HOUR_MS, 5],
      [H0 + 3 * HOUR_MS, 6],
      [H0 + 4 * HOUR_MS, 25],
    ]);
    expect(rawRanges(H0, H0 + 6 * HOUR_MS, per, 10)).toEqual([
      [H0, H0 + 3 * HOUR_MS],
      [H0 + 3 * HOUR_MS, H0 + 4 * HOUR_MS],
      // 25 readings for a limit of 10: five parts of 12 minutes.
      [H0 + 4 * HOUR_MS, H0 + 4 * HOUR_MS + 12 * MINUTE_MS],
      [H0 + 4 * HOUR_MS + 12 * MINUTE_MS, H0 + 4 * HOUR_MS + 24 * MINUTE_MS],
      [H0 + 4 * HOUR_MS + 24 * MINUTE_MS, H0 + 4 * HOUR_MS + 36 * MINUTE_MS],
      [H0 + 4 * HOUR_MS + 36 * MINUTE_MS, H0 + 4 * HOUR_MS + 48 * MINUTE_MS],
      [H0 + 4 * HOUR_MS + 48 * MINUTE_MS, H0 + 6 * HOUR_MS],
    ]);
    expect(rawRanges(H0, H0 + 2 * HOUR_MS, new Map([[H0, 3]]), 10)).toEqual([[H0, H0 + 2 * HOUR_MS]]);
  });

  it("adds up hours from readings out of order, with buckets counted once", () => {
    const t = (min: number, s: number) => H0 + min * MINUTE_MS + s * 1000;
    const rows: Array<[number, number]> = [
      [t(0, 30), 5],
      [t(0, 0), 7],
      [t(59, 59), 1],
      [t(60, 0), 3],
      [t(61, 0), 4],
      [t(61, 1), 2],
    ];
    expect(
      meanHours(
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        MINUTE_MS,
      ),
    ).toEqual([
      { time: H0, readings: 3, buckets: 2, min: 1, max: 7 },
      { time: H0 + HOUR_MS, readings: 3, buckets: 2, min: 2, max: 4 },
    ]);
  });
});
