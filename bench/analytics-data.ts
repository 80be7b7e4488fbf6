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
  return parseInstitutions(benchInstitutionsYaml(count), { baseDir: "/" });
}

/** The institutions file of `count` bench institutions (what `jisr analytics run --institutions` reads). */
export function benchInstitutionsYaml(count: number): string {
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
  return `institutions:\n${entries.join("\n")}\n`;
}

/** Power at local hour (fractional) h: PV bell from 07:00 to 19:00, load higher from 07:00 to 22:00. */
function powers(i: number, h: number) {
  const pv = h > 7 && h < 19 ? kwp(i) * 800 * Math.sin((Math.PI * (h - 7)) / 12) : 0;
  const load = 1500 + (h >= 7 && h < 22 ? 800 : 0) + (i % 3) * 300;
  const heat = h >= 10 && h < 15 ? 300 : 0;
  return { pv, load, heat };
}

/** One minute of one institution's readings: the values every store is given, whichever way. */
export interface Minute {
  time: number;
  pvPowerW: number;
  pvEnergyWh: number;
  gridPowerW: number;
  importWh: number;
  exportWh: number;
  outletC: number;
  tankTopC: number;
  heatWh: number;
}

/**
 * The raw series of one institution, field by field: the points, the line protocol and the bench's bulk
 * SQLite load are all made from this one table, so the stores hold the same readings.
 */
export const RAW_SERIES: ReadonlyArray<{
  measurement: string;
  device: string;
  fields: ReadonlyArray<readonly [name: string, value: (m: Minute) => number]>;
}> = [
  {
    measurement: "pv_inverter",
    device: "inverter-1",
    fields: [
      ["power_w", (m) => m.pvPowerW],
      ["energy_wh", (m) => m.pvEnergyWh],
    ],
  },
  {
    measurement: "grid_meter",
    device: "grid-meter-1",
    fields: [
      ["power_w", (m) => m.gridPowerW],
      ["energy_import_wh", (m) => m.importWh],
      ["energy_export_wh", (m) => m.exportWh],
    ],
  },
  {
    measurement: "hot_water",
    device: "swh-1",
    fields: [
      ["outlet_temperature_c", (m) => m.outletC],
      ["tank_top_temperature_c", (m) => m.tankTopC],
      ["heat_energy_wh", (m) => m.heatWh],
    ],
  },
];

/**
 * The minutes [from, to) of institution `i`: PV on a bell curve, lifetime counters that add each minute's
 * energy, tank temperatures over the day. The object yielded is reused: copy what is kept.
 */
export function* rawMinutes(i: number, from: number, to: number): Generator<Minute> {
  const m: Minute = {
    time: 0,
    pvPowerW: 0,
    pvEnergyWh: 1e6,
    gridPowerW: 0,
    importWh: 5e6,
    exportWh: 1e4,
    outletC: 0,
    tankTopC: 0,
    heatWh: 2e4,
  };
  // The local hour is looked up once an hour (zone offsets are whole hours here): Intl per minute was
  // most of the time it took to make a month of 400 institutions.
  let hourAt = Number.NaN;
  let localHour = 0;
  for (let t = from; t < to; t += MINUTE_MS) {
    if (Math.floor(t / HOUR_MS) !== hourAt) {
      hourAt = Math.floor(t / HOUR_MS);
      localHour = localParts(t, MOROCCO_TZ).hour;
    }
    const minute = Math.floor((t % HOUR_MS) / MINUTE_MS);
    const { pv, load, heat } = powers(i, localHour + minute / 60);
    const imp = Math.max(0, load - pv);
    const exp = Math.max(0, pv - load);
    m.time = t;
    m.pvPowerW = pv;
    m.pvEnergyWh += pv / 60;
    m.gridPowerW = imp - exp;
    m.importWh += imp / 60;
    m.exportWh += exp / 60;
    m.outletC = 42 + 12 * Math.max(0, Math.sin((Math.PI * (localHour - 9)) / 14));
    m.tankTopC = m.outletC + 1;
    m.heatWh += heat / 60;
    yield m;
  }
}

/** The points of one minute (one per raw series). */
export function minutePoints(i: number, m: Minute): Point[] {
  const institution = institutionId(i);
  return RAW_SERIES.map((s) => ({
    measurement: s.measurement,
    tags: { institution, device: s.device },
    fields: Object.fromEntries(s.fields.map(([name, value]) => [name, value(m)])),
    time: m.time,
  }));
}

/**
 * The line protocol of one minute, precision `s` (the readings fall on whole minutes), written straight
 * from the numbers: building points and encoding them was most of the time a month of 400 institutions
 * took to load. Field values as `encodeField` writes them (a number as JavaScript prints it, a float).
 */
export function minuteLines(i: number): (m: Minute) => string {
  const institution = institutionId(i);
  const series = RAW_SERIES.map((s) => ({
    prefix: `${s.measurement},device=${s.device},institution=${institution} `,
    fields: s.fields.map(([name, value]) => [`${name}=`, value] as const),
  }));
  return (m) => {
    const seconds = ` ${m.time / 1000}`;
    let out = "";
    for (const s of series) {
      let line = s.prefix;
      for (let k = 0; k < s.fields.length; k++) {
        const [key, value] = s.fields[k] as (typeof s.fields)[number];
        line += (k === 0 ? key : `,${key}`) + String(value(m));
      }
      out += (out === "" ? "" : "\n") + line + seconds;
    }
    return out;
  };
}

/** Raw points of institution `i` for the minutes [from, to), in chunks of `chunkMinutes`. */
export function* rawChunks(i: number, from: number, to: number, chunkMinutes = 1440): Generator<Point[]> {
  let chunk: Point[] = [];
  for (const m of rawMinutes(i, from, to)) {
    chunk.push(...minutePoints(i, m));
    if (chunk.length >= chunkMinutes * RAW_SERIES.length) {
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
