/**
 * A healthy institution over several days, for the "no false alarm" tests: a gateway, a 10 kWp inverter
 * with two MPPT inputs (some cloudy days), and a solar water heater run by a ΔT controller (pump on at
 * 6 K, off at 4 K), drawn from in the demand windows and topped up by a backup heater. Test-only; a
 * deliberately small model, not the simulators' (which the end-to-end tests use).
 */
import { localParts } from "@jisr/core";
import { ambientTemperatureC, haurwitzGhi, sunPosition } from "@jisr/core/solar";
import type { Reading } from "../types.js";

/** A small integer hash in [0, 1), for deterministic noise. */
function hashUnit(a: number, b: number): number {
  let h = Math.imul((a / 1000) | 0, 0x85ebca6b) ^ Math.imul(b | 0, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return (h >>> 0) / 4_294_967_296;
}

import { cloudySky, DAY, DAY0, MIN, pvPowerW, reading, TZ } from "./fixtures.js";

const STEP = 5 * MIN;

export interface HealthyOptions {
  days: number;
  /** Day indexes with clouds all day. */
  cloudyDays?: number[];
  /** Change a reading before it is kept (fault injection); return undefined to drop it. */
  tamper?: (r: Reading) => Reading | undefined;
}

export function healthySite(o: HealthyOptions): Reading[] {
  const out: Reading[] = [];
  const keep = (r: Reading) => {
    const t = o.tamper ? o.tamper(r) : r;
    if (t) out.push(t);
  };
  const heater = { top: 55, bottom: 40, collector: 20, pump: false, heatWh: 1_000_000, backup: false };
  for (let t = DAY0; t < DAY0 + o.days * DAY; t += STEP) {
    const day = Math.floor((t - DAY0) / DAY);
    const sky = o.cloudyDays?.includes(day) ? cloudySky(t) : 1;
    keep(
      reading("gateway_health", "gw-1", t, {
        queue_points: 0,
        oldest_queued_age_s: 0,
        dropped_points_total: 0,
      }),
    );
    const p = pvPowerW(t, 1, sky);
    keep(
      reading("pv_inverter", "inv-1", t, {
        power_w: p,
        state: p > 0 ? "MPPT" : "SLEEPING",
        events: "",
        event_bits: 0,
      }),
    );
    if (p > 0) {
      for (const mppt of ["1", "2"])
        keep(reading("pv_mppt", "inv-1", t, { dc_power_w: p / 2 / 0.96 }, { mppt }));
    }
    stepHeater(heater, t, sky);
    keep(
      reading("hot_water", "swh-1", t, {
        collector_temperature_c: round1(heater.collector, t),
        tank_top_temperature_c: round1(heater.top, t + 1),
        tank_bottom_temperature_c: round1(heater.bottom, t + 2),
        outlet_temperature_c: round1(heater.top - 0.5, t + 3),
        pump_on: heater.pump,
        heat_energy_wh: Math.round(heater.heatWh),
        backup_heater_on: heater.backup,
      }),
    );
  }
  return out;
}

/** A sensor's reading: 0.1 °C resolution with ±0.1 °C of noise, as real NTC/PT1000 inputs show. */
const round1 = (x: number, t = 0) =>
  Math.round(x * 10 + (Math.floor(hashUnit(t, Math.round(x * 1000)) * 3) - 1)) / 10;

interface Heater {
  top: number;
  bottom: number;
  collector: number;
  pump: boolean;
  heatWh: number;
  backup: boolean;
}

/** One 5-minute step of a 300 L tank with 4 m² of collector (rough figures, for shape only). */
function stepHeater(h: Heater, t: number, sky: number): void {
  const sun = (haurwitzGhi(sunPosition(t, 32.23, -7.95).zenithDeg) * sky) / 1000;
  const ambient = ambientTemperatureC(t, -7.95);
  const { hour } = localParts(t, TZ);
  const demand = (hour >= 6 && hour < 9) || (hour >= 18 && hour < 22);
  // Controller: ΔT_on 6 K, ΔT_off 4 K (RESOL factory settings, DOMAIN.md §5.2).
  const delta = h.collector - h.bottom;
  if (!h.pump && delta >= 6) h.pump = true;
  else if (h.pump && delta <= 4) h.pump = false;
  if (h.pump) {
    // Flow carries the collector's heat to the tank; the collector settles a few K above it.
    const gainWh = 2500 * sun * (STEP / 3_600_000);
    h.heatWh += gainWh;
    h.bottom += gainWh / (300 * 1.163);
    h.top = Math.max(h.top, h.bottom);
    h.collector = h.bottom + 5 * sun;
  } else {
    // Stagnant: the collector drifts toward its equilibrium with the sun and the air.
    h.collector += (ambient + 70 * sun - h.collector) * 0.3;
  }
  // Standing loss ~0.25 K/h; draw-offs in the demand windows cool the bottom (cold water comes in).
  h.top -= 0.25 / 12;
  h.bottom -= 0.25 / 12 + (demand ? 0.6 : 0);
  h.bottom = Math.max(h.bottom, 15);
  // Backup element near the top keeps it at 50 °C during the demand windows.
  h.backup = demand && h.top < 50;
  if (h.backup) h.top += 1.5;
  h.top = Math.max(h.top, h.bottom);
}
