/**
 * Hand-chosen data for the dashboard query tests: two institutions, June 2026 (Africa/Casablanca is UTC+1
 * then, so local midnight is 23:00 UTC the day before), "now" = 10 June 14:00 local. Every expected number
 * in the *.queries.test.ts files is worked out by hand from these points; the comments give the sums.
 */
import type { Point } from "@jisr/core";

export const A = "foyer-ben-guerir";
export const B = "dar-taleb-skhour";
/** What Grafana sends for "All": every value of the variable, sorted as the variable sorts them. */
export const ALL = [B, A];

/** An instant in local (UTC+1) time: `at("2026-06-10T14:00")`. */
export function at(local: string): number {
  const ms = Date.parse(`${local}:00+01:00`);
  if (Number.isNaN(ms)) throw new Error(`bad fixture time ${local}`);
  return ms;
}

export const NOW = at("2026-06-10T14:00");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Grafana's ranges for the fixture's "now"; `to` is inclusive, as in `$timeFilter`. */
export const RANGES = {
  june: { from: at("2026-06-01T00:00"), to: at("2026-07-01T00:00") - 1 },
  may: { from: at("2026-05-01T00:00"), to: at("2026-06-01T00:00") - 1 },
  today: { from: at("2026-06-10T00:00"), to: NOW },
  thisMonth: { from: at("2026-06-01T00:00"), to: NOW },
  last15m: { from: NOW - HOUR / 4, to: NOW },
  lastHour: { from: NOW - HOUR, to: NOW },
  last24h: { from: NOW - DAY, to: NOW },
  last7d: { from: NOW - 7 * DAY, to: NOW },
} as const;

type Fields = Point["fields"];

function point(measurement: string, tags: Record<string, string>, time: number, fields: Fields): Point {
  return { measurement, tags, fields, time };
}

/** One analytics result per institution and local day (time = local midnight). */
function daily(measurement: string, institution: string, day: string, fields: Fields): Point {
  return point(measurement, { institution }, at(`${day}T00:00`), fields);
}

function results(): Point[] {
  const e = (i: string, d: string, pv: number, self: number, co2: number) =>
    daily("energy_daily", i, d, {
      pv_energy_wh: pv,
      self_consumed_wh: self,
      export_wh: pv - self,
      co2_avoided_kg: co2,
    });
  const s = (i: string, d: string, mad: number) => daily("savings_daily", i, d, { savings_mad: mad });
  const hw = (i: string, d: string, fields: Fields) => daily("hot_water_daily", i, d, fields);
  // Demand-window minutes (7 h = 420 a day) at or above / below the service temperature, consistent with
  // each day's availability_pct (available / (available + unavailable)).
  const minutes = (available: number, unavailable: number) => ({
    available_minutes: available,
    unavailable_minutes: unavailable,
  });
  return [
    // May 31 belongs to May: excluded from every June figure.
    e(A, "2026-05-31", 50_000, 45_000, 30),
    s(A, "2026-05-31", 12),
    hw(A, "2026-05-31", {
      availability_pct: 50,
      ...minutes(210, 210),
      savings_mad: 1,
      co2_avoided_kg: 0.5,
      completeness: 1,
    }),
    // June, A: pv 120 kWh, self 97.8 kWh, co2 84 kg, savings 31.5 MAD.
    e(A, "2026-06-01", 40_000, 30_000, 28),
    e(A, "2026-06-02", 42_000, 33_600, 29.4),
    e(A, "2026-06-09", 38_000, 34_200, 26.6),
    s(A, "2026-06-01", 10.5),
    s(A, "2026-06-02", 11.25),
    s(A, "2026-06-09", 9.75),
    // A hot water: availability 100, 80, (unknown on the 3rd: field omitted), 90, i.e. 1118 available
    // minutes of 1240 with data; savings 16 MAD; co2 5.3 kg.
    hw(A, "2026-06-01", {
      availability_pct: 100,
      ...minutes(420, 0),
      savings_mad: 6,
      co2_avoided_kg: 2,
      completeness: 1,
    }),
    hw(A, "2026-06-02", {
      availability_pct: 80,
      ...minutes(320, 80),
      savings_mad: 5.5,
      co2_avoided_kg: 1.8,
      completeness: 0.9,
    }),
    hw(A, "2026-06-03", { ...minutes(0, 0), unknown_minutes: 420, completeness: 0 }),
    hw(A, "2026-06-09", {
      availability_pct: 90,
      ...minutes(378, 42),
      savings_mad: 4.5,
      co2_avoided_kg: 1.5,
      completeness: 1,
    }),
    // June, B: pv 30 kWh, self 29 kWh, co2 21 kg, savings 12.5 MAD; hot water 60 and 70 % (399 available
    // minutes of 630), 5 MAD, 1.7 kg.
    e(B, "2026-06-01", 20_000, 20_000, 14),
    e(B, "2026-06-02", 10_000, 9_000, 7),
    s(B, "2026-06-01", 8),
    s(B, "2026-06-02", 4.5),
    hw(B, "2026-06-01", {
      availability_pct: 60,
      ...minutes(252, 168),
      savings_mad: 3,
      co2_avoided_kg: 1,
      completeness: 1,
    }),
    hw(B, "2026-06-02", {
      availability_pct: 70,
      ...minutes(147, 63),
      savings_mad: 2,
      co2_avoided_kg: 0.7,
      completeness: 0.5,
    }),
  ];
}

function inverters(): Point[] {
  const inv = (
    i: string,
    device: string,
    time: string,
    energy: number,
    power: number,
    state: string,
    events = "",
  ) =>
    point("pv_inverter", { institution: i, device }, at(time), {
      energy_wh: energy,
      power_w: power,
      state,
      events,
    });
  return [
    // Yesterday evening: outside "today", inside the last 24 hours.
    inv(A, "inv-1", "2026-06-09T20:00", 999_000, 0, "SLEEPING"),
    // Today, A: +15 000 Wh (inv-1) + 5 000 Wh (inv-2) = 20 kWh; last powers 3 000 + 1 500 W.
    inv(A, "inv-1", "2026-06-10T06:00", 1_000_000, 0, "STARTING"),
    inv(A, "inv-1", "2026-06-10T10:00", 1_006_000, 2000, "MPPT"),
    inv(A, "inv-1", "2026-06-10T13:50", 1_015_000, 3000, "FAULT", "OVER_TEMP"),
    inv(A, "inv-2", "2026-06-10T06:00", 200_000, 0, "MPPT"),
    inv(A, "inv-2", "2026-06-10T10:00", 202_000, 1000, "MPPT"),
    inv(A, "inv-2", "2026-06-10T13:50", 205_000, 1500, "MPPT"),
    // Today, B: +6 kWh; its last reading (13:30) is older than 15 minutes at 14:00.
    inv(B, "inv-1", "2026-06-10T06:00", 50_000, 0, "MPPT"),
    inv(B, "inv-1", "2026-06-10T13:30", 56_000, 800, "MPPT"),
    point("grid_meter", { institution: A, device: "meter-1" }, at("2026-06-10T10:00"), { power_w: 500 }),
    point("grid_meter", { institution: A, device: "meter-1" }, at("2026-06-10T13:50"), { power_w: -200 }),
  ];
}

function tanks(): Point[] {
  const t = (i: string, device: string, time: string, c: number) =>
    point("hot_water", { institution: i, device }, at(time), { tank_top_temperature_c: c });
  return [
    t(A, "tank-1", "2026-06-10T12:00", 60), // older than the last hour
    t(A, "tank-1", "2026-06-10T13:10", 52),
    t(A, "tank-1", "2026-06-10T13:40", 47),
    t(A, "tank-2", "2026-06-10T13:20", 41),
    t(B, "tank-1", "2026-06-10T13:30", 55),
  ];
}

function gateways(): Point[] {
  const g = (i: string, device: string, time: string, f: [number, number, number, number, number]) =>
    point("gateway_health", { institution: i, device }, at(time), {
      queue_points: f[0],
      oldest_queued_age_s: f[1],
      dropped_points_total: f[2],
      devices_offline: f[3],
      uptime_s: f[4],
      devices_online: 3 - f[3],
    });
  return [
    // Two days earlier, in one hour: over 7 days the rollups give that hour's maxima (queue 50, age 500,
    // dropped 4) and its last report; raw 15-minute buckets would show 09:00 and 09:30 apart.
    g(A, "gw-a", "2026-06-08T09:10", [50, 500, 3, 0, 100]),
    g(A, "gw-a", "2026-06-08T09:40", [20, 200, 4, 0, 1900]),
    // Before the last 24 hours: must not count (it would add a drop step of 5 and a queue of 999).
    g(A, "gw-a", "2026-06-09T10:00", [999, 9999, 0, 0, 1000]),
    // A: hourly max of dropped = 5, 5, 40, then 6 after a restart at 13:09 → increases 0 + 35 = 35.
    g(A, "gw-a", "2026-06-10T10:00", [0, 0, 5, 0, 36_000]),
    g(A, "gw-a", "2026-06-10T11:00", [120, 600, 5, 0, 39_600]),
    g(A, "gw-a", "2026-06-10T12:00", [300, 1800, 40, 1, 43_200]),
    g(A, "gw-a", "2026-06-10T13:10", [280, 1700, 2, 1, 60]),
    g(A, "gw-a", "2026-06-10T13:40", [250, 1500, 6, 1, 1860]),
    g(B, "gw-b", "2026-06-09T16:00", [0, 0, 0, 0, 1000]),
    g(B, "gw-b", "2026-06-10T13:45", [10, 30, 0, 0, 79_300]),
    // A second gateway of B, silent for three days: only a range over more than a day shows it.
    g(B, "gw-b2", "2026-06-07T08:20", [7, 70, 0, 2, 5000]),
  ];
}

function devices(): Point[] {
  const d = (
    i: string,
    device: string,
    time: string,
    online: boolean,
    age: number,
    errors: number,
    error: string,
  ) =>
    point("device_health", { institution: i, device }, at(time), {
      online,
      last_success_age_s: age,
      errors_total: errors,
      last_error: error,
      last_poll_duration_ms: 120,
    });
  return [
    d(A, "inv-1", "2026-06-09T22:00", false, 7200, 3, "timeout"), // recovered since
    d(A, "inv-1", "2026-06-10T13:40", true, 20, 3, ""),
    d(A, "inv-2", "2026-06-10T13:40", false, 3600, 12, "timeout"),
    d(A, "meter-1", "2026-06-10T13:40", true, 1200, 2, "crc"),
    d(B, "inv-1", "2026-06-10T13:45", true, 15, 0, ""),
  ];
}

export function fixturePoints(): Point[] {
  return [...results(), ...inverters(), ...tanks(), ...gateways(), ...devices()];
}
