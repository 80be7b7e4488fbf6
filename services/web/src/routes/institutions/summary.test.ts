/** One institution's figures and the programme's, against the fixture's hand-worked values. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { CENTRE, EXPECTED, FOYER, MAISON } from "../../testing/fixture.js";

let bed: WebBed;
let ministry: string;

beforeAll(async () => {
  bed = await webBed();
  ministry = await bed.login("ministry");
});
afterAll(async () => bed?.close());

const summary = async (id: string) =>
  (await bed.get(`/api/v1/institutions/${id}/summary`, { cookie: ministry })).json();

describe("GET /api/v1/institutions/:id/summary", () => {
  it("shows the foyer's power now, energy, savings, tanks and hot water", async () => {
    const s = await summary(FOYER);
    const e = EXPECTED.foyer;
    expect(s).toMatchObject({
      at: "2026-11-20T10:00:00.000Z",
      time_zone: "Africa/Casablanca",
      today: "2026-11-20",
      month: "2026-11",
      power_now_w: e.powerNowW,
      power_at: "2026-11-20T09:58:00.000Z",
      energy_today_kwh: e.energyTodayKwh,
      energy_today_source: "analytics",
      energy_month_kwh: e.energyMonthKwh,
      savings_month_mad: e.savingsMonthMad,
      savings_month_electricity_mad: e.electricityMad,
      savings_month_hot_water_mad: e.hotWaterMad,
      completeness_month: 0.9,
      hot_water: {
        availability_today_pct: e.availabilityTodayPct,
        availability_month_pct: e.availabilityMonthPct,
        hygiene_ok_today: true,
      },
      open_alerts: 1,
    });
    expect(s.tank.threshold_c).toBe(45);
    expect(
      s.tank.devices.map((d: { device: string; temperature_c: number; below_threshold: boolean }) => ({
        device: d.device,
        c: d.temperature_c,
        below: d.below_threshold,
      })),
    ).toEqual(e.tanks);
  });

  it("gives the series the charts draw: power by 15 min, daily savings, tank temperature", async () => {
    const s = await summary(FOYER);
    // inverter-1 from 07:00Z (1000 W, +250 W per quarter hour); in the last bucket its 3750 W (09:45) and
    // 4000 W (09:55) average out, and inverter-2 adds its 2500 W (09:58).
    expect(s.series.power_today[0]).toEqual({ time: "2026-11-20T07:00:00.000Z", w: 1000 });
    expect(s.series.power_today.at(-1)).toEqual({
      time: "2026-11-20T09:45:00.000Z",
      w: (3750 + 4000) / 2 + 2500,
    });
    expect(s.series.power_today).toHaveLength(12);
    const days = s.series.savings_month;
    expect(days[0]).toEqual({
      day: "2026-11-01",
      electricity_mad: 20.5,
      hot_water_mad: 5.25,
      total_mad: 25.75,
    });
    expect(days.at(-1)).toEqual({
      day: "2026-11-20",
      electricity_mad: null,
      hot_water_mad: 5.25,
      total_mad: 5.25,
    });
    const total = days.reduce((sum: number, d: { total_mad: number }) => sum + d.total_mad, 0);
    expect(total).toBeCloseTo(EXPECTED.foyer.savingsMonthMad, 6);
    // The last bucket averages 51 °C (09:45) and 52.3 °C (09:50): 51.65, shown to 0.1 °C.
    const swh1 = s.series.tank_today.find((t: { device: string }) => t.device === "swh-1");
    expect(swh1.points[0]).toEqual({ time: "2026-11-20T07:00:00.000Z", c: 40 });
    expect(swh1.points.at(-1)).toEqual({ time: "2026-11-20T09:45:00.000Z", c: 51.6 });
  });

  it("falls back to the counters for today's energy while the job has not run", async () => {
    const s = await summary(MAISON);
    expect(s.energy_today_kwh).toBe(EXPECTED.maison.energyTodayKwh);
    expect(s.energy_today_source).toBe("counters");
    expect(s.power_now_w).toBe(EXPECTED.maison.powerNowW);
    expect(s.savings_month_mad).toBe(EXPECTED.maison.savingsMonthMad);
    expect(s.tank).toEqual({ threshold_c: null, devices: [] });
  });

  it("says null, not 0, where there is no data", async () => {
    const s = await summary(CENTRE);
    expect(s.power_now_w).toBeNull();
    expect(s.energy_today_kwh).toBeNull();
    expect(s.energy_month_kwh).toBeNull();
    expect(s.savings_month_mad).toBe(EXPECTED.centre.savingsMonthMad);
    expect(s.hot_water.availability_month_pct).toBe(EXPECTED.centre.availabilityMonthPct);
    expect(s.hot_water.hygiene_ok_today).toBeNull();
  });
});

describe("GET /api/v1/programme/summary", () => {
  it("adds the institutions up, availability from minutes rather than a mean of percentages", async () => {
    const p = (await bed.get("/api/v1/programme/summary", { cookie: ministry })).json();
    const e = EXPECTED.programme;
    expect(p.totals).toEqual({
      institutions: 3,
      reporting: 3,
      power_now_w: e.powerNowW,
      energy_today_kwh: e.energyTodayKwh,
      energy_month_kwh: 1834.5,
      savings_month_mad: e.savingsMonthMad,
      availability_month_pct: e.availabilityMonthPct,
      open_alerts: 2,
    });
    const byId = Object.fromEntries(
      p.institutions.map((r: { institution: { id: string } }) => [r.institution.id, r]),
    );
    expect(byId[FOYER]).toMatchObject({ power_now_w: 6500, savings_month_mad: 489.25, open_alerts: 1 });
    expect(byId[CENTRE]).toMatchObject({ power_now_w: null, open_alerts: 0 });
    expect(byId[MAISON].institution.name.ar).toBe("دار الأطفال، سخور الرحامنة");
  });
});
