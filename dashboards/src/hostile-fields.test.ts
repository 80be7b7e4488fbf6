/**
 * Issue 9, "tenancy by construction": points whose FIELDS are named like the tags (`institution`,
 * `device`), written straight into influxd's /write (not through ingestion, which refuses them) into
 * every measurement the other institutions use, change nothing any reader returns for them:
 *
 * - every panel of the three dashboards, run as Grafana runs them (testing/panel-runner.ts), for each institution
 *   alone and for all, on the dashboards' fixtures;
 * - `jisr savings`, the report (one institution and the programme), the web page's summary and the
 *   programme and institution panels, on the analytics job's fixture, the job run again after the write.
 *
 * On InfluxDB 1.x a bare `"institution" = 'x'` reads the field once the shard has one, and every panel
 * and reader went blank (issue 9). The first test of each part checks that the hostile write really is
 * that potent, so the comparison that follows means something.
 */

import {
  backfillDownsampling,
  loadDownsampling,
  MEASUREMENTS,
  runAnalytics,
  type SavingsReport,
  savingsReport,
  setupDownsampling,
} from "@jisr/analytics";
import { fixtureConfig, fixturePoints, SITE } from "@jisr/analytics/testing";
import { HOUR_MS, localDay, localMonth, MOROCCO_TZ } from "@jisr/core";
import type { InfluxClient } from "@jisr/core/influx";
import { InfluxStore } from "@jisr/core/store";
import { buildReport } from "@jisr/reports";
import { Directory, institutionSummary } from "@jisr/web";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../test/servers/context.js";
import { fleetHealthDashboard } from "./fleet-health.js";
import { institutionDashboard } from "./institution.js";
import type { Dashboard } from "./model.js";
import { programmeDashboard } from "./programme.js";
import { A, ALL, B, fixturePoints as dashboardPoints, NOW, RANGES } from "./testing/fixtures.js";
import { loadFixtures, type Row, type RunOptions, runPanel } from "./testing/panel-runner.js";

const logger = pino({ level: "silent" });

/** Straight into influxd, as anyone holding a database password (or an old ingestion) could. */
async function rawWrite(database: string, lines: string[]): Promise<void> {
  const res = await fetch(`${influxUrl()}/write?db=${database}&precision=ms`, {
    method: "POST",
    body: lines.join("\n"),
  });
  expect(res.status, await res.clone().text()).toBe(204);
}

async function rawCount(database: string, q: string): Promise<number | null> {
  const params = new URLSearchParams({ q, db: database });
  const res = await fetch(`${influxUrl()}/query?${params}`);
  const body = (await res.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
  const value = body.results[0]?.series?.[0]?.values[0]?.[1];
  return typeof value === "number" ? value : null;
}

/**
 * In `measurement`, a series of `attacker` whose fields name `victim` and one of its devices: the string
 * field impersonates the victim for a bare comparison, and its mere existence blanks the victim's rows.
 */
function hostileLine(measurement: string, attacker: string, victim: string, device: string, time: number) {
  return (
    `${measurement},institution=${attacker},device=evil ` +
    `institution="${victim}",device="${device}" ${time}`
  );
}

describe("dashboards: every panel is unchanged by fields named like tags", () => {
  const dashboards: Array<{ d: Dashboard; ranges: RunOptions["ranges"] }> = [
    { d: programmeDashboard(), ranges: { "": RANGES.june } },
    {
      d: institutionDashboard(),
      ranges: {
        "": RANGES.last7d,
        "now/d": RANGES.today,
        "now/M": RANGES.thisMonth,
        "1h": RANGES.lastHour,
        "15m": RANGES.last15m,
      },
    },
    { d: fleetHealthDashboard(), ranges: { "": RANGES.last24h } },
  ];
  const scopes = [[A], [B], ALL];
  let client: InfluxClient;
  let database: string;

  async function everyPanel(): Promise<Map<string, Row[][]>> {
    const out = new Map<string, Row[][]>();
    for (const { d, ranges } of dashboards) {
      // The managers' dashboard takes one institution only (no "All").
      const many = d.templating.list.some((v) => v.name === "institution" && v.multi);
      for (const institutions of many ? scopes : scopes.filter((s) => s.length === 1)) {
        const opts: RunOptions = {
          ranges,
          intervalMs: HOUR_MS,
          variables: { institution: institutions, silence_minutes: ["15"] },
        };
        for (const panel of d.panels) {
          out.set(
            `${d.uid} / ${panel.title} / ${institutions.join("|")}`,
            await runPanel(client, d, panel, opts),
          );
        }
      }
    }
    return out;
  }

  beforeAll(async () => {
    database = uniqueDatabase("hostile_dash");
    client = await loadFixtures(influxUrl(), database);
  }, 120_000);
  afterAll(() => client?.close());

  it("panels of A and of B, and of all, are what they were before the hostile write", async () => {
    const before = await everyPanel();
    // Not vacuous: the fixtures give most panels rows for each scope.
    const withRows = [...before.values()].filter((rows) => rows.some((r) => r.length > 0));
    expect(withRows.length).toBeGreaterThan(before.size * 0.8);

    const measurements = [...new Set(dashboardPoints().map((p) => p.measurement))].sort();
    expect(measurements.length).toBeGreaterThanOrEqual(8);
    // Each institution attacks the other in every measurement, at a time inside every panel's range.
    const t = NOW - 5 * 60_000;
    await rawWrite(database, [
      ...measurements.map((m) => hostileLine(m, B, A, "inv-1", t)),
      ...measurements.map((m) => hostileLine(m, A, B, "inv-1", t + 1)),
    ]);
    // The rollups, made again over the hostile points as `jisr influx downsample` would.
    await backfillDownsampling({
      client,
      config: loadDownsampling(),
      from: RANGES.may.from,
      to: NOW,
      logger,
    });
    // The hole is there: a bare tag name now reads the field and A's readings vanish.
    const bare = `SELECT count("power_w") FROM "pv_inverter" WHERE "institution" = '${A}'`;
    expect(await rawCount(database, bare)).toBeNull();
    expect(await rawCount(database, bare.replace('"institution"', '"institution"::tag'))).toBeGreaterThan(0);

    const after = await everyPanel();
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [key, rows] of before) expect(after.get(key), key).toEqual(rows);
  }, 180_000); // a few hundred queries: room for a busy machine
});

describe("savings, report, web summary and panels of site-a are unchanged by another's stray fields", () => {
  const ATTACKER = "site-evil";
  const MONTH = "2026-09";
  const NOW_JOB = Date.UTC(2026, 10, 29, 12);
  /** For the web page: mid-afternoon of the fixture's last day, so "now" and "today" have data. */
  const NOW_WEB = Date.UTC(2026, 8, 3, 14);
  const config = fixtureConfig();
  const directory = new Directory(config);
  let store: InfluxStore;
  let database: string;

  async function figures() {
    const sep1 = localDay("2026-09-01", MOROCCO_TZ).from;
    const to = localDay("2026-09-03", MOROCCO_TZ).to;
    await backfillDownsampling({
      client: store.client,
      config: loadDownsampling(),
      from: sep1 - 3 * HOUR_MS,
      to,
      logger,
    });
    await runAnalytics({
      store,
      institutions: config,
      from: "2026-09-01",
      to: "2026-09-03",
      logger,
      now: NOW_JOB,
    });
    const inst = config.institutions.find((i) => i.id === SITE) as (typeof config.institutions)[number];
    const web = directory.get(SITE);
    if (!web) throw new Error("site-a missing from the directory");
    const month = localMonth(MONTH, MOROCCO_TZ);
    const monthRange = { from: month.from, to: month.to - 1 };
    const opts = (ranges: RunOptions["ranges"]): RunOptions => ({
      ranges,
      intervalMs: HOUR_MS,
      variables: { institution: [SITE] },
    });
    const panels = new Map<string, Row[][]>();
    for (const d of [programmeDashboard(), institutionDashboard()]) {
      for (const panel of d.panels) {
        const ranges = {
          "": monthRange,
          "now/M": monthRange,
          "now/d": localDay("2026-09-03", MOROCCO_TZ),
          "1h": { from: NOW_WEB - HOUR_MS, to: NOW_WEB },
          "15m": { from: NOW_WEB - HOUR_MS / 4, to: NOW_WEB },
        };
        panels.set(`${d.uid} / ${panel.title}`, await runPanel(store.client, d, panel, opts(ranges)));
      }
    }
    return {
      savings: (await savingsReport(store, config, inst, MONTH, NOW_JOB)) as SavingsReport,
      report: await buildReport({
        store,
        period: MONTH,
        institution: SITE,
        institutions: config,
        now: NOW_JOB,
      }),
      programme: await buildReport({ store, period: MONTH, institutions: config, now: NOW_JOB }),
      web: await institutionSummary(store, directory, web, NOW_WEB, null),
      panels,
    };
  }

  beforeAll(async () => {
    database = uniqueDatabase("hostile_site");
    store = new InfluxStore({ url: influxUrl(), database, logger });
    await store.init();
    const sep1 = localDay("2026-09-01", MOROCCO_TZ).from;
    const to = localDay("2026-09-03", MOROCCO_TZ).to;
    await store.write(
      fixturePoints({ from: sep1 - 3 * HOUR_MS, to }, localDay("2026-08-01", MOROCCO_TZ).from),
    );
    await setupDownsampling({ client: store.client, config: loadDownsampling(), logger });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it("`jisr savings`, the reports, the web summary and every panel for site-a", async () => {
    const before = await figures();
    // Not vacuous: the figures are there (worked out by hand in agrees-with-dashboards.test.ts).
    expect(before.report.totals.energy.pvKwh).toBeCloseTo(24, 6);
    expect(before.report.totals.money.electricityMad).toBe(16.82);
    expect(before.web.energy_month_kwh).not.toBeNull();
    expect(before.web.savings_month_mad).not.toBeNull();

    // Another institution's series in every raw and result measurement site-a has, with fields named
    // like the tags, on each of the three days (results at local midnight, raw readings at noon).
    const raw = ["pv_inverter", "grid_meter", "hot_water"];
    const lines: string[] = [];
    for (const day of ["2026-09-01", "2026-09-02", "2026-09-03"]) {
      const midnight = localDay(day, MOROCCO_TZ).from;
      for (const m of raw) lines.push(hostileLine(m, ATTACKER, SITE, "inv-1", midnight + 12 * HOUR_MS));
      for (const m of Object.values(MEASUREMENTS))
        lines.push(hostileLine(m, ATTACKER, SITE, "inv-1", midnight));
    }
    await rawWrite(database, lines);
    const bare = `SELECT count("energy_wh") FROM "pv_inverter" WHERE "institution" = '${SITE}'`;
    expect(await rawCount(database, bare)).toBeNull();

    const after = await figures();
    expect(after.savings).toEqual(before.savings);
    expect(after.report).toEqual(before.report);
    expect(after.programme).toEqual(before.programme);
    expect(after.web).toEqual(before.web);
    for (const [key, rows] of before.panels) expect(after.panels.get(key), key).toEqual(rows);
  }, 120_000);
});
