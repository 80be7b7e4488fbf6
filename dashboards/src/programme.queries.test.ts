/**
 * Every panel of the programme dashboard, run against a real influxd loaded with the fixtures, returns the
 * numbers worked out by hand in fixtures.ts — for June ("this month"), for May (the month picker moved
 * back), and for one institution.
 */
import type { InfluxClient } from "@jisr/core/influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../test/servers/context.js";
import { programmeDashboard } from "./programme.js";
import { A, ALL, at, B, RANGES } from "./testing/fixtures.js";
import {
  loadFixtures,
  panelByTitle,
  type Row,
  type RunOptions,
  runPanel,
  withoutTime as values,
} from "./testing/panel-runner.js";

const d = programmeDashboard();
let client: InfluxClient;

beforeAll(async () => {
  client = await loadFixtures(influxUrl(), uniqueDatabase("dash_programme"));
});
afterAll(() => client?.close());

function options(range: { from: number; to: number }, institutions: readonly string[]): RunOptions {
  return { ranges: { "": range }, intervalMs: 3_600_000, variables: { institution: institutions } };
}

async function run(title: string, opts: RunOptions): Promise<Row[][]> {
  return runPanel(client, d, panelByTitle(d, title), opts);
}

const JUNE_ALL: Record<string, Row[][]> = {
  // 10.5 + 11.25 + 9.75 (A) + 8 + 4.5 (B)
  "Économies d'électricité": [[{ sum: 44 }]],
  // 6 + 5.5 + 4.5 (A) + 3 + 2 (B); the 3rd of June has no saving (unknown), May 31 is May's.
  "Économies eau chaude solaire": [[{ sum: 21 }]],
  // 40 + 42 + 38 (A) + 20 + 10 (B) kWh
  "Énergie produite": [[{ sum: 150 }]],
  // 30 + 33.6 + 34.2 + 20 + 9
  "Énergie autoconsommée": [[{ sum: 126.8 }]],
  // 28 + 29.4 + 26.6 + 14 + 7 ; 2 + 1.8 + 1.5 + 1 + 0.7
  "CO₂ évité": [[{ sum: 105 }], [{ sum: 7 }]],
  // Minutes, not the mean of the days' percentages (which would be 80):
  // (420 + 320 + 378 + 252 + 147) / (1517 + 0 + 80 + 42 + 168 + 63) = 1517 / 1870. The unknown day
  // counts neither as available nor as not.
  "Disponibilité de l'eau chaude": [[{ disponibilite_pct: 81.122995 }]],
  "Économies par établissement": [
    [
      { institution: B, electricite: 12.5 },
      { institution: A, electricite: 31.5 },
    ],
    [
      { institution: B, eau_chaude: 5 },
      { institution: A, eau_chaude: 16 },
    ],
  ],
  Établissements: [
    [
      { institution: B, economies_mad: 12.5 },
      { institution: A, economies_mad: 31.5 },
    ],
    [
      // B: 29 / 30 ; A: 97.8 / 120
      {
        institution: B,
        production_kwh: 30,
        autoconsommation_kwh: 29,
        autoconsommation_pct: 96.666667,
        co2_kg: 21,
      },
      {
        institution: A,
        production_kwh: 120,
        autoconsommation_kwh: 97.8,
        autoconsommation_pct: 81.5,
        co2_kg: 84,
      },
    ],
    [
      // B: 399 / 630 minutes; A: 1118 / 1240.
      { institution: B, disponibilite_pct: 63.333333, economies_eau_chaude_mad: 5, completude_min: 0.5 },
      { institution: A, disponibilite_pct: 90.16129, economies_eau_chaude_mad: 16, completude_min: 0 },
    ],
  ],
};

/** Panels that draw daily points keep their local-midnight times. */
const JUNE_ALL_DAILY: Record<string, Row[][]> = {
  "Économies d'électricité par jour": [
    [
      { institution: B, time: at("2026-06-01T00:00"), savings_mad: 8 },
      { institution: B, time: at("2026-06-02T00:00"), savings_mad: 4.5 },
      { institution: A, time: at("2026-06-01T00:00"), savings_mad: 10.5 },
      { institution: A, time: at("2026-06-02T00:00"), savings_mad: 11.25 },
      { institution: A, time: at("2026-06-09T00:00"), savings_mad: 9.75 },
    ],
  ],
  "Disponibilité de l'eau chaude par jour": [
    [
      { institution: B, time: at("2026-06-01T00:00"), availability_pct: 60 },
      { institution: B, time: at("2026-06-02T00:00"), availability_pct: 70 },
      { institution: A, time: at("2026-06-01T00:00"), availability_pct: 100 },
      { institution: A, time: at("2026-06-02T00:00"), availability_pct: 80 },
      { institution: A, time: at("2026-06-09T00:00"), availability_pct: 90 },
    ],
  ],
};

describe("programme dashboard queries on influxd", () => {
  it("has an expectation for every panel", () => {
    const covered = new Set([...Object.keys(JUNE_ALL), ...Object.keys(JUNE_ALL_DAILY)]);
    expect(d.panels.map((p) => p.title).filter((t) => !covered.has(t))).toEqual([]);
  });

  for (const [title, expected] of Object.entries(JUNE_ALL)) {
    it(`June, all institutions: ${title}`, async () => {
      expect(values(await run(title, options(RANGES.june, ALL)))).toEqual(expected);
    });
  }

  for (const [title, expected] of Object.entries(JUNE_ALL_DAILY)) {
    it(`June, all institutions: ${title}`, async () => {
      expect(await run(title, options(RANGES.june, ALL))).toEqual(expected);
    });
  }

  it("one institution: only its figures", async () => {
    const onlyA = options(RANGES.june, [A]);
    expect(values(await run("Économies d'électricité", onlyA))).toEqual([[{ sum: 31.5 }]]);
    expect(values(await run("Disponibilité de l'eau chaude", onlyA))).toEqual([
      [{ disponibilite_pct: 90.16129 }],
    ]);
    const [savings] = await run("Économies par établissement", onlyA);
    expect(savings).toEqual([expect.objectContaining({ institution: A, electricite: 31.5 })]);
  });

  it("the institution variable's query lists every institution", async () => {
    const variable = d.templating.list.find((v) => v.name === "institution");
    const [result] = await client.query(variable?.query ?? "");
    const values = new Set(result?.series.flatMap((s) => s.values.map((row) => row[1])));
    expect([...values].sort()).toEqual([...ALL].sort());
  });

  it("the previous month: only May 31 counts", async () => {
    const may = options(RANGES.may, ALL);
    expect(values(await run("Économies d'électricité", may))).toEqual([[{ sum: 12 }]]);
    expect(values(await run("Énergie produite", may))).toEqual([[{ sum: 50 }]]);
    expect(values(await run("Disponibilité de l'eau chaude", may))).toEqual([[{ disponibilite_pct: 50 }]]);
  });
});
