/**
 * The analytics job against a real Store, run by job-sqlite.test.ts and job-influx.test.ts (one suite,
 * every implementation: STYLE habit 6). Expected values are worked out by hand in the comments, from the
 * fixture of job-fixture.ts and its test tariff, never from the code under test.
 */
import type { FieldValue, Point } from "@jisr/core/point";
import type { AggregateQuery, Store } from "@jisr/core/store/types";
import { addDays, daysOfMonth, HOUR_MS, localDay, localMonth, MINUTE_MS } from "@jisr/core/time/local-time";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixtureConfig, fixturePoints, SITE } from "./job-fixture.js";
import { MEASUREMENTS } from "./points.js";
import { runAnalytics } from "./run.js";
import { startAnalyticsScheduler } from "./scheduler.js";

const TZ = "Africa/Casablanca";
const logger = pino({ level: "silent" });
const NOV = localMonth("2026-11", TZ);
const BASE = localDay("2026-10-01", TZ).from;
const day = (d: number) => localDay(`2026-11-${String(d).padStart(2, "0")}`, TZ);
const at = (d: number, hour: number, minute = 0) => day(d).from + hour * HOUR_MS + minute * MINUTE_MS;

/** The result point of `measurement` at `time`, all fields (read with `latest` at that instant). */
async function pointAt(
  store: Store,
  measurement: string,
  time: number,
): Promise<Record<string, FieldValue> | undefined> {
  const rows = await store.latest({
    measurement,
    where: { institution: SITE },
    groupBy: ["institution"],
    now: time,
    lookbackMs: 1,
  });
  return rows.find((r) => r.time === time)?.fields;
}

/** Values of one field of a daily measurement over November, by day of month. */
async function dailyValues(store: Store, measurement: string, field: string): Promise<number[]> {
  const [series] = await store.aggregate({
    measurement,
    field,
    fn: "sum",
    from: NOV.from,
    to: NOV.to,
    everyMs: HOUR_MS,
    where: { institution: SITE },
  });
  return (series?.points ?? []).map((p) => p.value);
}

/** The store, with every write and aggregate query also handed to the callbacks. */
function recording(
  store: Store,
  onWrite: (points: readonly Point[]) => void,
  onAggregate: (q: AggregateQuery) => void = () => {},
): Store {
  return {
    kind: store.kind,
    init: () => store.init(),
    aggregate: (q) => {
      onAggregate(q);
      return store.aggregate(q);
    },
    latest: (q) => store.latest(q),
    ping: () => store.ping(),
    close: () => store.close(),
    write: async (points) => {
      onWrite(points);
      await store.write(points);
    },
  };
}

async function writeInBatches(store: Store, points: Point[]): Promise<void> {
  for (let i = 0; i < points.length; i += 20_000) await store.write(points.slice(i, i + 20_000));
}

export function jobSuite(name: string, makeStore: () => Promise<Store>): void {
  describe(`analytics job: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.init();
    });
    afterEach(async () => {
      await store.close();
    });

    it("computes a month's energy, savings and hot water equal to the hand calculation", {
      timeout: 120_000,
    }, async () => {
      // November 2026 (UTC+1 all month), with a PV counter glitch on the 5th at 12:04 (the last reading of
      // its 5-minute bucket, so the job sees it) and a PV counter reset on the 20th at 03:00: neither
      // changes any energy.
      await writeInBatches(
        store,
        fixturePoints(
          {
            from: NOV.from - 3 * HOUR_MS,
            to: NOV.to + 3 * HOUR_MS,
            spikeAt: at(5, 12, 4),
            pvResetAt: at(20, 3),
          },
          BASE,
        ),
      );
      const config = fixtureConfig();
      const report = await runAnalytics({
        store,
        institutions: config,
        from: "2026-11-01",
        to: "2026-11-30",
        logger,
        now: Date.UTC(2027, 0, 1),
      });
      // 30 days × 3 daily measurements + 3 monthly ones.
      expect(report.points).toBe(93);
      expect(report.events).toBe(2); // the spike and the reset

      // A day: PV 8 h × 1000 W = 8000 Wh; import 16 h × 700 W = 11 200 Wh; export 8 h × 300 W = 2400 Wh;
      // self-consumed 8000 − 2400 = 5600 Wh (70 %); consumption 11 200 + 5600 = 16 800 Wh (= 700 W × 24 h);
      // CO2 (5600 + 2400) Wh × 0.7 kg/kWh = 5.6 kg. Every minute read: completeness 1.
      const dayFields = {
        pv_energy_wh: 8000,
        import_wh: 11200,
        export_wh: 2400,
        self_consumed_wh: 5600,
        consumption_wh: 16800,
        self_consumption_pct: 70,
        co2_avoided_kg: 5.6,
        completeness: 1,
      };
      for (const d of [1, 5, 20, 30])
        expectFields(await pointAt(store, MEASUREMENTS.energyDaily, day(d).from), dayFields);
      // The month: 30 days of the above.
      expectFields(await pointAt(store, MEASUREMENTS.energyMonthly, NOV.from), {
        pv_energy_wh: 240_000,
        import_wh: 336_000,
        export_wh: 72_000,
        self_consumed_wh: 168_000,
        consumption_wh: 504_000,
        self_consumption_pct: 70,
        co2_avoided_kg: 168,
        completeness: 1,
      });

      // Savings on the 1st (month to date = the 1st): billed whole kWh.
      //   with solar: 11.2 → 11 kWh × 0.9010 = 9.911 → 9.91 MAD
      //   without:    11.2 + 5.6 = 16.8 → 17 kWh × 0.9010 = 15.317 → 15.32 MAD; bills differ by 5.41
      //   export: 2.4 kWh, paid up to 20 % of 8 kWh produced = 1.6 kWh × 0.50 = 0.80 MAD; share 30 %
      //   saving 5.41 + 0.80 = 6.21 MAD
      expectFields(await pointAt(store, MEASUREMENTS.savingsDaily, day(1).from), {
        bill_with_solar_mad: 9.91,
        bill_without_solar_mad: 15.32,
        savings_mtd_mad: 6.21,
        savings_mad: 6.21,
        export_income_mad: 0.8,
        export_share_pct: 30,
        completeness: 1,
      });
      // The 2nd: with 22.4 → 22 × 0.9010 = 19.82; without 33.6 → 34 × 0.9010 = 30.634 → 30.63 (10.81);
      // export paid 3.2 kWh × 0.50 = 1.60; month to date 12.41, so the 2nd saved 12.41 − 6.21 = 6.20.
      expectFields(await pointAt(store, MEASUREMENTS.savingsDaily, day(2).from), {
        bill_with_solar_mad: 19.82,
        bill_without_solar_mad: 30.63,
        savings_mtd_mad: 12.41,
        savings_mad: 6.2,
        export_income_mad: 0.8,
      });
      // The month, selective brackets: with 336 kWh (311-510) × 1.3817 = 464.2512 → 464.25;
      // without 504 kWh × 1.3817 = 696.3768 → 696.38 (232.13); export paid 20 % × 240 = 48 kWh × 0.50 = 24.00;
      // saving 256.13 MAD; export share 72 / 240 = 30 %.
      expectFields(await pointAt(store, MEASUREMENTS.savingsMonthly, NOV.from), {
        bill_with_solar_mad: 464.25,
        bill_without_solar_mad: 696.38,
        savings_mad: 256.13,
        export_income_mad: 24,
        export_share_pct: 30,
        completeness: 1,
      });
      const daily = await dailyValues(store, MEASUREMENTS.savingsDaily, "savings_mad");
      expect(daily).toHaveLength(30);
      expect(daily.reduce((a, b) => a + b, 0)).toBeCloseTo(256.13, 6);

      // Hot water on the 1st: outlet 50 °C ≥ 45 in every demand-window minute (06-09 and 18-22: 420 min):
      // 100 %; never ≥ 55 °C, so the hygiene check fails. Solar heat 4 h × 500 W = 2000 Wh, which an
      // electric backup would have imported: bill(11.2 + 2 = 13.2 → 13 kWh) = 11.713 → 11.71, minus 9.91
      // = 1.80 MAD; CO2 2 kWh × 0.7 = 1.4 kg.
      expectFields(await pointAt(store, MEASUREMENTS.hotWaterDaily, day(1).from), {
        availability_pct: 100,
        unavailable_minutes: 0,
        unknown_minutes: 0,
        hygiene_ok: false,
        solar_heat_wh: 2000,
        savings_mad: 1.8,
        co2_avoided_kg: 1.4,
        completeness: 1,
      });
      // The month: 60 kWh of solar heat; bill(336 + 60 = 396 kWh × 1.3817 = 547.1532 → 547.15) − 464.25 = 82.90.
      expectFields(await pointAt(store, MEASUREMENTS.hotWaterMonthly, NOV.from), {
        availability_pct: 100,
        hygiene_days: 0,
        solar_heat_wh: 60_000,
        savings_mad: 82.9,
        co2_avoided_kg: 42,
      });
    });

    it("is idempotent: a second run writes the same points over the first", async () => {
      await writeInBatches(store, fixturePoints({ from: day(1).from - 3 * HOUR_MS, to: day(4).to }, BASE));
      const written: Point[][] = [];
      const recorder = recording(store, (points) => written.push([...points]));
      const run = () =>
        runAnalytics({
          store: recorder,
          institutions: fixtureConfig(),
          from: "2026-11-01",
          to: "2026-11-03",
          logger,
          now: at(4, 12),
        });
      await run();
      const first = written.splice(0);
      const before = await pointAt(store, MEASUREMENTS.savingsDaily, day(3).from);
      await run();
      expect(written).toEqual(first);
      expect(await pointAt(store, MEASUREMENTS.savingsDaily, day(3).from)).toEqual(before);
      // One point per day and measurement, not two.
      for (const m of [MEASUREMENTS.energyDaily, MEASUREMENTS.savingsDaily, MEASUREMENTS.hotWaterDaily]) {
        const [counts] = await store.aggregate({
          measurement: m,
          field: "completeness",
          fn: "count",
          from: NOV.from,
          to: NOV.to,
          everyMs: HOUR_MS,
        });
        expect(counts?.points.map((p) => p.value)).toEqual([1, 1, 1]);
      }
    });

    it("recomputes the days that late data touches after an outage", async () => {
      // The gateway goes silent on the 5th at 20:00 and comes back on the 8th at 10:00, replaying its outbox.
      const outage: [number, number] = [at(5, 20), at(8, 10)];
      await writeInBatches(
        store,
        fixturePoints({ from: day(1).from - 3 * HOUR_MS, to: at(8, 10), outage }, BASE),
      );
      let now = at(8, 9);
      const scheduler = startAnalyticsScheduler({
        store,
        institutions: fixtureConfig(),
        logger,
        now: () => now,
        autoStart: false,
      });
      await scheduler.runOnce();
      // During the outage the 5th lacks its evening. Counters are read as the last value of each 5 minutes,
      // timed at the bucket's end: from the reading of 23:59 on the 4th (timed 00:00) to the last one, at
      // 19:59 (timed 20:00), 12 h of import at 700 W = 8400 Wh.
      expectFields(await pointAt(store, MEASUREMENTS.energyDaily, day(5).from), {
        pv_energy_wh: 8000,
        import_wh: 8400,
      });
      expect((await pointAt(store, MEASUREMENTS.energyDaily, day(6).from))?.import_wh).toBeUndefined();

      await writeInBatches(store, fixturePoints({ from: at(5, 20), to: at(8, 12) }, BASE));
      now = at(8, 12);
      const report = await scheduler.runOnce();
      // New readings on the 5th to the 8th: recomputed from the 4th (the last day with readings before the
      // first changed day, since energy across a gap is spread over it): 5 days × 3 + 3 monthly points.
      expect(report.points).toBe(18);
      for (const d of [5, 6, 7]) {
        expectFields(await pointAt(store, MEASUREMENTS.energyDaily, day(d).from), {
          pv_energy_wh: 8000,
          import_wh: 11200,
          export_wh: 2400,
          completeness: 1,
        });
      }
      // Nothing new: only yesterday and today (2 days × 3 + 3 monthly).
      expect((await scheduler.runOnce()).points).toBe(9);
      await scheduler.stop();
    });

    it("spreads the energy across a two-day gap over the days it covers, losing and doubling none", async () => {
      // Silent from 12:05 on the 2nd to 10:04 on the 4th. The last reading before (12:04) and the first after
      // (10:04) are timed 12:05 and 10:05 (ends of their 5-minute buckets): a gap of 46 h, across which the
      // PV counter rose 14 000 Wh (12:04-16:00, 8 h on the 3rd, 08:00-10:04 = 14 h at 1000 W).
      const outage: [number, number] = [at(2, 12, 5), at(4, 10, 4)];
      await writeInBatches(
        store,
        fixturePoints({ from: day(1).from - 3 * HOUR_MS, to: day(5).to, outage }, BASE),
      );
      await runAnalytics({
        store,
        institutions: fixtureConfig(),
        from: "2026-11-01",
        to: "2026-11-05",
        logger,
        now: at(6, 12),
      });
      const pv = async (d: number) =>
        (await pointAt(store, MEASUREMENTS.energyDaily, day(d).from))?.pv_energy_wh as number;
      // The 3rd lies inside the gap: 24 h of 46 → 24 / 46 × 14 000 = 7304.35 Wh, with no reading at all.
      expect(await pv(3)).toBeCloseTo((24 / 46) * 14_000, 1);
      expect((await pointAt(store, MEASUREMENTS.energyDaily, day(3).from))?.completeness).toBe(0);
      // Nothing lost or doubled: the 2nd to the 4th hold their 3 × 8000 Wh between them.
      expect((await pv(2)) + (await pv(3)) + (await pv(4))).toBeCloseTo(24_000, 1);
      expect(await pv(5)).toBeCloseTo(8000, 6);
    });

    it("serves the days before yesterday from its cache: same points, fewer reads", async () => {
      await writeInBatches(store, fixturePoints({ from: day(1).from - 3 * HOUR_MS, to: at(6, 12) }, BASE));
      let written: Point[] = [];
      let earliestRead = Number.POSITIVE_INFINITY;
      const recorder = recording(
        store,
        (points) => written.push(...points),
        (q) => {
          if (q.measurement === "pv_inverter" && q.fn !== "count")
            earliestRead = Math.min(earliestRead, q.from);
        },
      );
      const scheduler = startAnalyticsScheduler({
        store: recorder,
        institutions: fixtureConfig(),
        logger,
        now: () => at(6, 12),
        autoStart: false,
      });
      await scheduler.runOnce();
      [written, earliestRead] = [[], Number.POSITIVE_INFINITY];
      await scheduler.runOnce();
      await scheduler.stop();
      // The second pass read the PV counters from the 5th (minus 2 h of context), not from the 1st...
      expect(earliestRead).toBe(day(5).from - 2 * HOUR_MS);
      const fromCache = written;
      written = [];
      // ...and wrote what a full recomputation of the 5th and 6th writes.
      await runAnalytics({
        store: recorder,
        institutions: fixtureConfig(),
        from: "2026-11-05",
        to: "2026-11-06",
        logger,
        now: at(6, 12),
      });
      expect(fromCache).toEqual(written);
      expect(fromCache).toHaveLength(9);
    });

    it("puts a reading at 23:30 UTC on the next local day, and on the same day during Ramadan", async () => {
      const config = fixtureConfig();
      // The PV counter rises 100 Wh between 23:00 and 23:30 UTC on 1 Nov (00:00-00:30 on the 2nd, local)
      // and between 23:00 and 23:30 UTC on 1 Mar 2026 (Ramadan: UTC+0, still the 1st).
      const rise = (start: number): Point[] =>
        Array.from({ length: 120 }, (_, i) => {
          const time = start - HOUR_MS + i * MINUTE_MS;
          const wh = 1000 + Math.min(100, Math.max(0, ((time - start) / (30 * MINUTE_MS)) * 100));
          return {
            measurement: "pv_inverter",
            tags: { institution: SITE, device: "inv-1" },
            fields: { energy_wh: wh },
            time,
          };
        });
      await store.write([...rise(Date.UTC(2026, 10, 1, 23)), ...rise(Date.UTC(2026, 2, 1, 23))]);
      await runAnalytics({
        store,
        institutions: config,
        from: "2026-11-01",
        to: "2026-11-02",
        logger,
        now: Date.UTC(2026, 11, 1),
      });
      await runAnalytics({
        store,
        institutions: config,
        from: "2026-03-01",
        to: "2026-03-02",
        logger,
        now: Date.UTC(2026, 11, 1),
      });
      const pv = async (d: string) =>
        (await pointAt(store, MEASUREMENTS.energyDaily, localDay(d, TZ).from))?.pv_energy_wh;
      expect(await pv("2026-11-01")).toBe(0);
      expect(await pv("2026-11-02")).toBeCloseTo(100, 6);
      expect(await pv("2026-03-01")).toBeCloseTo(100, 6);
      expect(await pv("2026-03-02")).toBeUndefined();
      expect(daysOfMonth("2026-03").map((d) => addDays(d, 0))).toHaveLength(31);
    });
  });
}

function expectFields(
  actual: Record<string, FieldValue> | undefined,
  expected: Record<string, number | boolean>,
): void {
  expect(actual, "no point at that time").toBeDefined();
  for (const [k, v] of Object.entries(expected)) {
    if (typeof v === "boolean") expect(actual?.[k], k).toBe(v);
    else expect(actual?.[k], k).toBeCloseTo(v, 6);
  }
}
