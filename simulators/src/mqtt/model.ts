// What a simulated MQTT device measures: AC values from the sun (a PV inverter) or from an
// institution's daily load, and energy counters that integrate them between two publishes. Pure apart
// from the counters' own state; time is always a parameter (sim time, UTC ms).
import { hashUnit } from "../solar/clouds.js";
import { defaultPvSystem, pvOperatingPoint } from "../solar/pv-system.js";

export interface AcReading {
  /** Active power, W: positive when drawn from the grid (load) or produced (PV). */
  powerW: number;
  voltageV: number;
  currentA: number;
  frequencyHz: number;
  /** cos φ, 0-1. */
  powerFactor: number;
  /** Temperature of the metering device or inverter, °C. */
  temperatureC: number;
}

export interface PvReading extends AcReading {
  /** DC power drawn from each input, W. */
  dcInputsW: number[];
  /** DC voltage of each input, V. */
  dcInputsV: number[];
  /** The inverter is awake (enough light): Hoymiles micro-inverters sleep at night. */
  producing: boolean;
}

/** Grid voltage and frequency wander a little, slot by slot, as on a real low-voltage network. */
function grid(seed: number, simMs: number, phase = 0): { voltageV: number; frequencyHz: number } {
  const slot = Math.floor(simMs / 10_000);
  return {
    voltageV: 230 * (0.985 + 0.03 * hashUnit(seed, 100 + phase, slot)),
    frequencyHz: 50 + 0.08 * (hashUnit(seed, 200, slot) - 0.5),
  };
}

/** Hour of the day in Ben Guerir (UTC+1 outside Ramadan: close enough for a load shape). */
function localHour(simMs: number): number {
  return (((simMs / 3_600_000 + 1) % 24) + 24) % 24;
}

/**
 * A care institution's demand, W: a base (fridges, lights, pumps), kitchen peaks at 7 h, 12 h and 19 h,
 * some noise. `peakW` scales the whole shape.
 */
export function loadW(simMs: number, peakW: number, seed: number): number {
  const h = localHour(simMs);
  const bump = (centre: number, width: number) => Math.exp(-(((h - centre) / width) ** 2));
  const shape = 0.3 + 0.35 * bump(7.5, 1.2) + 0.6 * bump(12.5, 1.5) + 0.5 * bump(19.5, 1.8);
  const noise = 0.9 + 0.2 * hashUnit(seed, 300, Math.floor(simMs / 30_000));
  return (peakW * shape * noise) / 1.05;
}

export function loadReading(simMs: number, peakW: number, seed: number): AcReading {
  const { voltageV, frequencyHz } = grid(seed, simMs);
  const powerW = loadW(simMs, peakW, seed);
  const powerFactor = 0.93 + 0.05 * hashUnit(seed, 400, Math.floor(simMs / 60_000));
  return {
    powerW,
    voltageV,
    frequencyHz,
    powerFactor,
    currentA: powerW / (voltageV * powerFactor),
    temperatureC: 38,
  };
}

/** A small PV system (a micro-inverter with `inputs` panels) at Ben Guerir, under seeded clouds. */
export function pvReading(simMs: number, kwp: number, seed: number, inputs = 2): PvReading {
  const op = pvOperatingPoint(simMs, defaultPvSystem(kwp, seed));
  const { voltageV, frequencyHz } = grid(seed, simMs);
  const producing = op.acW > 1;
  const powerW = producing ? op.acW : 0;
  const perInputW = producing ? op.dcW / inputs : 0;
  const vmp = op.poaWm2 < 1 ? 0 : 31.5 * (1 - 0.0035 * (op.moduleC - 25));
  return {
    powerW,
    voltageV,
    frequencyHz,
    powerFactor: producing ? 0.999 : 0,
    currentA: powerW / voltageV,
    temperatureC: op.ambientC + (producing ? 12 * (powerW / (kwp * 1000)) + 3 : 0),
    dcInputsW: Array.from({ length: inputs }, (_, i) => perInputW * (1 - 0.02 * i)),
    dcInputsV: Array.from({ length: inputs }, () => vmp),
    producing,
  };
}

/** An energy counter: integrates power between two readings (trapezoid), as a meter's register does. */
export class EnergyCounter {
  #wh: number;
  #last: { at: number; w: number } | undefined;

  constructor(startWh: number) {
    this.#wh = startWh;
  }

  get wh(): number {
    return this.#wh;
  }

  /** Adds the energy since the previous call (power `w` at sim time `at`); returns the new total. */
  add(at: number, w: number): number {
    if (this.#last && at > this.#last.at)
      this.#wh += ((this.#last.w + w) / 2) * ((at - this.#last.at) / 3_600_000);
    this.#last = { at, w };
    return this.#wh;
  }
}
