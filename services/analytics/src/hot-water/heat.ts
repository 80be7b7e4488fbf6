/**
 * Solar heat delivered and backup energy over one period. Solar heat comes from a lifetime counter (the
 * heat meter's, else the solar controller's), or from flow × ΔT × 1.163 Wh/(L·K) where only flow and
 * temperatures exist (DOMAIN.md §2.3: c_p = 4.186 kJ/(kg·K), 1 L ≈ 1 kg). Backup heat is what the backup
 * put into the water: electric metered (or rated power × heater-on time) × efficiency; butane burner
 * rating × burner-on time, its gas energy = heat / efficiency.
 */
import type { BackupSettings, ButaneBackup, ElectricBackup } from "./backup-schema.js";
import { type CounterLimits, counterIncrease, counterOptions } from "./counter.js";
import type { DayGrid } from "./local-day.js";
import { knownCount, type MinuteValues, toMinutes } from "./minute-grid.js";
import type { HotWaterReadings } from "./types.js";

/** Wh per litre per kelvin: 4.186 kJ/(kg·K) / 3.6 kJ/Wh, water at 1 kg/L. */
export const WH_PER_LITRE_KELVIN = 1.163;

export type SolarHeatSource = "heat_meter" | "controller" | "flow";

export interface EnergyEstimate {
  wh: number;
  /** Share of the period over which the figure is known, 0..1 (the rest is missing data). */
  coverage: number;
}

export interface SolarHeat extends EnergyEstimate {
  source: SolarHeatSource;
}

/**
 * ∫ flow × max(0, supply − return) × 1.163 dt over the minute grid (L/h × K × Wh/(L·K) = W; /60 per
 * minute). Negative ΔT counts zero, as a heat meter would (EN 1434 meters count one direction). A minute
 * with zero flow is known (no heat) even without temperatures.
 */
export function heatFromFlow(
  flow: MinuteValues,
  supply: MinuteValues,
  ret: MinuteValues,
): EnergyEstimate | undefined {
  let wh = 0;
  let known = 0;
  for (let i = 0; i < flow.length; i++) {
    const f = flow[i] as number;
    if (f === 0) {
      known++;
      continue;
    }
    const dt = (supply[i] as number) - (ret[i] as number);
    if (Number.isNaN(f) || Number.isNaN(dt)) continue;
    wh += (f * Math.max(0, dt) * WH_PER_LITRE_KELVIN) / 60;
    known++;
  }
  return known > 0 ? { wh, coverage: known / flow.length } : undefined;
}

/** How a system's counters are read: their limits and the longest gap whose energy is still counted. */
export interface CounterSetup {
  limits: CounterLimits;
  maxGapMs: number;
}

function fromCounter(
  series: HotWaterReadings["hotWater"]["heat_energy_wh"],
  period: DayGrid,
  counter: CounterSetup,
): EnergyEstimate | undefined {
  const options = counterOptions(counter.limits, counter.maxGapMs);
  const increase = counterIncrease(series, period.start, period.end, options);
  if (!increase) return undefined;
  return { wh: increase.wh, coverage: increase.coveredMs / (period.end - period.start) };
}

/** The solar heat of one system over the period, from the configured (or first available) source. */
export function solarHeat(
  readings: HotWaterReadings,
  period: DayGrid,
  source: "auto" | SolarHeatSource,
  holdMs: number,
  counter: CounterSetup,
): SolarHeat | undefined {
  const tries: [SolarHeatSource, () => EnergyEstimate | undefined][] = [
    ["heat_meter", () => fromCounter(readings.heatMeter?.energy_wh, period, counter)],
    ["controller", () => fromCounter(readings.hotWater.heat_energy_wh, period, counter)],
    [
      "flow",
      () => {
        const grid = (s: typeof readings.hotWater.heat_energy_wh) =>
          toMinutes(s, period.start, period.minutes, holdMs);
        const m = readings.heatMeter;
        return heatFromFlow(
          grid(m?.flow_l_per_h),
          grid(m?.supply_temperature_c),
          grid(m?.return_temperature_c),
        );
      },
    ],
  ];
  for (const [name, compute] of tries) {
    if (source !== "auto" && source !== name) continue;
    const estimate = compute();
    if (estimate) return { ...estimate, source: name };
  }
  return undefined;
}

export interface BackupEnergy extends EnergyEstimate {
  /** "metered", "rated" (electric) or "burner" (butane). */
  method: "metered" | "rated" | "burner";
  /** Energy bought: electricity, or butane's gas energy (Wh). `wh` is the heat it put into the water. */
  inputWh: number;
  /** Heater or burner on, minutes (on-time methods only). */
  onMinutes?: number;
  /** Butane burnt, kg. */
  butaneKg?: number;
}

/** Minutes on, and the share of the period with an on/off reading; undefined without any. */
function onTime(readings: HotWaterReadings, period: DayGrid, holdMs: number) {
  const on = toMinutes(readings.hotWater.backup_heater_on, period.start, period.minutes, holdMs);
  const known = knownCount(on);
  if (known === 0) return undefined;
  let minutes = 0;
  for (const v of on) if (v > 0) minutes++;
  return { minutes, coverage: known / period.minutes };
}

/** Butane: burner rating × burner-on time is the heat; its gas energy is heat / efficiency. */
function butaneBackup(on: { minutes: number; coverage: number }, backup: ButaneBackup): BackupEnergy {
  const heat = (on.minutes * backup.burnerPowerKw * 1000) / 60;
  const gas = heat / backup.efficiency;
  const butaneKg = (gas / 1000) * backup.kgPerKwh;
  return { method: "burner", wh: heat, inputWh: gas, coverage: on.coverage, onMinutes: on.minutes, butaneKg };
}

/** Electric: the backup meter's counter, else (or if told) rated power × heater-on time. */
function electricBackup(
  readings: HotWaterReadings,
  period: DayGrid,
  backup: ElectricBackup,
  holdMs: number,
  maxGapMs: number,
): BackupEnergy | undefined {
  if (backup.method !== "rated") {
    const counter = { limits: backup.counter, maxGapMs };
    const metered = fromCounter(readings.hotWater.backup_energy_wh, period, counter);
    if (metered) {
      const { wh, coverage } = metered;
      return { method: "metered", wh: wh * backup.efficiency, inputWh: wh, coverage };
    }
    if (backup.method === "metered") return undefined;
  }
  if (backup.ratedPowerW === undefined) return undefined;
  const on = onTime(readings, period, holdMs);
  if (!on) return undefined;
  const input = (on.minutes * backup.ratedPowerW) / 60;
  return {
    method: "rated",
    wh: input * backup.efficiency,
    inputWh: input,
    coverage: on.coverage,
    onMinutes: on.minutes,
  };
}

/** The backup energy of one system over the period; undefined when its data is missing. */
export function backupEnergy(
  readings: HotWaterReadings,
  period: DayGrid,
  backup: BackupSettings,
  holdMs: number,
  maxGapMs: number,
): BackupEnergy | undefined {
  if (backup.kind === "electric") return electricBackup(readings, period, backup, holdMs, maxGapMs);
  const on = onTime(readings, period, holdMs);
  return on ? butaneBackup(on, backup) : undefined;
}
