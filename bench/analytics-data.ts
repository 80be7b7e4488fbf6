/**
 * Synthetic data for bench/analytics-month.ts: one-minute raw readings of N institutions (a PV inverter
 * with a daily bell curve, a grid meter, a solar water heater), a year of daily results and a year of
 * hourly rollups (`rp_1h`), with the institutions file that describes them.
 */
import { fileURLToPath } from "node:url";
import type { Point } from "@jisr/core";
import { HOUR_MS, localParts, MINUTE_MS, MOROCCO_TZ } from "@jisr/core";
import { type InstitutionsConfig, parseInstitutions } from "../services/analytics/src/config/load.js";

export const TARIFF = fileURLToPath(
  new URL("../services/analytics/tariffs/srm-bt-domestic.yaml", import.meta.url),
);

export const institutionId = (i: number) => `bench-${String(i + 1).padStart(2, "0")}`;
const kwp = (i: number) => 5 + (i % 4) * 5;

export function benchInstitutions(count: number): InstitutionsConfig {
  const entries = Array.from({ length: count }, (_, i) => {
    const id = institutionId(i);
    return `  ${id}:
    name: { fr: Établissement ${i + 1}, ar: مؤسسة ${i + 1} }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: ${TARIFF}
    pv: { inverters: [inverter-1], max_power_w: ${kwp(i) * 1300} }
    grid_meter: { device: grid-meter-1, max_power_w: 40000 }
    hot_water: { devices: [swh-1], settings: { backup: { kind: electric } } }`;
  });
  return parseInstitutions(`institutions:\n${entries.join("\n")}\n`, { baseDir: "/" });
}

/** Power at local hour (fractional) h: PV bell from 07:00 to 19:00, load higher from 07:00 to 22:00. */
function powers(i: number, h: number) {
  const pv = h > 7 && h < 19 ? kwp(i) * 800 * Math.sin((Math.PI * (h - 7)) / 12) : 0;
  const load = 1500 + (h >= 7 && h < 22 ? 800 : 0) + (i % 3) * 300;
  const heat = h >= 10 && h < 15 ? 300 : 0;
  return { pv, load, heat };
}

interface Counters {
  pv: number;
  imp: number;
  exp: number;
  heat: number;
}

/** Raw points of institution `i` for the minutes [from, to), in chunks of `chunkMinutes`. */
export function* rawChunks(i: number, from: number, to: number, chunkMinutes = 1440): Generator<Point[]> {
  const c: Counters = { pv: 1e6, imp: 5e6, exp: 1e4, heat: 2e4 };
  const institution = institutionId(i);
  let chunk: Point[] = [];
  // The local hour is looked up once an hour (zone offsets are whole hours here): Intl per minute was
  // most of the time it took to make a month of 400 institutions.
  let hourAt = Number.NaN;
  let localHour = 0;
  for (let t = from; t < to; t += MINUTE_MS) {
    if (Math.floor(t / HOUR_MS) !== hourAt) {
      hourAt = Math.floor(t / HOUR_MS);
      localHour = localParts(t, MOROCCO_TZ).hour;
    }
    const p = { hour: localHour, minute: Math.floor((t % HOUR_MS) / MINUTE_MS) };
    const { pv, load, heat } = powers(i, p.hour + p.minute / 60);
    const imp = Math.max(0, load - pv);
    const exp = Math.max(0, pv - load);
    c.pv += pv / 60;
    c.imp += imp / 60;
    c.exp += exp / 60;
    c.heat += heat / 60;
    const outlet = 42 + 12 * Math.max(0, Math.sin((Math.PI * (p.hour - 9)) / 14));
    chunk.push(
      {
        measurement: "pv_inverter",
        tags: { institution, device: "inverter-1" },
        fields: { power_w: pv, energy_wh: c.pv },
        time: t,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid-meter-1" },
        fields: { power_w: imp - exp, energy_import_wh: c.imp, energy_export_wh: c.exp },
        time: t,
      },
      {
        measurement: "hot_water",
        tags: { institution, device: "swh-1" },
        fields: { outlet_temperature_c: outlet, tank_top_temperature_c: outlet + 1, heat_energy_wh: c.heat },
        time: t,
      },
    );
    if (chunk.length >= chunkMinutes * 3) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** A year of daily result points (local midnights `days`), shaped like the job's. */
export function yearOfResults(count: number, days: readonly number[]): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < count; i++) {
    const tags = { institution: institutionId(i) };
    for (const time of days) {
      const pv = kwp(i) * 4600;
      points.push(
        {
          measurement: "energy_daily",
          tags,
          fields: {
            pv_energy_wh: pv,
            import_wh: 30_000,
            export_wh: 0.1 * pv,
            self_consumed_wh: 0.9 * pv,
            consumption_wh: 30_000 + 0.9 * pv,
            self_consumption_pct: 90,
            co2_avoided_kg: pv * 0.0007,
            completeness: 1,
          },
          time,
        },
        {
          measurement: "savings_daily",
          tags,
          fields: {
            bill_with_solar_mad: 900,
            bill_without_solar_mad: 1100,
            savings_mad: 12.5,
            savings_mtd_mad: 200,
            export_income_mad: 0,
            export_share_pct: 10,
            completeness: 1,
          },
          time,
        },
        {
          measurement: "hot_water_daily",
          tags,
          fields: {
            availability_pct: 96,
            unavailable_minutes: 17,
            unknown_minutes: 0,
            hygiene_ok: false,
            solar_heat_wh: 1500,
            savings_mad: 1.7,
            co2_avoided_kg: 1.05,
            completeness: 1,
          },
          time,
        },
      );
    }
  }
  return points;
}

/** A year of hourly rollups (`rp_1h`, same field names as the continuous queries write) for one institution. */
export function yearOfRollups(i: number, from: number, hours: number): Point[] {
  const institution = institutionId(i);
  const points: Point[] = [];
  let energy = 1e6;
  for (let k = 0; k < hours; k++) {
    const time = from + k * HOUR_MS;
    const { pv, load } = powers(i, localParts(time, MOROCCO_TZ).hour + 0.5);
    energy += pv;
    points.push(
      {
        measurement: "pv_inverter",
        tags: { institution, device: "inverter-1" },
        fields: { power_w: pv, power_w_max: pv * 1.1, energy_wh: energy },
        time,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid-meter-1" },
        fields: { power_w: load - pv, power_w_max: load },
        time,
      },
      {
        measurement: "hot_water",
        tags: { institution, device: "swh-1" },
        fields: { tank_top_temperature_c: 50, outlet_temperature_c: 49 },
        time,
      },
    );
  }
  return points;
}
