/**
 * The report against the analytics job itself: raw readings (the job's own fixture, three days of
 * September 2026), the job run over them, then the report, `jisr savings` and the daily points the
 * dashboards add up must give the same figures for the same period, on both stores (the job reads them
 * differently: hour statistics in SQL on SQLite, InfluxQL subqueries on InfluxDB).
 */
import { runAnalytics, savingsReport } from "@jisr/analytics";
import { fixtureConfig, fixturePoints, SITE } from "@jisr/analytics/testing";
import { HOUR_MS, localDay, MOROCCO_TZ } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { InfluxStore, SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { buildReport } from "./build.js";
import type { Report } from "./types.js";

const NOW = Date.UTC(2026, 10, 29, 12);
const config = fixtureConfig();
const logger = pino({ level: "silent" });

describe.each([
  ["SQLite", () => new SqliteStore({ path: ":memory:", logger }) as Store],
  [
    "InfluxDB",
    () => new InfluxStore({ url: influxUrl(), database: uniqueDatabase("reports_job"), logger }) as Store,
  ],
])("on %s", (_name, open) => {
  let store: Store;
  let report: Report;

  /** The sum of a daily field over the report's period, as a dashboard's sum() over the time range does. */
  async function dailySum(measurement: string, field: string): Promise<number> {
    const series = await store.aggregate({
      measurement,
      field,
      fn: "sum",
      from: report.period.from,
      to: report.period.to,
      everyMs: report.period.to - report.period.from,
    });
    return series.flatMap((s) => s.points).reduce((sum, p) => sum + p.value, 0);
  }

  beforeAll(async () => {
    store = open();
    await store.init();
    const sep1 = localDay("2026-09-01", MOROCCO_TZ).from;
    await store.write(
      fixturePoints(
        { from: sep1 - 3 * HOUR_MS, to: localDay("2026-09-03", MOROCCO_TZ).to },
        localDay("2026-08-01", MOROCCO_TZ).from,
      ),
    );
    await runAnalytics({
      store,
      institutions: config,
      from: "2026-09-01",
      to: "2026-09-03",
      logger: pino({ level: "silent" }),
      now: NOW,
    });
    report = await buildReport({ store, period: "2026-09", institutions: config, now: NOW });
  });

  afterAll(async () => {
    await store.close();
  });

  describe("the report agrees with the job, `jisr savings` and the dashboards", () => {
    it("saves what `jisr savings` says was saved", async () => {
      const inst = config.institutions.find((i) => i.id === SITE);
      const savings = await savingsReport(
        store,
        config,
        inst as (typeof config.institutions)[number],
        "2026-09",
        NOW,
      );
      expect(savings.savings?.total).toBeDefined();
      expect(report.totals.money.electricityMad).toBe(savings.savings?.total);
      expect(report.totals.money.exportIncomeMad).toBe(savings.savings?.exportIncome.amount);
      expect(report.totals.energy.pvKwh).toBeCloseTo(savings.energy.pvKwh as number, 6);
    });

    it("adds up to the daily points the dashboards sum", async () => {
      expect(report.totals.money.electricityMad).toBeCloseTo(
        await dailySum("savings_daily", "savings_mad"),
        6,
      );
      expect(report.totals.money.hotWaterMad).toBeCloseTo(
        await dailySum("hot_water_daily", "savings_mad"),
        6,
      );
      expect(report.totals.energy.pvKwh).toBeCloseTo(
        (await dailySum("energy_daily", "pv_energy_wh")) / 1000,
        6,
      );
      expect(report.totals.hotWater.solarHeatKwh).toBeCloseTo(
        (await dailySum("hot_water_daily", "solar_heat_wh")) / 1000,
        6,
      );
      expect(report.totals.co2.pvKg).toBeCloseTo(await dailySum("energy_daily", "co2_avoided_kg"), 6);
    });

    it("says the month's data is incomplete: three days of thirty", () => {
      // The fixture: 8 kWh of PV and 2 kWh of solar heat a day.
      expect(report.totals.energy.pvKwh).toBeCloseTo(24, 6);
      expect(report.totals.hotWater.solarHeatKwh).toBeCloseTo(6, 6);
      const site = report.institutions.find((i) => i.id === SITE);
      expect(site?.figures.completeness.energy).toBeCloseTo(0.1, 2);
      expect(site?.lowCompleteness).toBe(true);
    });
  });
});
