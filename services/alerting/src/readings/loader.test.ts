/**
 * The readings the rules get, read through the Store interface only: one suite, run on the SQLite store
 * and on the run's real influxd (STYLE habit 6).
 */
import type { Point } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { InfluxStore, SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { StoreReadings } from "./loader.js";

const logger = pino({ level: "silent" });
const MIN = 60_000;
const HOUR = 3_600_000;
/** 2026-06-10 12:00 UTC. */
const NOW = Date.UTC(2026, 5, 10, 12, 0);

const inverter = (t: number, power: number, state = "MPPT"): Point => ({
  measurement: "pv_inverter",
  tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
  fields: { power_w: power, energy_wh: 1000 + t / MIN, state },
  time: t,
});

const mppt = (t: number, n: string, power: number): Point => ({
  measurement: "pv_mppt",
  tags: { institution: "orphelinat-sidi-bennour", device: "inv-1", mppt: n },
  fields: { dc_power_w: power },
  time: t,
});

const readingsOf = (store: Store) =>
  new StoreReadings(store, {
    fineSpanMs: 2 * HOUR,
    shortSpanMs: 3 * HOUR,
    fineBucketMs: MIN,
    coarseBucketMs: 15 * MIN,
    lateMs: 30 * MIN,
    logger,
  });

describe.each([
  ["SQLite", async () => new SqliteStore({ path: ":memory:", logger })],
  [
    "InfluxDB",
    async () => new InfluxStore({ url: influxUrl(), database: uniqueDatabase("alerting"), logger }),
  ],
])("StoreReadings on %s", (_name, makeStore) => {
  let store: Store;
  afterEach(() => store.close());

  async function withData(points: Point[]): Promise<Store> {
    store = await makeStore();
    await store.init();
    await store.write(points);
    return store;
  }

  it("gives fine buckets over the recent span, coarse ones before, and the newest point whole", async () => {
    // One reading every 5 min over the last 4 h; the inverter tripped 10 min ago.
    const points: Point[] = [];
    for (let t = NOW - 4 * HOUR; t <= NOW; t += 5 * MIN)
      points.push(inverter(t, t >= NOW - 10 * MIN ? 0 : 5000));
    points[points.length - 1] = inverter(NOW, 0, "FAULT");
    await withData(points);

    const all = await readingsOf(store).load(NOW - 4 * HOUR, NOW);
    const mine = all.get("ehpad-ben-guerir") ?? [];
    const fine = mine.filter((p) => p.time >= NOW - 2 * HOUR && p.time < NOW && p.fields.state === undefined);
    const coarse = mine.filter((p) => p.time < NOW - 2 * HOUR);
    // Fine: one 1-min bucket per reading, stamped in the bucket's middle; coarse: 15-min means.
    expect(fine.slice(0, 2).map((p) => [p.time - (NOW - 2 * HOUR), p.fields.power_w])).toEqual([
      [30_000, 5000],
      [5 * MIN + 30_000, 5000],
    ]);
    expect(coarse.map((p) => p.time - (NOW - 4 * HOUR))).toEqual([
      7.5 * MIN,
      22.5 * MIN,
      37.5 * MIN,
      52.5 * MIN,
      67.5 * MIN,
      82.5 * MIN,
      97.5 * MIN,
      112.5 * MIN,
    ]);
    expect(coarse[0]?.fields).toEqual({ power_w: 5000, energy_wh: 1000 + (NOW - 4 * HOUR) / MIN + 10 });
    // The newest point comes whole, with its text field, at its own time.
    expect(mine.filter((p) => p.fields.state !== undefined)).toEqual([
      {
        measurement: "pv_inverter",
        tags: { institution: "ehpad-ben-guerir", device: "inv-1" },
        fields: inverter(NOW, 0, "FAULT").fields,
        time: NOW,
      },
    ]);
    expect(mine.map((p) => p.time)).toEqual([...mine.map((p) => p.time)].sort((a, b) => a - b));
  });

  it("never puts a bucket after the newest reading, which rules take for the current state", async () => {
    // The newest reading is 20 s into its minute: its bucket's middle (30 s) would come after it.
    await withData([inverter(NOW - 5 * MIN, 5000), inverter(NOW - 40_000, 0, "FAULT")]);
    const mine = (await readingsOf(store).load(NOW - HOUR, NOW)).get("ehpad-ben-guerir") ?? [];
    expect(mine.at(-1)?.fields.state).toBe("FAULT");
    expect(mine.map((p) => p.time)).toEqual([NOW - 5 * MIN + 30_000, NOW - 40_000]);
  });

  it("keeps extra tags apart and splits by institution", async () => {
    await withData([
      mppt(NOW - 20 * MIN, "1", 2500),
      mppt(NOW - 20 * MIN, "2", 100),
      mppt(NOW - 10 * MIN, "1", 2400),
      mppt(NOW - 10 * MIN, "2", 90),
    ]);
    const all = await readingsOf(store).load(NOW - HOUR, NOW);
    expect([...all.keys()]).toEqual(["orphelinat-sidi-bennour"]);
    const buckets = (all.get("orphelinat-sidi-bennour") ?? []).filter(
      (p) => p.time === NOW - 20 * MIN + 30_000,
    );
    expect(buckets.map((p) => [p.tags.mppt, p.fields.dc_power_w]).sort()).toEqual([
      ["1", 2500],
      ["2", 100],
    ]);
    expect(buckets[0]?.tags).toEqual({
      institution: "orphelinat-sidi-bennour",
      device: "inv-1",
      mppt: buckets[0]?.tags.mppt,
    });
  });

  it("reads the fast-changing measurements over the short span only, AC power over the whole lookback", async () => {
    await withData([
      mppt(NOW - 3.5 * HOUR, "1", 2500),
      mppt(NOW - 10 * MIN, "1", 2400),
      { ...inverter(NOW - 3.5 * HOUR, 4000), fields: { power_w: 4000 } },
    ]);
    const all = await readingsOf(store).load(NOW - 4 * HOUR, NOW);
    const old = [...all.values()].flat().filter((p) => p.time < NOW - 3 * HOUR);
    expect(old.map((p) => p.measurement)).toEqual(["pv_inverter"]);
  });

  it("sees new and late readings at the next load while reusing what it read", async () => {
    await withData([inverter(NOW - 60 * MIN, 4000)]);
    const readings = readingsOf(store);
    await readings.load(NOW - 4 * HOUR, NOW);
    // A reading of 20 min ago arrives late (a gateway back from an outage), another one is new.
    await store.write([inverter(NOW - 20 * MIN, 3000), inverter(NOW + 5 * MIN, 2000)]);
    const next = (await readings.load(NOW - 4 * HOUR + 5 * MIN, NOW + 5 * MIN)).get("ehpad-ben-guerir") ?? [];
    const powers = next.filter((p) => p.fields.state === undefined).map((p) => p.fields.power_w);
    expect(powers).toEqual([4000, 3000, 2000]);
  });
});
