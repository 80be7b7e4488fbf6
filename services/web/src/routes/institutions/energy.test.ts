/**
 * GET /institutions/:id/energy, worked by hand: two days of the foyer's daily results (plus the fixture's
 * PV of today) give the day's, the week's and the month's energy flow, the previous period, last year
 * (no data) and the clear-sky yield with the shortfall.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { FOYER, MAISON } from "../../testing/fixture.js";

let bed: WebBed;
beforeAll(async () => {
  bed = await webBed();
  // Local midnights (UTC+1): 18 November is 17 November 23:00 UTC.
  const day = (d: number, fields: Record<string, number>) => ({
    measurement: "energy_daily",
    tags: { institution: FOYER },
    fields,
    time: Date.UTC(2026, 10, d - 1, 23),
  });
  await bed.fixture.store.write([
    day(18, {
      pv_energy_wh: 20_000,
      self_consumed_wh: 15_000,
      export_wh: 5_000,
      import_wh: 10_000,
      consumption_wh: 25_000,
    }),
    day(19, {
      pv_energy_wh: 30_000,
      self_consumed_wh: 20_000,
      export_wh: 10_000,
      import_wh: 5_000,
      consumption_wh: 25_000,
    }),
  ]);
});
afterAll(async () => bed?.close());

describe("GET /api/v1/institutions/:id/energy", () => {
  it("gives a day's flow: production, self-consumed, exported, imported, consumed, and the two shares", async () => {
    const cookie = await bed.login("manager");
    const res = await bed.get(`/api/v1/institutions/${FOYER}/energy?period=day&date=2026-11-19`, { cookie });
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e.period).toEqual({
      kind: "day",
      label: "2026-11-19",
      from: "2026-11-18T23:00:00.000Z",
      to: "2026-11-19T23:00:00.000Z",
      first_day: "2026-11-19",
      last_day: "2026-11-19",
    });
    expect(e.flow).toMatchObject({
      pv_kwh: 30,
      self_consumed_kwh: 20,
      export_kwh: 10,
      import_kwh: 5,
      consumption_kwh: 25,
      self_consumption_pct: 66.7, // 20 / 30
      self_sufficiency_pct: 80, // 20 / 25
      savings_mad: 20.5, // the fixture's 20,50 MAD of electricity that day, no hot-water result
      days_with_data: 1,
    });
    // The day before: 15 / 20 = 75 % self-consumed, 15 / 25 = 60 % self-sufficient.
    expect(e.previous.label).toBe("2026-11-18");
    expect(e.previous.flow).toMatchObject({ pv_kwh: 20, self_consumption_pct: 75, self_sufficiency_pct: 60 });
    // A year before: nothing, as null (never 0).
    expect(e.last_year.label).toBe("2025-11-19");
    expect(e.last_year.flow).toMatchObject({ pv_kwh: null, self_sufficiency_pct: null, days_with_data: 0 });
  });

  it("adds up a week (Monday to Sunday) and a month, and prices the shortfall against a clear sky", async () => {
    const cookie = await bed.login("manager");
    const week = (
      await bed.get(`/api/v1/institutions/${FOYER}/energy?period=week&date=2026-11-19`, { cookie })
    ).json();
    expect([week.period.first_day, week.period.last_day]).toEqual(["2026-11-16", "2026-11-22"]);
    // 20 + 30 + today's 45,6 kWh (PV only: today has no grid figures yet).
    expect(week.flow).toMatchObject({
      pv_kwh: 95.6,
      self_consumed_kwh: 35,
      consumption_kwh: 50,
      days_with_data: 3,
    });
    expect(week.flow.self_sufficiency_pct).toBe(70); // 35 / 50
    expect(week.previous.label).toBe("2026-11-09");

    const month = (
      await bed.get(`/api/v1/institutions/${FOYER}/energy?period=month&date=2026-11-05`, { cookie })
    ).json();
    expect(month.period.label).toBe("2026-11");
    expect(month.flow.pv_kwh).toBe(95.6);
    expect(month.previous.label).toBe("2026-10");
    expect(month.last_year.label).toBe("2025-11");

    const day = (
      await bed.get(`/api/v1/institutions/${FOYER}/energy?period=day&date=2026-11-19`, { cookie })
    ).json();
    // 20 kW of inverters ≈ 22 kWp: a clear November day at 32° N gives it roughly 4 to 6 kWh per kWp.
    expect(day.expected.kwp).toBe(22);
    expect(day.expected.pv_kwh).toBeGreaterThan(22 * 4);
    expect(day.expected.pv_kwh).toBeLessThan(22 * 6.5);
    expect(day.expected.shortfall_kwh).toBeCloseTo(day.expected.pv_kwh - 30, 3);
    // Priced at the day's saving per PV kWh: 20,50 MAD / 30 kWh.
    expect(day.expected.shortfall_mad).toBeCloseTo((day.expected.shortfall_kwh * 20.5) / 30, 1);
  });

  it("says since when the institution has data, so an empty period can say why", async () => {
    const cookie = await bed.login("manager");
    const october = (
      await bed.get(`/api/v1/institutions/${FOYER}/energy?period=month&date=2026-10-10`, { cookie })
    ).json();
    // The fixture's first daily result is the foyer's savings of 1 November.
    expect(october.data_since).toBe("2026-11-01");
    expect(october.flow).toMatchObject({ pv_kwh: null, days_with_data: 0 });
    const summary = (await bed.get(`/api/v1/institutions/${FOYER}/summary`, { cookie })).json();
    expect(summary.first_day).toBe("2026-11-01");
  });

  it("refuses another institution's figures and names a bad query", async () => {
    const cookie = await bed.login("manager");
    expect((await bed.get(`/api/v1/institutions/${MAISON}/energy`, { cookie })).statusCode).toBe(403);
    const bad = await bed.get(`/api/v1/institutions/${FOYER}/energy?period=decade&date=20-11`, { cookie });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems.map((p: { path: string }) => p.path)).toEqual([
      "querystring.period",
      "querystring.date",
    ]);
  });
});
