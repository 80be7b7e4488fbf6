/**
 * GET /programme/energy, worked by hand: the foyer's and the maison's daily results of 18 and 19 November
 * (the centre has none) give every institution's flow and the programme's totals for a day and a month;
 * totals are the sums of the rows as given, shares the ratio of the summed energies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { programmeTotals } from "../../data/programme-energy.js";
import { type WebBed, webBed } from "../../testing/bed.js";
import { CENTRE, FOYER, MAISON } from "../../testing/fixture.js";

let bed: WebBed;
beforeAll(async () => {
  bed = await webBed();
  // Local midnights (UTC+1): 19 November is 18 November 23:00 UTC.
  const day = (institution: string, d: number, fields: Record<string, number>) => ({
    measurement: "energy_daily",
    tags: { institution },
    fields,
    time: Date.UTC(2026, 10, d - 1, 23),
  });
  await bed.fixture.store.write([
    day(FOYER, 18, {
      pv_energy_wh: 20_000,
      self_consumed_wh: 15_000,
      export_wh: 5_000,
      import_wh: 10_000,
      consumption_wh: 25_000,
    }),
    day(FOYER, 19, {
      pv_energy_wh: 30_000,
      self_consumed_wh: 20_000,
      export_wh: 10_000,
      import_wh: 5_000,
      consumption_wh: 25_000,
    }),
    day(MAISON, 19, {
      pv_energy_wh: 12_345,
      self_consumed_wh: 10_100,
      export_wh: 2_245,
      import_wh: 7_900,
      consumption_wh: 18_000,
    }),
  ]);
});
afterAll(async () => bed?.close());

const ADDITIVE = [
  "pv_kwh",
  "self_consumed_kwh",
  "export_kwh",
  "import_kwh",
  "consumption_kwh",
  "solar_heat_kwh",
  "backup_heat_kwh",
  "savings_mad",
  "electricity_savings_mad",
] as const;

type Row = { institution: { id: string }; flow: Record<string, number | null> };

describe("GET /api/v1/programme/energy", () => {
  it("gives a chosen day's flow per institution and the programme's totals", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.get("/api/v1/programme/energy?period=day&date=2026-11-19", { cookie });
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e.period).toMatchObject({ kind: "day", label: "2026-11-19", from: "2026-11-18T23:00:00.000Z" });
    const rows = e.institutions as Row[];
    expect(rows.map((r) => r.institution.id)).toEqual([FOYER, MAISON, CENTRE]);
    expect(rows[1]?.flow).toMatchObject({
      pv_kwh: 12.345,
      self_consumed_kwh: 10.1,
      export_kwh: 2.245,
      import_kwh: 7.9,
      consumption_kwh: 18,
      self_consumption_pct: 81.8, // 10.1 / 12.345
      self_sufficiency_pct: 56.1, // 10.1 / 18
    });
    expect(rows[2]?.flow).toMatchObject({ pv_kwh: null, consumption_kwh: null, self_sufficiency_pct: null });
    expect(e.totals).toEqual({
      institutions: 3,
      reporting: 2, // the centre has no PV result that day
      pv_kwh: 42.345, // 30 + 12.345
      self_consumed_kwh: 30.1, // 20 + 10.1
      export_kwh: 12.245, // 10 + 2.245
      import_kwh: 12.9, // 5 + 7.9
      consumption_kwh: 43, // 25 + 18
      self_consumption_pct: 71.1, // 30.1 / 42.345, not the mean of 66.7 % and 81.8 %
      self_sufficiency_pct: 70, // 30.1 / 43
      solar_heat_kwh: null,
      backup_heat_kwh: null,
      solar_fraction_pct: null,
      savings_mad: 20.5, // the foyer's 20,50 MAD of electricity that day; the maison's days are 1 and 2 November
      electricity_savings_mad: 20.5,
    });
  });

  it("gives a month, and today by default; every total is the sum of its column", async () => {
    const cookie = await bed.login("ministry");
    const month = (await bed.get("/api/v1/programme/energy?period=month&date=2026-11-30", { cookie })).json();
    expect(month.period).toMatchObject({ kind: "month", label: "2026-11", last_day: "2026-11-30" });
    expect(month.totals).toMatchObject({
      pv_kwh: 107.945, // foyer 20 + 30 + today's 45.6, maison 12.345
      self_consumed_kwh: 45.1, // 15 + 20 + 10.1
      consumption_kwh: 68, // 25 + 25 + 18
      self_consumption_pct: 41.8, // 45.1 / 107.945
      self_sufficiency_pct: 66.3, // 45.1 / 68
      // foyer 19 × 20.50 + 19 × 5.25 (hot water) = 489.25; maison 100 + 50.75; the centre has monthly results only
      savings_mad: 640,
    });
    for (const key of ADDITIVE) {
      const known = (month.institutions as Row[]).map((r) => r.flow[key]).filter((x) => x !== null);
      const sum = known.length ? Number((known as number[]).reduce((a, b) => a + b, 0).toFixed(3)) : null;
      expect(month.totals[key], key).toBe(sum);
    }

    const today = (await bed.get("/api/v1/programme/energy", { cookie })).json();
    expect(today.period).toMatchObject({ kind: "day", label: "2026-11-20" });
    expect(today.totals).toMatchObject({ pv_kwh: 45.6, reporting: 1 });
  });

  it("is the ministry's only, and names a bad query", async () => {
    expect((await bed.get("/api/v1/programme/energy")).statusCode).toBe(401);
    for (const role of ["manager", "technician"] as const) {
      const cookie = await bed.login(role);
      expect((await bed.get("/api/v1/programme/energy", { cookie })).statusCode).toBe(403);
    }
    const cookie = await bed.login("ministry");
    const bad = await bed.get("/api/v1/programme/energy?period=decade&date=20-11", { cookie });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems.map((p: { path: string }) => p.path)).toEqual([
      "querystring.period",
      "querystring.date",
    ]);
  });
});

describe("programmeTotals", () => {
  it("sums the rows as given and takes shares over the rows that have both figures", () => {
    const flow = (pv: number | null, self: number | null, cons: number | null) => ({
      pv_kwh: pv,
      self_consumed_kwh: self,
      export_kwh: null,
      import_kwh: null,
      consumption_kwh: cons,
      self_consumption_pct: null,
      self_sufficiency_pct: null,
      solar_heat_kwh: null,
      backup_heat_kwh: null,
      solar_fraction_pct: null,
      savings_mad: null,
      electricity_savings_mad: null,
      days_with_data: 1,
    });
    // 0.1 + 0.2 is 0.30000000000000004 in floating point: the total is given as the column reads, 0.3.
    const t = programmeTotals([flow(0.1, 0.1, null), flow(0.2, 0.1, 0.4), flow(null, null, null)]);
    expect(t.pv_kwh).toBe(0.3);
    expect(t.self_consumed_kwh).toBe(0.2);
    expect(t.self_consumption_pct).toBe(66.7); // 0.2 / 0.3
    // Only the second row has a consumption: 0.1 / 0.4, the first row's self-consumed is not counted.
    expect(t.self_sufficiency_pct).toBe(25);
    expect(t.consumption_kwh).toBe(0.4);
    expect(t.savings_mad).toBeNull();
  });
});
