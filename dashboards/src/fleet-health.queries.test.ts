/**
 * Every panel of the fleet-health dashboard against a real influxd and the fixtures: the last 24 hours
 * before 10 June 2026 14:00 local, one-hour intervals, devices silent for more than 15 minutes; then the
 * gateway panels over the last 7 days, where everything before the last 24 hours comes from the hourly
 * rollups (`rp_1h`, made from the fixtures the production way).
 */
import type { InfluxClient } from "@jisr/core/influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../test/servers/context.js";
import { fleetHealthDashboard } from "./fleet-health.js";
import { A, ALL, at, B, RANGES } from "./testing/fixtures.js";
import {
  loadFixtures,
  panelByTitle,
  type Row,
  type RunOptions,
  runPanel,
  sorted,
  withoutTime,
} from "./testing/panel-runner.js";

const d = fleetHealthDashboard();
let client: InfluxClient;

beforeAll(async () => {
  client = await loadFixtures(influxUrl(), uniqueDatabase("dash_fleet"));
});
afterAll(() => client?.close());

function options(institutions: readonly string[], silenceMinutes = "15"): RunOptions {
  return {
    ranges: { "": RANGES.last24h },
    intervalMs: 3_600_000,
    variables: { institution: institutions, silence_minutes: [silenceMinutes] },
  };
}

async function run(title: string, opts: RunOptions = options(ALL)): Promise<Row[][]> {
  return sorted(await runPanel(client, d, panelByTitle(d, title), opts));
}

const h = (local: string) => at(`2026-06-10T${local}`);

const INV_2 = {
  institution: A,
  device: "inv-2",
  en_ligne: false,
  silence_s: 3600,
  erreurs: 12,
  derniere_erreur: "timeout",
};
const METER_1 = {
  institution: A,
  device: "meter-1",
  en_ligne: true,
  silence_s: 1200,
  erreurs: 2,
  derniere_erreur: "crc",
};

const TOTALS: Record<string, Row[][]> = {
  // Last devices_offline of gw-a (1) and gw-b (0).
  "Appareils hors ligne": [[{ sum: 1 }]],
  // Last queue of gw-a (250, at 13:40) + gw-b (10); gw-a's 999 from yesterday 10:00 is outside the range.
  "Points en file d'attente": [[{ sum: 260 }]],
  "Plus ancien point en file": [[{ max: 1500 }]],
  // gw-a hourly maxima 5, 5, 40, 6 (restart): increases 0 + 35; gw-b 0.
  "Points perdus": [[{ sum: 35 }]],
  // inv-2 is offline; meter-1 has had no good reading for 1 200 s > 15 min; inv-1 recovered.
  "Appareils silencieux ou hors ligne": [[INV_2, METER_1]],
};

const SERIES: Record<string, Row[][]> = {
  // The time of each gateway's last health report is the point of this table.
  "Passerelles : dernier rapport": [
    [
      { institution: B, device: "gw-b", time: h("13:45"), uptime_s: 79_300 },
      { institution: A, device: "gw-a", time: h("13:40"), uptime_s: 1860 },
    ],
  ],
  "État des onduleurs": [
    [
      { institution: B, device: "inv-1", time: h("06:00"), last: "MPPT" },
      { institution: B, device: "inv-1", time: h("13:00"), last: "MPPT" },
      { institution: A, device: "inv-1", time: at("2026-06-09T20:00"), last: "SLEEPING" },
      { institution: A, device: "inv-1", time: h("06:00"), last: "STARTING" },
      { institution: A, device: "inv-1", time: h("10:00"), last: "MPPT" },
      { institution: A, device: "inv-1", time: h("13:00"), last: "FAULT" },
      { institution: A, device: "inv-2", time: h("06:00"), last: "MPPT" },
      { institution: A, device: "inv-2", time: h("10:00"), last: "MPPT" },
      { institution: A, device: "inv-2", time: h("13:00"), last: "MPPT" },
    ],
  ],
  "Événements des onduleurs": [
    [{ institution: A, device: "inv-1", time: h("13:00"), evenements: "OVER_TEMP" }],
  ],
  "Points perdus par passerelle": [
    [
      { institution: B, device: "gw-b", time: h("13:00"), non_negative_difference: 0 },
      { institution: A, device: "gw-a", time: h("11:00"), non_negative_difference: 0 },
      { institution: A, device: "gw-a", time: h("12:00"), non_negative_difference: 35 },
    ],
  ],
  "File d'attente par passerelle": [
    [
      { institution: B, device: "gw-b", time: at("2026-06-09T16:00"), max: 0 },
      { institution: B, device: "gw-b", time: h("13:00"), max: 10 },
      { institution: A, device: "gw-a", time: h("10:00"), max: 0 },
      { institution: A, device: "gw-a", time: h("11:00"), max: 120 },
      { institution: A, device: "gw-a", time: h("12:00"), max: 300 },
      { institution: A, device: "gw-a", time: h("13:00"), max: 280 },
    ],
  ],
  "Âge du plus ancien point en file": [
    [
      { institution: B, device: "gw-b", time: at("2026-06-09T16:00"), max: 0 },
      { institution: B, device: "gw-b", time: h("13:00"), max: 30 },
      { institution: A, device: "gw-a", time: h("10:00"), max: 0 },
      { institution: A, device: "gw-a", time: h("11:00"), max: 600 },
      { institution: A, device: "gw-a", time: h("12:00"), max: 1800 },
      { institution: A, device: "gw-a", time: h("13:00"), max: 1700 },
    ],
  ],
};

describe("fleet-health dashboard queries on influxd", () => {
  it("has an expectation for every panel", () => {
    const covered = new Set([...Object.keys(TOTALS), ...Object.keys(SERIES)]);
    expect(d.panels.map((p) => p.title).filter((t) => !covered.has(t))).toEqual([]);
  });

  for (const [title, expected] of Object.entries(TOTALS)) {
    it(`all institutions: ${title}`, async () => {
      expect(withoutTime(await run(title))).toEqual(expected);
    });
  }

  for (const [title, expected] of Object.entries(SERIES)) {
    it(`all institutions: ${title}`, async () => {
      expect(await run(title)).toEqual(expected);
    });
  }

  it("the silence threshold comes from $silence_minutes", async () => {
    // 60 minutes: meter-1 (1 200 s) is no longer silent; inv-2 stays listed because it is offline.
    expect(withoutTime(await run("Appareils silencieux ou hors ligne", options(ALL, "60")))).toEqual([
      [INV_2],
    ]);
    expect(withoutTime(await run("Appareils silencieux ou hors ligne", options(ALL, "5")))).toEqual([
      [INV_2, METER_1],
    ]);
  });

  it("one institution: its gateways and devices only", async () => {
    const onlyB = options([B]);
    expect(withoutTime(await run("Points en file d'attente", onlyB))).toEqual([[{ sum: 10 }]]);
    expect(withoutTime(await run("Appareils hors ligne", onlyB))).toEqual([[{ sum: 0 }]]);
    expect(await run("Appareils silencieux ou hors ligne", onlyB)).toEqual([[]]);
    expect(await run("Événements des onduleurs", onlyB)).toEqual([[]]);
  });
});

/**
 * Over 7 days, 15-minute intervals (Grafana's $__interval for a week is 10 minutes, the panels' minimum 15):
 * the last 24 hours as above from the raw reports, in 15-minute buckets; before them one point per hour
 * from the rollups: gw-a's 8 June 09:10 and 09:40 reports are one bucket at 09:00 with the hour's maxima,
 * gw-b2's only report (7 June 08:20) is its hour, 08:00.
 */
describe("fleet-health gateway panels over 7 days: the hourly rollups before the last 24 hours", () => {
  const week = (institutions: readonly string[]): RunOptions => ({
    ranges: { "": RANGES.last7d },
    intervalMs: 15 * 60_000,
    variables: { institution: institutions, silence_minutes: ["15"] },
  });
  const m = (local: string) => at(`2026-06-${local}`);

  const WEEK_TOTALS: Record<string, Row[][]> = {
    // Latest per gateway: gw-a 1 (raw, 13:40), gw-b 0 (raw), gw-b2 2 (rollup of 7 June 08:00).
    "Appareils hors ligne": [[{ sum: 3 }]],
    "Points en file d'attente": [[{ sum: 250 + 10 + 7 }]],
    "Plus ancien point en file": [[{ max: 1500 }]],
    // gw-a per bucket: 4 (8 June 09:00, rollup), 0 (9 June 10:00, rollup: a restart), then raw 5, 5, 40,
    // 2 (13:00), 6 (13:30): increases 5 + 0 + 35 + 4 = 44; gw-b and gw-b2 none.
    "Points perdus": [[{ sum: 44 }]],
  };

  const WEEK_SERIES: Record<string, Row[][]> = {
    "Passerelles : dernier rapport": [
      [
        { institution: B, device: "gw-b", time: h("13:45"), uptime_s: 79_300 },
        // Silent since 7 June: its last report as the rollup holds it, at the start of its hour.
        { institution: B, device: "gw-b2", time: m("07T08:00"), uptime_s: 5000 },
        { institution: A, device: "gw-a", time: h("13:40"), uptime_s: 1860 },
      ],
    ],
    "File d'attente par passerelle": [
      [
        { institution: B, device: "gw-b", time: m("09T16:00"), max: 0 },
        { institution: B, device: "gw-b", time: h("13:45"), max: 10 },
        { institution: B, device: "gw-b2", time: m("07T08:00"), max: 7 },
        { institution: A, device: "gw-a", time: m("08T09:00"), max: 50 },
        { institution: A, device: "gw-a", time: m("09T10:00"), max: 999 },
        { institution: A, device: "gw-a", time: h("10:00"), max: 0 },
        { institution: A, device: "gw-a", time: h("11:00"), max: 120 },
        { institution: A, device: "gw-a", time: h("12:00"), max: 300 },
        { institution: A, device: "gw-a", time: h("13:00"), max: 280 },
        { institution: A, device: "gw-a", time: h("13:30"), max: 250 },
      ],
    ],
    "Âge du plus ancien point en file": [
      [
        { institution: B, device: "gw-b", time: m("09T16:00"), max: 0 },
        { institution: B, device: "gw-b", time: h("13:45"), max: 30 },
        { institution: B, device: "gw-b2", time: m("07T08:00"), max: 70 },
        { institution: A, device: "gw-a", time: m("08T09:00"), max: 500 },
        { institution: A, device: "gw-a", time: m("09T10:00"), max: 9999 },
        { institution: A, device: "gw-a", time: h("10:00"), max: 0 },
        { institution: A, device: "gw-a", time: h("11:00"), max: 600 },
        { institution: A, device: "gw-a", time: h("12:00"), max: 1800 },
        { institution: A, device: "gw-a", time: h("13:00"), max: 1700 },
        { institution: A, device: "gw-a", time: h("13:30"), max: 1500 },
      ],
    ],
    "Points perdus par passerelle": [
      [
        { institution: B, device: "gw-b", time: h("13:45"), non_negative_difference: 0 },
        { institution: A, device: "gw-a", time: h("10:00"), non_negative_difference: 5 },
        { institution: A, device: "gw-a", time: h("11:00"), non_negative_difference: 0 },
        { institution: A, device: "gw-a", time: h("12:00"), non_negative_difference: 35 },
        { institution: A, device: "gw-a", time: h("13:30"), non_negative_difference: 4 },
      ],
    ],
  };

  it("reads the rollups before the last 24 hours and the raw reports after, in every gateway panel", () => {
    for (const p of d.panels.filter((p) => p.targets.some((t) => t.query.includes('"gateway_health"')))) {
      for (const t of p.targets) {
        expect(t.query, p.title).toContain('"rp_1h"."gateway_health"');
        // Every raw read of gateway_health is bounded to the range's last 24 hours.
        const raw = [...t.query.matchAll(/FROM "gateway_health" WHERE ([^)]*)/g)].map((x) => x[1]);
        expect(raw.length, p.title).toBeGreaterThan(0);
        for (const w of raw) expect(w, p.title).toContain(`time >= ${"$"}{__to}ms - 24h`);
      }
    }
    expect(Object.keys({ ...WEEK_TOTALS, ...WEEK_SERIES }).sort()).toEqual(
      d.panels
        .filter((p) => p.targets.some((t) => t.query.includes('"gateway_health"')))
        .map((p) => p.title)
        .sort(),
    );
  });

  for (const [title, expected] of Object.entries(WEEK_TOTALS)) {
    it(`all institutions: ${title}`, async () => {
      expect(withoutTime(sorted(await runPanel(client, d, panelByTitle(d, title), week(ALL))))).toEqual(
        expected,
      );
    });
  }

  for (const [title, expected] of Object.entries(WEEK_SERIES)) {
    it(`all institutions: ${title}`, async () => {
      expect(sorted(await runPanel(client, d, panelByTitle(d, title), week(ALL)))).toEqual(expected);
    });
  }

  it("one institution: its gateways only, the silent one from the rollups", async () => {
    const queued = await runPanel(client, d, panelByTitle(d, "Points en file d'attente"), week([B]));
    expect(withoutTime(queued)).toEqual([[{ sum: 17 }]]);
  });
});
