/**
 * For the web tests: three institutions with hand-known results in a real SQLite store, the alerting
 * service's API listening on loopback over its state file with one open alert per PV institution (the
 * page reads and acknowledges through that API, as in production), and a users file with one user of
 * each role. The expected
 * figures are written next to the data that makes them (EXPECTED), so a test reads like a worked example.
 *
 * "Now" is 2026-11-20 10:00 UTC = 11:00 in Ben Guerir (UTC+1 in November): today is 2026-11-20 and its
 * local midnight is 2026-11-19T23:00Z; the month starts at 2026-10-31T23:00Z.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AlertingClient, AlertStore, alertingClient, buildApp, recordEvaluation } from "@jisr/alerting";
import { condition, fixedTiming } from "@jisr/alerting/testing";
import { type InstitutionsConfig, loadInstitutions } from "@jisr/analytics";
import type { Point } from "@jisr/core";
import { SqliteStore } from "@jisr/core/store";
import { generateToken, hashToken } from "@jisr/service-kit";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { addUser } from "../users/file.js";
import type { ScryptParams } from "../users/password.js";

export const NOW = Date.UTC(2026, 10, 20, 10, 0);
const TODAY = Date.UTC(2026, 10, 19, 23);
const MONTH = Date.UTC(2026, 9, 31, 23);
const DAY_MS = 86_400_000;
const at = (h: number, m = 0) => Date.UTC(2026, 10, 20, h, m);

export const FOYER = "foyer-ben-guerir";
export const MAISON = "maison-enfants-skhour";
export const CENTRE = "centre-sidi-bouathmane";

/** Cheap hashes for fixtures only: the format and code are the real ones, the cost is not. */
export const TEST_PARAMS: ScryptParams = { ln: 10, r: 8, p: 1 };

export const USERS = {
  ministry: { id: "salma", password: "ministry-pass-1", name: "Salma Idrissi Alaoui Benkirane" },
  manager: { id: "karim", password: "manager-pass-1", name: "Karim Benali El Ouazzani" },
  technician: { id: "youssef", password: "technician-pass-1", name: "Youssef Amrani" },
} as const;

/** What the page and the API must show for the fixture, worked out by hand. */
export const EXPECTED = {
  foyer: {
    powerNowW: 6500, // inverter-1 4000 W at 09:55Z + inverter-2 2500 W at 09:58Z
    energyTodayKwh: 45.6, // energy_daily today, from the job
    energyMonthKwh: 1234.5,
    savingsMonthMad: 489.25, // electricity 389.50 + hot water 99.75
    electricityMad: 389.5,
    hotWaterMad: 99.75,
    availabilityMonthPct: 92.5,
    availabilityTodayPct: 88,
    tanks: [
      { device: "swh-1", c: 52.3, below: false },
      { device: "swh-2", c: 41, below: true },
    ],
  },
  maison: { powerNowW: 3000, energyTodayKwh: 12.345, savingsMonthMad: 150.75 }, // energy from the counters
  centre: { powerNowW: null, savingsMonthMad: 40, availabilityMonthPct: 75 }, // no PV reading within 15 min
  programme: {
    powerNowW: 9500,
    energyTodayKwh: 57.945,
    savingsMonthMad: 680,
    // (7400 + 3000) available minutes / (7400 + 600 + 3000 + 1000) minutes with data
    availabilityMonthPct: 86.7,
  },
} as const;

const INSTITUTIONS_YAML = (tariff: string) => `
time_zone: Africa/Casablanca
institutions:
  ${FOYER}:
    name: { fr: "Foyer pour personnes âgées, Ben Guerir", ar: "دار المسنين، ابن جرير", en: "Elderly home, Ben Guerir" }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: ${tariff}
    pv: { inverters: [inverter-1, inverter-2], max_power_w: 20000 }
    grid_meter: { device: grid-meter-1, max_power_w: 40000 }
    hot_water: { devices: [swh-1, swh-2] }
  ${MAISON}:
    name: { fr: "Maison d'enfants, Skhour Rehamna", ar: "دار الأطفال، سخور الرحامنة" }
    location: { commune: Skhour Rehamna, latitude: 32.48, longitude: -7.92 }
    tariff: ${tariff}
    pv: { inverters: [inverter-1], max_power_w: 14000 }
    grid_meter: { device: grid-meter-1, max_power_w: 30000 }
  ${CENTRE}:
    name: { fr: "Centre pour personnes handicapées, Sidi Bou Othmane", ar: "مركز الأشخاص في وضعية إعاقة، سيدي بوعثمان" }
    location: { commune: Sidi Bou Othmane, latitude: 31.9, longitude: -7.94 }
    tariff: ${tariff}
    pv: { inverters: [inverter-1], max_power_w: 8000 }
    hot_water: { devices: [swh-1], settings: { backup: { kind: butane, burnerPowerKw: 20 } } }
`;

const result = (
  measurement: string,
  institution: string,
  time: number,
  fields: Record<string, number | boolean>,
) => ({ measurement, tags: { institution }, fields, time }) satisfies Point;
const raw = (
  measurement: string,
  institution: string,
  device: string,
  time: number,
  fields: Record<string, number>,
) => ({ measurement, tags: { institution, device }, fields, time }) satisfies Point;

function days(count: number): number[] {
  return Array.from({ length: count }, (_, i) => MONTH + i * DAY_MS);
}

export function fixturePoints(): Point[] {
  const points: Point[] = [
    result("energy_monthly", FOYER, MONTH, { pv_energy_wh: 1_234_500, completeness: 0.9 }),
    result("energy_daily", FOYER, TODAY, { pv_energy_wh: 45_600, completeness: 0.4 }),
    result("savings_monthly", FOYER, MONTH, { savings_mad: 389.5 }),
    result("hot_water_monthly", FOYER, MONTH, {
      savings_mad: 99.75,
      availability_pct: 92.5,
      available_minutes: 7400,
      unavailable_minutes: 600,
      unknown_minutes: 0,
    }),
    result("hot_water_daily", FOYER, TODAY, { availability_pct: 88, savings_mad: 5.25, hygiene_ok: true }),
    result("energy_monthly", MAISON, MONTH, { pv_energy_wh: 600_000, completeness: 1 }),
    result("savings_monthly", MAISON, MONTH, { savings_mad: 150.75 }),
    result("savings_daily", MAISON, MONTH, { savings_mad: 100 }),
    result("savings_daily", MAISON, MONTH + DAY_MS, { savings_mad: 50.75 }),
    result("hot_water_monthly", CENTRE, MONTH, {
      savings_mad: 40,
      availability_pct: 75,
      available_minutes: 3000,
      unavailable_minutes: 1000,
      unknown_minutes: 200,
    }),
    // Foyer: two inverters; the latest readings within 15 minutes add up to 6500 W.
    raw("pv_inverter", FOYER, "inverter-1", at(9, 55), { power_w: 4000 }),
    raw("pv_inverter", FOYER, "inverter-2", at(9, 58), { power_w: 2500 }),
    raw("pv_inverter", MAISON, "inverter-1", at(9, 50), { power_w: 3000 }),
    // Maison has no energy_daily today: the page falls back to the counter, 1 012 345 − 1 000 000 Wh.
    raw("pv_inverter", MAISON, "inverter-1", at(6, 0), { energy_wh: 1_000_000 }),
    raw("pv_inverter", MAISON, "inverter-1", at(9, 45), { energy_wh: 1_012_345 }),
    // Centre's last PV reading is two hours old: no power "now".
    raw("pv_inverter", CENTRE, "inverter-1", at(8, 0), { power_w: 1500 }),
    raw("hot_water", FOYER, "swh-1", at(9, 50), { outlet_temperature_c: 52.3 }),
    raw("hot_water", FOYER, "swh-2", at(9, 40), { outlet_temperature_c: 41 }),
  ];
  // 19 days × 20.50 = 389.50 (electricity); 18 days + today × 5.25 = 99.75 (hot water).
  for (const [i, day] of days(19).entries()) {
    points.push(result("savings_daily", FOYER, day, { savings_mad: 20.5 }));
    if (i < 18) points.push(result("hot_water_daily", FOYER, day, { savings_mad: 5.25 }));
  }
  // The morning's power, for the chart: inverter-1 rising 1000 → 3700 W from 07:00Z in 15-minute steps.
  for (let k = 0; k < 12; k++) {
    points.push(
      raw("pv_inverter", FOYER, "inverter-1", at(7, 0) + k * 15 * 60_000, { power_w: 1000 + 250 * k }),
    );
    points.push(
      raw("hot_water", FOYER, "swh-1", at(7, 0) + k * 15 * 60_000, { outlet_temperature_c: 40 + k }),
    );
  }
  return points;
}

export interface WebFixture {
  dir: string;
  store: SqliteStore;
  /** The alerting service's state file, for the tests to look into (the page never opens it). */
  alerts: AlertStore;
  /** The alerting API on loopback, and the page's client of it (an on_behalf token for every institution). */
  alertingApp: FastifyInstance;
  alerting: AlertingClient;
  institutions: InstitutionsConfig;
  usersFile: string;
  /** Ids of the open alerts, by institution. */
  alertIds: Map<string, string>;
  close(): Promise<void>;
}

/** The alerting API over the state file, on a free loopback port, with the page's token. */
async function alertingApi(alerts: AlertStore, clock: () => number) {
  const token = generateToken();
  const app = await buildApp({
    alerts,
    tokens: [
      { id: "tok_0000000e", user: "web", sha256: hashToken(token), institutions: ["*"], on_behalf: true },
    ],
    clock,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, client: alertingClient({ url, token }) };
}

/** `clock`: the alerting service's, so acknowledgements carry the page's time (default NOW). */
export async function webFixture(opts: { clock?: () => number } = {}): Promise<WebFixture> {
  const dir = mkdtempSync(join(tmpdir(), "jisr-web-"));
  const tariff = fileURLToPath(new URL("../../../analytics/tariffs/srm-bt-domestic.yaml", import.meta.url));
  writeFileSync(join(dir, "institutions.yaml"), INSTITUTIONS_YAML(tariff));
  const institutions = loadInstitutions(join(dir, "institutions.yaml"));
  const store = new SqliteStore({ path: join(dir, "store.sqlite"), logger: pino({ level: "silent" }) });
  await store.init();
  await store.write(fixturePoints());
  const alerts = new AlertStore(join(dir, "alerts.sqlite"));
  let n = 0;
  recordEvaluation(
    alerts,
    {
      now: NOW - 3_600_000,
      conditions: [FOYER, MAISON].map((institution) =>
        condition({
          institution,
          device: "inverter-1",
          summary: { key: "inverter_fault.fault_state", params: { institution, state: "FAULT" } },
        }),
      ),
    },
    { timing: fixedTiming({ forMs: 0 }), recipients: [], newId: (p) => `${p}_${++n}` },
  );
  const alertIds = new Map(alerts.listAlerts({ state: "open" }).map((a) => [a.institution, a.id]));
  const alerting = await alertingApi(alerts, opts.clock ?? (() => NOW));
  const usersFile = join(dir, "users.yaml");
  const add = (u: { id: string; password: string; name: string }, rest: object) =>
    addUser(usersFile, { ...u, ...rest } as Parameters<typeof addUser>[1], { params: TEST_PARAMS });
  await add(USERS.ministry, { role: "ministry", language: "fr" });
  await add(USERS.manager, { role: "manager", institutions: [FOYER], language: "ar" });
  await add(USERS.technician, { role: "technician", institutions: [FOYER, CENTRE], language: "en" });
  return {
    dir,
    store,
    alerts,
    alertingApp: alerting.app,
    alerting: alerting.client,
    institutions,
    usersFile,
    alertIds,
    async close() {
      await alerting.app.close();
      await store.close();
      alerts.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
