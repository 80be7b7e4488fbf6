/**
 * The report against the dashboards' own InfluxQL: the job's fixture (three days of September 2026) in a
 * real influxd, the analytics job run over it, then the report (programme and one institution), the
 * Grafana panels that show the same figures (run as Grafana would, through panel-runner.ts) and
 * `jisr savings` must give the same numbers for the same month. agrees-with-job.test.ts only adds the
 * daily points up itself; here the dashboards' actual queries are what the report is held to.
 */
import { runAnalytics, type SavingsReport, savingsReport } from "@jisr/analytics";
import { fixtureConfig, fixturePoints, SITE } from "@jisr/analytics/testing";
import { HOUR_MS, localDay, MOROCCO_TZ } from "@jisr/core";
import { InfluxStore } from "@jisr/core/store";
import { type Dashboard, institutionDashboard, programmeDashboard } from "@jisr/dashboards";
import { panelByTitle, type Row, type RunOptions, runPanel } from "@jisr/dashboards/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { buildReport } from "./build.js";
import type { Figures, Report } from "./types.js";

const NOW = Date.UTC(2026, 10, 29, 12);
const MONTH = "2026-09";
const config = fixtureConfig();
const INSTITUTIONS = config.institutions.map((i) => i.id);
const logger = pino({ level: "silent" });
const programme = programmeDashboard();
const institution = institutionDashboard();

let store: InfluxStore;
let programmeReport: Report;
let siteReport: Report;
let savings: SavingsReport;

beforeAll(async () => {
  store = new InfluxStore({ url: influxUrl(), database: uniqueDatabase("reports_dash"), logger });
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
    logger,
    now: NOW,
  });
  programmeReport = await buildReport({ store, period: MONTH, institutions: config, now: NOW });
  siteReport = await buildReport({ store, period: MONTH, institution: SITE, institutions: config, now: NOW });
  const inst = config.institutions.find((i) => i.id === SITE);
  savings = await savingsReport(store, config, inst as (typeof config.institutions)[number], MONTH, NOW);
}, 120_000);

afterAll(async () => {
  await store?.close();
});

/**
 * The report's month as Grafana would query it: the time picker on the month for the programme
 * dashboard (""), and "now/M" for the institution dashboard's "this month" panels. Grafana's range is
 * inclusive at both ends (`time <= to`), so it ends on the month's last millisecond.
 */
function options(report: Report, institutions: readonly string[]): RunOptions {
  const month = { from: report.period.from, to: report.period.to - 1 };
  return {
    ranges: { "": month, "now/M": month },
    intervalMs: HOUR_MS,
    variables: { institution: institutions },
  };
}

async function panel(d: Dashboard, title: string, opts: RunOptions): Promise<Row[][]> {
  return runPanel(store.client, d, panelByTitle(d, title), opts);
}

/** The one number a target returns (a stat or gauge over the whole range), from `column`. */
function only(rows: Row[][], target: number, column: string, tags: Row = {}): number {
  const targetRows = rows[target] ?? [];
  expect(targetRows).toHaveLength(1);
  const row = targetRows[0] as Row;
  expect(row).toMatchObject(tags);
  const value = row[column];
  expect(typeof value).toBe("number");
  return value as number;
}

/** MAD to whole centimes: the report sums money in centimes, the dashboards in MAD floats. */
const centimes = (mad: number | undefined) => Math.round((mad as number) * 100);

/** The report's totals every comparison below uses, each checked to be there and not zero. */
function totals(f: Figures) {
  const t = {
    electricityMad: f.money.electricityMad as number,
    hotWaterMad: f.money.hotWaterMad as number,
    pvKwh: f.energy.pvKwh as number,
    selfConsumedKwh: f.energy.selfConsumedKwh as number,
    selfConsumptionPct: f.energy.selfConsumptionPct as number,
    co2PvKg: f.co2.pvKg as number,
    co2HotWaterKg: f.co2.hotWaterKg as number,
    availabilityPct: f.hotWater.availabilityPct as number,
  };
  for (const [name, value] of Object.entries(t)) {
    expect(value, name).toBeTypeOf("number");
    expect(value, name).toBeGreaterThan(0);
  }
  return t;
}

describe("the report agrees with the dashboards' queries and `jisr savings` (InfluxDB)", () => {
  it("programme report = the programme dashboard's KPIs", async () => {
    const r = totals(programmeReport.totals);
    const opts = options(programmeReport, INSTITUTIONS);
    // Panels of daily MAD sums; the report's MAD come from centimes, so compare centimes.
    expect(centimes(only(await panel(programme, "Économies d'électricité", opts), 0, "sum"))).toBe(
      centimes(r.electricityMad),
    );
    expect(centimes(only(await panel(programme, "Économies eau chaude solaire", opts), 0, "sum"))).toBe(
      centimes(r.hotWaterMad),
    );
    // The panels divide Wh by 1000 already: kWh on both sides, to the Wh.
    expect(only(await panel(programme, "Énergie produite", opts), 0, "sum")).toBeCloseTo(r.pvKwh, 3);
    expect(only(await panel(programme, "Énergie autoconsommée", opts), 0, "sum")).toBeCloseTo(
      r.selfConsumedKwh,
      3,
    );
    // Target 0 is the PV's CO2, target 1 the hot water's; kg on both sides (the job rounds to the gram).
    const co2 = await panel(programme, "CO₂ évité", opts);
    expect(only(co2, 0, "sum")).toBeCloseTo(r.co2PvKg, 3);
    expect(only(co2, 1, "sum")).toBeCloseTo(r.co2HotWaterKg, 3);
    // Both weigh by minutes (available / (available + unavailable), docs/analytics-results.md). Here every
    // day is at 100 %, so this alone cannot tell that from a mean of the days' %; the dashboards' own
    // query tests can (81.12 %, where the mean would be 80 %).
    expect(
      only(await panel(programme, "Disponibilité de l'eau chaude", opts), 0, "disponibilite_pct"),
    ).toBeCloseTo(r.availabilityPct, 3);
  });

  it("programme report's institution rows = the programme dashboard's per-institution panels", async () => {
    const opts = options(programmeReport, INSTITUTIONS);
    const row = programmeReport.institutions.find((i) => i.id === SITE);
    const r = totals(row?.figures as Figures);
    const tags = { institution: SITE };
    const bars = await panel(programme, "Économies par établissement", opts);
    expect(centimes(only(bars, 0, "electricite", tags))).toBe(centimes(r.electricityMad));
    expect(centimes(only(bars, 1, "eau_chaude", tags))).toBe(centimes(r.hotWaterMad));
    const sites = await panel(programme, "Établissements", opts);
    expect(centimes(only(sites, 0, "economies_mad", tags))).toBe(centimes(r.electricityMad));
    expect(only(sites, 1, "production_kwh", tags)).toBeCloseTo(r.pvKwh, 3);
    expect(only(sites, 1, "autoconsommation_kwh", tags)).toBeCloseTo(r.selfConsumedKwh, 3);
    expect(only(sites, 1, "autoconsommation_pct", tags)).toBeCloseTo(r.selfConsumptionPct, 3);
    expect(only(sites, 1, "co2_kg", tags)).toBeCloseTo(r.co2PvKg, 3);
    expect(only(sites, 2, "disponibilite_pct", tags)).toBeCloseTo(r.availabilityPct, 3);
    expect(centimes(only(sites, 2, "economies_eau_chaude_mad", tags))).toBe(centimes(r.hotWaterMad));
  });

  it("one institution's report = the institution dashboard's \"this month\" panels", async () => {
    expect(siteReport.scope).toEqual({ kind: "institution", id: SITE });
    expect(siteReport.institutions.map((i) => i.id)).toEqual([SITE]);
    const r = totals(siteReport.totals);
    const opts = options(siteReport, [SITE]);
    const tags = { institution: SITE };
    // Target 0 is electricity, target 1 hot water (see institution.ts), both MAD.
    const money = await panel(institution, "Économies ce mois", opts);
    expect(centimes(only(money, 0, "sum", tags))).toBe(centimes(r.electricityMad));
    expect(centimes(only(money, 1, "sum", tags))).toBe(centimes(r.hotWaterMad));
    expect(only(await panel(institution, "Énergie produite ce mois", opts), 0, "sum", tags)).toBeCloseTo(
      r.pvKwh,
      3,
    );
    // sum(self) / sum(pv) * 100 is named after its outer function by InfluxDB: "sum_sum".
    expect(only(await panel(institution, "Autoconsommation ce mois", opts), 0, "sum_sum", tags)).toBeCloseTo(
      r.selfConsumptionPct,
      3,
    );
    expect(
      only(await panel(institution, "Eau chaude disponible ce mois", opts), 0, "disponibilite_pct", tags),
    ).toBeCloseTo(r.availabilityPct, 3);
  });

  it("`jisr savings` says what the report and both dashboards say", async () => {
    const report = totals(siteReport.totals);
    expect(savings.savings).toBeDefined();
    const s = savings.savings as NonNullable<SavingsReport["savings"]>;
    // Savings.total is MAD (bill savings + export income), as is the report's electricityMad.
    expect(centimes(s.total)).toBe(centimes(report.electricityMad));
    expect(centimes(s.exportIncome.amount)).toBe(centimes(siteReport.totals.money.exportIncomeMad));
    expect(savings.energy.pvKwh as number).toBeCloseTo(report.pvKwh, 3);
    expect(s.energy.selfConsumedKwh).toBeCloseTo(report.selfConsumedKwh, 3);
    // And the dashboards, directly.
    const programmeOpts = options(programmeReport, INSTITUTIONS);
    const siteOpts = options(siteReport, [SITE]);
    expect(centimes(only(await panel(programme, "Économies d'électricité", programmeOpts), 0, "sum"))).toBe(
      centimes(s.total),
    );
    expect(
      centimes(
        only(await panel(institution, "Économies ce mois", siteOpts), 0, "sum", { institution: SITE }),
      ),
    ).toBe(centimes(s.total));
    expect(only(await panel(programme, "Énergie produite", programmeOpts), 0, "sum")).toBeCloseTo(
      savings.energy.pvKwh as number,
      3,
    );
    expect(only(await panel(programme, "Énergie autoconsommée", programmeOpts), 0, "sum")).toBeCloseTo(
      s.energy.selfConsumedKwh,
      3,
    );
  });

  it("the figures are the fixture's, worked out by hand", () => {
    // Three days of the fixture (job.suite.ts): 8 kWh of PV a day, 5.6 self-consumed, CO2 (5.6 + 2.4)
    // kWh × 0.7 = 5.6 kg, 2 kWh of solar heat (1.4 kg), outlet at 50 °C in every demand-window minute.
    const t = programmeReport.totals;
    expect(t.energy.pvKwh).toBeCloseTo(24, 6);
    expect(t.energy.selfConsumedKwh).toBeCloseTo(16.8, 6);
    expect(t.co2.pvKg).toBeCloseTo(16.8, 6);
    expect(t.co2.hotWaterKg).toBeCloseTo(4.2, 6);
    expect(t.hotWater.availabilityPct).toBe(100);
    // Month to date, 3 days: with solar 33.6 → 34 kWh × 0.9010 = 30.634 → 30.63; without 50.4 → 50 kWh
    // × 0.9010 = 45.05 (14.42 saved); export paid 20 % × 24 = 4.8 kWh × 0.50 = 2.40: 16.82 MAD.
    expect(t.money.electricityMad).toBe(16.82);
    // Hot water, electric backup: bill(33.6 + 6 = 39.6 → 40 kWh × 0.9010 = 36.04) − 30.63 = 5.41 MAD.
    expect(t.money.hotWaterMad).toBe(5.41);
  });
});
