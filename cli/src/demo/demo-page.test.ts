/**
 * What `npm start` (`jisr demo`) promises people, read over HTTP from the running demo's web page as the
 * page's own script reads it (api.js): the simulated institutions with their savings and hot-water
 * availability, an alert that rises when an inverter trips and resolves once it is repaired, and a
 * facility manager who sees only their institution. Answers are parsed with the API's own schemas.
 */

import type { AlertJson } from "@jisr/alerting";
import {
  errorBodySchema,
  institutionListSchema,
  loginResponseSchema,
  type MeJson,
  programmeSummarySchema,
  summarySchema,
  webAlertListSchema,
} from "@jisr/web";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_INSTITUTIONS } from "./institutions.js";
import { type DemoHandle, startDemo } from "./run-demo.js";

// In the inventory's order: its files by name (core/src/inventory/load.ts), which the page keeps.
const IDS = DEMO_INSTITUTIONS.map((i) => i.id).sort();
const FOYER = "foyer-ben-guerir";
// Availability is a number only once a demand window holds data: the evening window opens at 18:00 local.
const SIM_START = Date.UTC(2026, 5, 21, 17, 0);
// The analytics job runs every 5 s wall here (15 s in `jisr demo`) and the alert rules every 5 s wall:
// room for a few passes each.
const WAIT = { timeout: 90_000, interval: 1_000 };
// Service temperatures of institutions.yaml (the Maison d'enfants takes the default).
const SERVICE_C: Record<string, number> = {
  "foyer-ben-guerir": 45,
  "maison-enfants-skhour": 45,
  "centre-handicap-sidi-bouathmane": 50,
};

describe("jisr demo: the web page", () => {
  let demo: DemoHandle;

  beforeAll(async () => {
    demo = await startDemo({
      speed: 60,
      simStart: SIM_START,
      port: 0,
      pollMs: 300,
      analyticsEveryMs: 5_000,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await demo?.stop();
  });

  const get = (path: string, cookie: string) => fetch(new URL(path, demo.web.url), { headers: { cookie } });
  async function read<T>(schema: { parse(x: unknown): T }, path: string, cookie: string): Promise<T> {
    const res = await get(path, cookie);
    expect(res.status, `GET ${path}`).toBe(200);
    return schema.parse(await res.json());
  }
  async function refused(path: string, cookie: string): Promise<string> {
    const res = await get(path, cookie);
    expect(res.status, `GET ${path}`).toBe(403);
    return errorBodySchema.parse(await res.json()).error.code;
  }
  const alerts = async (query: string, cookie: string): Promise<AlertJson[]> =>
    (await read(webAlertListSchema, `api/v1/alerts?${query}`, cookie)).alerts;

  /** Logs in as the demo user of `role`, with the password the demo prints: who they are, and the cookie. */
  async function login(role: string): Promise<{ cookie: string; me: MeJson }> {
    const user = demo.users.find((u) => u.role === role);
    if (!user) throw new Error(`no demo user with role ${role}`);
    const res = await fetch(new URL("api/v1/login", demo.web.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: user.id, password: user.password }),
    });
    expect(res.status).toBe(200);
    const { user: me } = loginResponseSchema.parse(await res.json());
    expect(me).toMatchObject({ id: user.id, role });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("jisr_session="));
    if (!cookie) throw new Error("login set no session cookie");
    return { cookie: cookie.split(";")[0] as string, me };
  }

  it("shows the ministry every institution, its savings this month and its hot-water availability", async () => {
    const { cookie, me } = await login("ministry");
    expect(me.institutions.map((i) => i.id)).toEqual(IDS);
    expect(me.can.programme).toBe(true);

    await vi.waitFor(async () => {
      const p = await read(programmeSummarySchema, "api/v1/programme/summary", cookie);
      expect(p).toMatchObject({ today: "2026-06-21", month: "2026-06", time_zone: "Africa/Casablanca" });
      expect(p.institutions.map((r) => r.institution.id)).toEqual(IDS);
      for (const row of p.institutions) {
        const id = row.institution.id;
        expect(row.savings_month_mad, `${id} savings`).toBeGreaterThan(0);
        expect(row.energy_month_kwh, `${id} energy`).toBeGreaterThan(0);
        expect(row.availability_month_pct, `${id} availability`).toEqual(expect.any(Number));
        expect(row.availability_month_pct).toBeGreaterThanOrEqual(0);
        expect(row.availability_month_pct).toBeLessThanOrEqual(100);
        expect(row.open_alerts, `${id} open alerts`).toEqual(expect.any(Number));
      }
      expect(p.totals).toMatchObject({ institutions: 3, reporting: 3 });
      const sum = p.institutions.reduce((s, r) => s + (r.savings_month_mad ?? 0), 0);
      expect(p.totals.savings_month_mad).toBeCloseTo(sum, 2);
      expect(p.totals.availability_month_pct).toEqual(expect.any(Number));
    }, WAIT);

    // Each institution's own page: the month's savings split, availability, the tank against its threshold.
    for (const id of IDS) {
      await vi.waitFor(async () => {
        const s = await read(summarySchema, `api/v1/institutions/${id}/summary`, cookie);
        expect(s.institution.id).toBe(id);
        expect(s.savings_month_mad, `${id} savings`).toBeGreaterThan(0);
        const electricity = s.savings_month_electricity_mad;
        const hotWater = s.savings_month_hot_water_mad;
        if (electricity === null || hotWater === null) throw new Error(`${id}: savings not split`);
        expect(s.savings_month_mad).toBeCloseTo(electricity + hotWater, 2);
        expect(s.hot_water.availability_month_pct, `${id} availability`).toEqual(expect.any(Number));
        expect(s.hot_water.availability_today_pct).toEqual(expect.any(Number));
        expect(s.tank.threshold_c).toBe(SERVICE_C[id]);
        expect(s.tank.devices.map((d) => d.device)).toEqual(["swh-1"]);
        expect(s.power_now_w, `${id} produces at 18:00 in June`).toBeGreaterThan(0);
      }, WAIT);
    }
  }, 200_000);

  it("shows the technician one alert when an inverter trips, resolved once it is repaired", async () => {
    const { cookie } = await login("technician");
    const site = DEMO_INSTITUTIONS[1]?.id as string;
    const faultUrl = `${demo.control.url}/devices/${encodeURIComponent(`${site}/inverter-1`)}/faults`;
    const faults = async (query: string) =>
      (await alerts(query, cookie)).filter((a) => a.rule === "inverter_fault");
    expect(await faults("state=open")).toEqual([]);

    const trip = await fetch(faultUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fault: "trip" }),
    });
    expect(trip.status).toBe(200);
    expect(await trip.json()).toMatchObject({
      id: `${site}/inverter-1`,
      faults: { trip: true, online: true },
    });

    // Across every institution the technician looks after: only the tripped inverter's fault.
    let alertId = "";
    await vi.waitFor(async () => {
      const open = await faults("state=open");
      expect(open.map((a) => [a.institution, a.device])).toEqual([[site, "inverter-1"]]);
      alertId = (open[0] as AlertJson).id;
    }, WAIT);
    // Held past the rule's `for` (10 sim minutes), the same alert fires at a later evaluation.
    await vi.waitFor(async () => {
      const open = await faults(`institution=${site}&state=open&lang=fr`);
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({
        id: alertId,
        institution: site,
        device: "inverter-1",
        state: "firing",
      });
      expect(open[0]?.evidence.state?.value).toBe("FAULT");
      // The page names the device as its users do ("L'onduleur 1"), not by its id.
      expect(open[0]?.text?.summary).toMatch(/onduleur 1\b/i);
      // Every simulated device answers and every gateway reports: nothing anywhere is silent (a gateway
      // health interval on the wall clock, or a meter the rules do not read, once made them look so).
      const silent = (await alerts("state=open", cookie)).filter((a) => a.rule.endsWith("_silent"));
      expect(silent.map((a) => `${a.rule}:${a.institution}/${a.device}`)).toEqual([]);
      // The institution's page counts what the alert list shows.
      const listed = await alerts(`institution=${site}&state=open`, cookie);
      const s = await read(summarySchema, `api/v1/institutions/${site}/summary`, cookie);
      expect(s.open_alerts).toBe(listed.length);
    }, WAIT);

    const clear = await fetch(faultUrl, { method: "DELETE" });
    expect(clear.status).toBe(200);
    expect(await clear.json()).toMatchObject({ id: `${site}/inverter-1`, faults: { trip: false } });
    await vi.waitFor(async () => {
      expect(await faults("state=open")).toEqual([]);
      const same = (await faults(`institution=${site}`)).filter((a) => a.id === alertId);
      expect(same).toHaveLength(1);
      expect(same[0]?.state).toBe("resolved");
      expect(same[0]?.resolved_at).toEqual(expect.any(String));
    }, WAIT);
  }, 300_000);

  it("shows the facility manager their institution only", async () => {
    const { cookie, me } = await login("manager");
    expect(me.institutions.map((i) => i.id)).toEqual([FOYER]);
    expect(me.can.programme).toBe(false);
    const list = await read(institutionListSchema, "api/v1/institutions", cookie);
    expect(list.institutions.map((i) => i.id)).toEqual([FOYER]);
    const own = await read(summarySchema, `api/v1/institutions/${FOYER}/summary`, cookie);
    expect(own.institution.id).toBe(FOYER);
    for (const other of IDS.filter((id) => id !== FOYER)) {
      expect(await refused(`api/v1/institutions/${other}/summary`, cookie)).toBe(
        "JISR_ERR_FORBIDDEN_INSTITUTION",
      );
      expect(await refused(`api/v1/alerts?institution=${other}`, cookie)).toBe(
        "JISR_ERR_FORBIDDEN_INSTITUTION",
      );
    }
    expect(await refused("api/v1/programme/summary", cookie)).toBe("JISR_ERR_FORBIDDEN_ROLE");

    // Another institution has an alert (its inverter trips here, so this test stands alone): the
    // technician sees it, the manager's list holds none of it.
    const other = IDS.find((id) => id !== FOYER) as string;
    const faultUrl = `${demo.control.url}/devices/${encodeURIComponent(`${other}/inverter-1`)}/faults`;
    const json = { "content-type": "application/json" };
    expect((await fetch(faultUrl, { method: "POST", headers: json, body: '{"fault":"trip"}' })).status).toBe(
      200,
    );
    try {
      const technician = await login("technician");
      await vi.waitFor(async () => {
        const seen = await alerts(`institution=${other}&state=open`, technician.cookie);
        expect(seen.map((a) => a.rule)).toContain("inverter_fault");
      }, WAIT);
      expect((await alerts("", cookie)).filter((a) => a.institution !== FOYER)).toEqual([]);
    } finally {
      await fetch(faultUrl, { method: "DELETE" });
    }
  }, 120_000);
});
