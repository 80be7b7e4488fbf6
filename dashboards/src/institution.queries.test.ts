/**
 * Every panel of the institution dashboard against a real influxd and the fixtures, at "now" = 10 June
 * 2026 14:00 local: "today" panels see 10 June only, "this month" panels 1-10 June, the rest the last 7 days.
 */
import type { InfluxClient } from "@jisr/core/influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../test/servers/context.js";
import { institutionDashboard } from "./institution.js";
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

const d = institutionDashboard();
let client: InfluxClient;

beforeAll(async () => {
  client = await loadFixtures(influxUrl(), uniqueDatabase("dash_institution"));
});
afterAll(() => client?.close());

function options(institutions: readonly string[]): RunOptions {
  return {
    ranges: {
      "": RANGES.last7d,
      "now/d": RANGES.today,
      "now/M": RANGES.thisMonth,
      "1h": RANGES.lastHour,
      "15m": RANGES.last15m,
    },
    intervalMs: 3_600_000,
    variables: { institution: institutions },
  };
}

async function run(title: string, institutions: readonly string[]): Promise<Row[][]> {
  return sorted(await runPanel(client, d, panelByTitle(d, title), options(institutions)));
}

/** The managers' dashboard shows one institution at a time: each one's rows of the expectation. */
const only = (expected: Row[][], institution: string) =>
  expected.map((rows) => rows.filter((r) => r.institution === institution));

/** Aggregates over the panel's range: compared without their time. */
const TOTALS: Record<string, Row[][]> = {
  // A: 3 000 + 1 500 W at 13:50; B's last reading (13:30) is older than 15 minutes.
  "Puissance PV (dernière mesure)": [[{ institution: A, sum: 4500 }]],
  // Counter increases since local midnight (yesterday's 20:00 reading excluded): B 6, A 15 + 5 kWh.
  "Énergie produite aujourd'hui": [
    [
      { institution: B, sum: 6 },
      { institution: A, sum: 20 },
    ],
  ],
  "Énergie produite ce mois": [
    [
      { institution: B, sum: 30 },
      { institution: A, sum: 120 },
    ],
  ],
  // B 29 / 30, A 97.8 / 120
  "Autoconsommation ce mois": [
    [
      { institution: B, sum_sum: 96.666667 },
      { institution: A, sum_sum: 81.5 },
    ],
  ],
  "Économies ce mois": [
    [
      { institution: B, sum: 12.5 },
      { institution: A, sum: 31.5 },
    ],
    [
      { institution: B, sum: 5 },
      { institution: A, sum: 16 },
    ],
  ],
  "Eau chaude disponible ce mois": [
    [
      // Available over measured minutes this month: B 399 / 630, A 1118 / 1240.
      { institution: B, disponibilite_pct: 63.333333 },
      { institution: A, disponibilite_pct: 90.16129 },
    ],
  ],
  // Last reading of the last hour: A tank-1 at 13:40 (47), not the 12:00 reading (60).
  "Température des ballons": [
    [
      { institution: B, device: "tank-1", last: 55 },
      { institution: A, device: "tank-1", last: 47 },
      { institution: A, device: "tank-2", last: 41 },
    ],
  ],
};

const h = (local: string) => at(`2026-06-10T${local}`);

/** Series: times are the (UTC-aligned, here also local-hour) interval starts. */
const SERIES: Record<string, Row[][]> = {
  "Puissance aujourd'hui": [
    [
      { institution: B, time: h("06:00"), sum: 0 },
      { institution: B, time: h("13:00"), sum: 800 },
      { institution: A, time: h("06:00"), sum: 0 },
      { institution: A, time: h("10:00"), sum: 3000 },
      { institution: A, time: h("13:00"), sum: 4500 },
    ],
    [
      { institution: A, time: h("10:00"), sum: 500 },
      { institution: A, time: h("13:00"), sum: -200 },
    ],
  ],
  "Température des ballons dans le temps": [
    [
      { institution: B, device: "tank-1", time: h("13:00"), mean: 55 },
      { institution: A, device: "tank-1", time: h("12:00"), mean: 60 },
      { institution: A, device: "tank-1", time: h("13:00"), mean: 49.5 },
      { institution: A, device: "tank-2", time: h("13:00"), mean: 41 },
    ],
  ],
  // Last 7 days from 3 June 14:00: only the 9th (the 1st and 2nd are older).
  "Énergie par jour": [
    [{ institution: A, time: at("2026-06-09T00:00"), production: 38 }],
    [{ institution: A, time: at("2026-06-09T00:00"), autoconsommee: 34.2 }],
  ],
  "Eau chaude disponible par jour": [
    [{ institution: A, time: at("2026-06-09T00:00"), availability_pct: 90 }],
  ],
};

describe("institution dashboard queries on influxd", () => {
  it("has an expectation for every panel", () => {
    const covered = new Set([...Object.keys(TOTALS), ...Object.keys(SERIES)]);
    expect(d.panels.map((p) => p.title).filter((t) => !covered.has(t))).toEqual([]);
  });

  for (const [title, expected] of Object.entries(TOTALS)) {
    it(`each institution: ${title}`, async () => {
      for (const i of ALL) expect(withoutTime(await run(title, [i])), i).toEqual(only(expected, i));
    });
  }

  for (const [title, expected] of Object.entries(SERIES)) {
    it(`each institution: ${title}`, async () => {
      for (const i of ALL) expect(await run(title, [i]), i).toEqual(only(expected, i));
    });
  }

  it("offers one institution, never All: its queries match one value exactly", () => {
    const v = d.templating.list.find((x) => x.name === "institution");
    expect(v).toMatchObject({ multi: false, includeAll: false });
  });

  it("one institution: every panel shows that institution only", async () => {
    let tagged = 0;
    for (const panel of d.panels) {
      const rows = (await runPanel(client, d, panel, options([B])))
        .flat()
        .filter((r) => r.institution !== undefined);
      expect(
        rows.filter((r) => r.institution !== B),
        panel.title,
      ).toEqual([]);
      tagged += rows.length;
    }
    expect(tagged).toBeGreaterThan(0);
    expect(withoutTime(await run("Énergie produite aujourd'hui", [B]))).toEqual([
      [{ institution: B, sum: 6 }],
    ]);
    expect(await run("Puissance PV (dernière mesure)", [B])).toEqual([[]]);
  });
});
