/**
 * The analytics job against a real Store, run by job-sqlite.test.ts and job-influx.test.ts (one suite,
 * every implementation: STYLE habit 6). Expected values are worked out by hand in the comments, from the
 * fixture of testing/job-fixture.ts and its test tariff, never from the code under test.
 */
import type { FieldValue, Point } from "@jisr/core";
import { addDays, daysOfMonth, HOUR_MS, localDay, localMonth, MINUTE_MS } from "@jisr/core";
import { type AggregateQuery, KEPT_HOUR_STATS, type Store } from "@jisr/core/store";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeMonth, readYearBefore, readYearsBefore } from "./month.js";
import { MonthCache } from "./month-cache.js";
import { MEASUREMENTS } from "./points.js";
import { runAnalytics } from "./run.js";
import { startAnalyticsScheduler } from "./scheduler.js";
import { fixtureConfig, fixturePoints, SITE } from "./testing/job-fixture.js";
import { watchingWrites } from "./testing/watch-writes.js";

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

/** The fixture's points in [from, to), without the grid meter's in [silent[0], silent[1]). */
function withSilentMeter(from: number, to: number, silent: [number, number]): Point[] {
  return fixturePoints({ from, to }, BASE).filter(
    (p) => p.measurement !== "grid_meter" || p.time < silent[0] || p.time >= silent[1],
  );
}

/**
 * The fixture with the grid meter's import register frozen over [frozen[0], frozen[1]): its readings keep
 * arriving with the value it had at frozen[0], then it catches up (the device kept counting inside).
 */
function withFrozenImport(from: number, to: number, frozen: [number, number]): Point[] {
  const points = fixturePoints({ from: Math.min(from, frozen[0]), to }, BASE);
  const held = points.find((p) => p.measurement === "grid_meter" && p.time === frozen[0]);
  return points
    .filter((p) => p.time >= from)
    .map((p) =>
      p.measurement === "grid_meter" && p.time >= frozen[0] && p.time < frozen[1]
        ? { ...p, fields: { ...p.fields, energy_import_wh: held?.fields.energy_import_wh as number } }
        : p,
    );
}

/** The energy and savings points of November's first `days` days and of the month, as stored. */
async function monthPoints(store: Store, days: number) {
  const daily = async (m: string) =>
    Promise.all(Array.from({ length: days }, (_, i) => pointAt(store, m, day(i + 1).from)));
  return {
    energyDaily: await daily(MEASUREMENTS.energyDaily),
    savingsDaily: await daily(MEASUREMENTS.savingsDaily),
    energyMonthly: await pointAt(store, MEASUREMENTS.energyMonthly, NOV.from),
    savingsMonthly: await pointAt(store, MEASUREMENTS.savingsMonthly, NOV.from),
  };
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
      // Neither changes energy, but both are decisions the figures carry: the glitch on the 5th, the
      // reset on the 20th, none on other days, both in the month.
      for (const [d, n] of [
        [1, 0],
        [5, 1],
        [20, 1],
        [30, 0],
      ] as const)
        expectFields(await pointAt(store, MEASUREMENTS.energyDaily, day(d).from), { counter_anomalies: n });
      expectFields(await pointAt(store, MEASUREMENTS.energyMonthly, NOV.from), { counter_anomalies: 2 });
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
      // electric backup would have imported. Priced after the PV (the PV's bill saving is the
      // savings_daily figure above): bill(11.2 + 5.6 + 2 = 18.8 → 19 kWh × 0.9010 = 17.119 → 17.12) minus
      // the bill without PV, 15.32 = 1.80 MAD; CO2 2 kWh × 0.7 = 1.4 kg. (Against the metered import alone,
      // as before, it was bill(13.2 → 13) = 11.71 − 9.91 = 1.80 too: all of it in the first slice, 0.9010.)
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
      // The month: 60 kWh of solar heat, priced after the PV's 168 kWh self-consumed: the bill without
      // either is 336 + 168 + 60 = 564 kWh, above 510, so the whole month at 1.5958: 900.0312 → 900.03;
      // minus the bill without PV, 696.38 = 203.65. Together with the PV's 232.13 that is
      // 900.03 − 464.25 = 435.78, the joint saving. (It was 82.90 = bill(336 + 60 = 396 × 1.3817 →
      // 547.15) − 464.25, priced against the metered import as if there were no PV: 232.13 + 82.90 =
      // 315.03 missed that PV and hot water together push the month past 510 kWh.)
      expectFields(await pointAt(store, MEASUREMENTS.hotWaterMonthly, NOV.from), {
        availability_pct: 100,
        hygiene_days: 0,
        solar_heat_wh: 60_000,
        savings_mad: 203.65,
        co2_avoided_kg: 42,
      });
      const hotWaterDays = await dailyValues(store, MEASUREMENTS.hotWaterDaily, "savings_mad");
      expect(hotWaterDays).toHaveLength(30);
      expect(hotWaterDays.reduce((a, b) => a + b, 0)).toBeCloseTo(203.65, 6);
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

    it("reads kept hour statistics as the raw readings give them, before and after late readings", async () => {
      await writeInBatches(store, fixturePoints({ from: day(1).from - 3 * HOUR_MS, to: day(4).to }, BASE));
      const written: Point[] = [];
      const watched = watchingWrites(store, (points) => written.push(...points));
      const run = async (keepHourStats: boolean) => {
        written.length = 0;
        await runAnalytics({
          store: watched,
          institutions: fixtureConfig(),
          from: "2026-11-01",
          to: "2026-11-03",
          logger,
          now: at(4, 12),
          keepHourStats,
        });
        const kept = written.filter((p) => p.measurement === KEPT_HOUR_STATS).length;
        return { results: written.filter((p) => p.measurement !== KEPT_HOUR_STATS), kept };
      };
      const raw = await run(false);
      expect(raw.kept).toBe(0);
      // The first run keeps the hours it reads (PV, grid meter, hot water: hundreds of them)...
      const keeping = await run(true);
      expect(keeping.results).toEqual(raw.results);
      expect(keeping.kept).toBeGreaterThan(100);
      // ...the second reads them back and has nothing to keep.
      const reading = await run(true);
      expect(reading.results).toEqual(raw.results);
      expect(reading.kept).toBe(0);
      // A replayed reading lands between two minutes of the 2nd at 10:00 (local), reading what 10:00 read.
      const [late] = fixturePoints({ from: at(2, 10), to: at(2, 10) + MINUTE_MS }, BASE).filter(
        (p) => p.measurement === "pv_inverter",
      );
      if (!late) throw new Error("fixture without PV readings");
      await store.write([{ ...late, time: late.time + 30_000 }]);
      const after = await run(true);
      expect(after.kept).toBeGreaterThan(0);
      expect(after.kept).toBeLessThan(keeping.kept);
      expect(after.results).toEqual((await run(false)).results);
    });

    it("keeps each hour through the scheduler's passes as the readings come, for a month's run to read back", async () => {
      // Readings arrive six hours at a time over four days, a scheduler pass two minutes after each batch.
      let now = 0;
      const scheduler = startAnalyticsScheduler({
        store,
        institutions: fixtureConfig(),
        logger,
        now: () => now,
        autoStart: false,
      });
      for (let t = day(1).from - 3 * HOUR_MS; t < day(4).to; t += 6 * HOUR_MS) {
        await writeInBatches(
          store,
          fixturePoints({ from: t, to: Math.min(t + 6 * HOUR_MS, day(4).to) }, BASE),
        );
        now = Math.min(t + 6 * HOUR_MS, day(4).to) + 2 * MINUTE_MS;
        await scheduler.runOnce();
      }
      await scheduler.stop();
      const written: Point[] = [];
      const run = async (keepHourStats: boolean) => {
        written.length = 0;
        await runAnalytics({
          store: watchingWrites(store, (points) => written.push(...points)),
          institutions: fixtureConfig(),
          from: "2026-11-01",
          to: "2026-11-04",
          logger,
          now,
          keepHourStats,
        });
        return [...written];
      };
      // The month's run finds every hour kept and current: it keeps nothing anew, and writes what a run
      // from the raw readings writes.
      const fromKept = await run(true);
      expect(fromKept.filter((p) => p.measurement === KEPT_HOUR_STATS)).toEqual([]);
      expect(fromKept).toEqual(await run(false));
    });

    it("computes from the readings, and warns, when the hour statistics cannot be kept", async () => {
      await writeInBatches(store, fixturePoints({ from: day(1).from - 3 * HOUR_MS, to: day(3).to }, BASE));
      // Someone wrote the kept measurement's `readings` as text: every keeping write is a type conflict.
      await store.write([
        {
          measurement: KEPT_HOUR_STATS,
          tags: { institution: SITE },
          fields: { readings: "x" },
          time: at(1, 0),
        },
      ]);
      const lines: Array<{ level: number; msg: string }> = [];
      const capture = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const run = async (keepHourStats: boolean, log = logger) => {
        const written: Point[] = [];
        await runAnalytics({
          store: watchingWrites(store, (points) => written.push(...points)),
          institutions: fixtureConfig(),
          from: "2026-11-01",
          to: "2026-11-02",
          logger: log,
          now: at(3, 12),
          keepHourStats,
        });
        return written.filter((p) => p.measurement !== KEPT_HOUR_STATS);
      };
      expect(await run(true, capture)).toEqual(await run(false));
      const warned = lines.filter((l) => l.level === 40 && /could not be kept|Could not keep/.test(l.msg));
      expect(warned.length).toBeGreaterThanOrEqual(1);
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
      // New readings on the 5th to the 8th. Energy across a gap is spread over it, so the recomputation
      // starts on the day of each device's last reading before its first new one: 19:59 on the 5th, for
      // every device. (It used to start on the 4th, the last day with readings before the first changed
      // day, as readings were counted per day for all devices together; the 4th's energy ends with the
      // reading of 23:59, timed 00:00 on the 5th, which the replay does not change.) The 5th to the 8th:
      // 4 days × 3 + 3 monthly points.
      expect(report.points).toBe(15);
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

    it("keeps the energy across one meter's outage when the scheduler runs through it: a full run's figures", {
      timeout: 120_000,
    }, async () => {
      // Only the grid meter is silent, from 20:00 on the 5th to 10:00 on the 8th; PV and hot water keep
      // reporting, and the meter comes back without replaying its readings. The scheduler runs on the 6th
      // and 7th at 12:00, then on the 8th at 09:00, 12:00 and 12:05, with the readings up to each pass.
      const silent: [number, number] = [at(5, 20), at(8, 10)];
      const config = fixtureConfig();
      let now = day(1).from - 3 * HOUR_MS;
      let earliestRead = Number.POSITIVE_INFINITY;
      const recorder = recording(
        store,
        () => {},
        (q) => {
          if (q.measurement === "pv_inverter" && q.fn !== "count")
            earliestRead = Math.min(earliestRead, q.from);
        },
      );
      const scheduler = startAnalyticsScheduler({
        store: recorder,
        institutions: config,
        logger,
        now: () => now,
        autoStart: false,
      });
      for (const pass of [at(6, 12), at(7, 12), at(8, 9), at(8, 12), at(8, 12, 5)]) {
        await writeInBatches(store, withSilentMeter(now, pass, silent));
        now = pass;
        earliestRead = Number.POSITIVE_INFINITY;
        await scheduler.runOnce();
      }
      await scheduler.stop();
      // The last pass, once the days of the gap were recomputed, reads from yesterday again (minus 2 h of
      // context): the cached days hold the gap's energy.
      expect(earliestRead).toBe(day(7).from - 2 * HOUR_MS);
      const fromScheduler = await monthPoints(store, 8);
      await runAnalytics({ store, institutions: config, from: "2026-11-01", to: "2026-11-08", logger, now });
      expect(fromScheduler).toEqual(await monthPoints(store, 8));

      // By hand. Counters are read as the last value of each 5 minutes, timed at the bucket's end; a counter
      // read at minute t holds the minutes before t. The month runs from the reading of 23:59 on 31 Oct
      // (timed 00:00 on the 1st) to the last one, 12:04 on the 8th: import minutes 1 + 7 × 960 + 480 = 7201
      // × 700 W = 84 011.7 Wh, nothing lost across the gap.
      const month = fromScheduler.energyMonthly;
      expect(month?.import_wh).toBeCloseTo(84_011.7, 6);
      // Export: PV minutes 7 × 480 + 244 (08:00-12:04 on the 8th) = 3604 × 300 W = 18 020 Wh.
      expect(month?.export_wh).toBeCloseTo(18_020, 6);
      // The gap runs from the reading of 19:59 on the 5th (timed 20:00) to that of 10:04 on the 8th (timed
      // 10:05): 3725 minutes, across which the import counter rose 241 + 960 + 960 + 480 = 2641 minutes ×
      // 700 W = 30 811.67 Wh, spread evenly. The 5th: 8400 Wh before the gap (see the test above) + 240 min
      // of the gap = 8400 + 1985.18 = 10 385.2; the 6th and 7th: 1440 min = 11 911.1 each; the 8th: 605 min
      // = 5004.3 (no import after 10:05: PV hours). With the 1st to the 4th (4 × 11 200): 84 011.7 again.
      const imports = fromScheduler.energyDaily.map((f) => f?.import_wh);
      expect(imports[4]).toBeCloseTo(10_385.2, 6);
      expect(imports[5]).toBeCloseTo(11_911.1, 6);
      expect(imports[6]).toBeCloseTo(11_911.1, 6);
      expect(imports[7]).toBeCloseTo(5004.3, 6);
      expect((imports as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(84_011.7, 6);
    });

    it("recomputes the days a counter's gap shares its energy with, when run with the scheduler's cache", {
      timeout: 120_000,
    }, async () => {
      // The same outage, the job run as the scheduler runs it (with its cache) but from yesterday only, as a
      // scheduler that missed the change would: the cached 5th and 6th must not keep their 0 Wh.
      const silent: [number, number] = [at(5, 20), at(8, 10)];
      const config = fixtureConfig();
      const cache = new MonthCache();
      const run = (from: string, now: number) =>
        runAnalytics({ store, institutions: config, from, to: "2026-11-08", logger, now, cache });
      await writeInBatches(store, withSilentMeter(day(1).from - 3 * HOUR_MS, at(8, 9), silent));
      await run("2026-11-01", at(8, 9));
      expect((await pointAt(store, MEASUREMENTS.energyDaily, day(6).from))?.import_wh).toBeUndefined();
      await writeInBatches(store, withSilentMeter(at(8, 9), at(8, 12), silent));
      await run("2026-11-07", at(8, 12));
      const cached = await monthPoints(store, 8);
      await runAnalytics({
        store,
        institutions: config,
        from: "2026-11-01",
        to: "2026-11-08",
        logger,
        now: at(8, 12),
      });
      expect(cached).toEqual(await monthPoints(store, 8));
      // The 6th lies inside the gap: 1440 of its 3725 minutes (see the test above).
      expect(cached.energyDaily[5]?.import_wh).toBeCloseTo(11_911.1, 6);
    });

    it("reads the export cap's year so far for all institutions at once, as it would one by one", {
      timeout: 120_000,
    }, async () => {
      // 30 and 31 October then 1 November: November's export cap counts October's production and export.
      const oct30 = localDay("2026-10-30", TZ).from;
      await writeInBatches(store, fixturePoints({ from: oct30 - 3 * HOUR_MS, to: day(2).from }, BASE));
      const config = fixtureConfig();
      const now = day(2).from;
      await runAnalytics({ store, institutions: config, from: "2026-10-30", to: "2026-11-01", logger, now });
      const batched = await pointAt(store, MEASUREMENTS.savingsMonthly, NOV.from);
      const inst = config.institutions[0];
      if (!inst) throw new Error("fixture without an institution");
      const ctx = { store, config, log: logger };
      const days = { firstDay: "2026-11-01", lastDay: "2026-11-01", through: "2026-11-02" }; // as runAnalytics on the 2nd
      // One by one: computeMonth reads the year itself.
      const alone = await computeMonth(ctx, inst, "2026-11", days);
      const monthly = (r: typeof alone) =>
        r.points.find((p) => p.measurement === MEASUREMENTS.savingsMonthly)?.fields;
      expect(batched).toEqual(monthly(alone));
      // What both read: October's 30th and 31st, 2 × 8 kWh produced and 2 × 2.4 kWh exported.
      const years = await readYearsBefore(store, "2026-11", TZ);
      expect(years.get(SITE)?.producedKwh).toBeCloseTo(16, 9);
      expect(years.get(SITE)?.exportedKwh).toBeCloseTo(4.8, 9);
      expect(years.get(SITE)).toEqual(await readYearBefore(store, SITE, "2026-11", TZ));
    });

    it("spreads a frozen register's catch-up over the days it was frozen, cached days too", {
      timeout: 120_000,
    }, async () => {
      // The import register reads the same value from 20:00 on the 5th to 10:00 on the 8th, while the
      // readings keep coming (so no day looks incomplete), then catches up: the energy of those 62 h is
      // spread over them as across the gap of the tests above, here with the scheduler's cache holding
      // the 5th to the 7th from before the catch-up.
      const frozen: [number, number] = [at(5, 20), at(8, 10)];
      const config = fixtureConfig();
      const cache = new MonthCache();
      const run = (from: string, now: number) =>
        runAnalytics({ store, institutions: config, from, to: "2026-11-08", logger, now, cache });
      await writeInBatches(store, withFrozenImport(day(1).from - 3 * HOUR_MS, at(8, 9), frozen));
      const before = await run("2026-11-01", at(8, 9));
      expect(before.events).toBe(0); // nothing to say yet: a register that does not move is not wrong
      expect((await pointAt(store, MEASUREMENTS.energyDaily, day(6).from))?.import_wh).toBe(0);
      await writeInBatches(store, withFrozenImport(at(8, 9), at(8, 12), frozen));
      const after = await run("2026-11-07", at(8, 12));
      expect(after.events).toBe(1); // the catch-up, reported
      const cached = await monthPoints(store, 8);
      await runAnalytics({
        store,
        institutions: config,
        from: "2026-11-01",
        to: "2026-11-08",
        logger,
        now: at(8, 12),
      });
      expect(cached).toEqual(await monthPoints(store, 8));
      // Nothing lost: the month's import is the unfrozen one (the gap test above: 84 011.7 Wh).
      expect(cached.energyMonthly?.import_wh).toBeCloseTo(84_011.7, 6);
      // The 6th was frozen all day: 1440 min of the 62 h (3720 min) over which 2 640 min × 700 W rose
      // (241 + 960 + 960 + 479 import minutes, the 8th's catch-up read at 10:00): 30 800 × 1440 / 3720 Wh.
      expect(cached.energyDaily[5]?.import_wh).toBeCloseTo(Math.round(((30_800 * 1440) / 3720) * 10) / 10, 6);
      expect(cached.energyDaily[5]?.counter_anomalies).toBe(0);
      expect(cached.energyDaily[7]?.counter_anomalies).toBe(1);
    });

    it("counts self-consumption only in the hours where PV and export are both known, days and month alike", {
      timeout: 120_000,
    }, async () => {
      // The grid meter goes silent at 20:00 on the 5th and is still silent when the job runs at 09:00 on the
      // 8th; PV keeps reporting.
      await writeInBatches(
        store,
        withSilentMeter(day(1).from - 3 * HOUR_MS, at(8, 9), [at(5, 20), at(8, 9)]),
      );
      await runAnalytics({
        store,
        institutions: fixtureConfig(),
        from: "2026-11-01",
        to: "2026-11-08",
        logger,
        now: at(8, 9),
      });
      const points = await monthPoints(store, 8);
      // Export is known on the 1st to the 5th only (the 5th's PV hours end at 16:00): 5 × 5600 Wh self-
      // consumed, of 5 × 8000 Wh of PV in those hours: 70 %. The 6th to the 8th have PV but no export.
      const self = points.energyDaily.map((f) => f?.self_consumed_wh);
      expect(self).toEqual([5600, 5600, 5600, 5600, 5600, undefined, undefined, undefined]);
      const month = points.energyMonthly;
      expect(month?.self_consumed_wh).toBeCloseTo(28_000, 6);
      expect(month?.self_consumption_pct).toBeCloseTo(70, 6);
      // (28 000 + 5 × 2400) Wh × 0.7 kg/kWh = 28.0 kg, the sum of the days' 5 × 5.6 kg.
      expect(month?.co2_avoided_kg).toBeCloseTo(28, 6);
      // Consumption: import + self-consumed, in the hours all three are known: 4 × 16 800 + the 5th to 20:00
      // (8400 imported + 5600 self-consumed).
      expect(month?.consumption_wh).toBeCloseTo(4 * 16_800 + 14_000, 6);
      // PV itself is known all along: 7 × 8000 + 08:00-08:59 on the 8th (the reading of 08:59 holds 59
      // minutes) = 56 983.3 Wh.
      expect(month?.pv_energy_wh).toBeCloseTo(56_983.3, 6);

      // Savings over the known hours. Import: 4 × 11.2 + 8.4 (the 5th to 20:00) = 53.2 kWh, billed 53 ×
      // 0.9010 = 47.753 → 47.75 MAD; without solar 53.2 + 28 = 81.2 → 81 × 0.9010 = 72.981 → 72.98 (25.23
      // saved); export 12 kWh, paid up to 20 % of the 40 kWh produced in those hours = 8 kWh × 0.50 = 4.00;
      // saving 29.23 MAD, export share 12 / 40 = 30 %. Partial: hours with PV but no grid meter were left out.
      expectFields(points.savingsMonthly, {
        bill_with_solar_mad: 47.75,
        bill_without_solar_mad: 72.98,
        savings_mad: 29.23,
        export_income_mad: 4,
        export_share_pct: 30,
        partial: true,
      });
      // The days add up to the month; the 6th and 7th add nothing (nothing known there to save).
      const daily = points.savingsDaily.map((f) => f?.savings_mad as number);
      expect(daily.reduce((a, b) => a + b, 0)).toBeCloseTo(29.23, 6);
      expect(daily[5]).toBe(0);
      expect(daily[6]).toBe(0);
      // The 4th is whole; the 5th lacks the meter from 20:00.
      expect(points.savingsDaily[3]?.partial).toBe(false);
      expect(points.savingsDaily[4]?.partial).toBe(true);
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
