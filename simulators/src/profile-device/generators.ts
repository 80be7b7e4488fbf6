// Value generators for profile devices: what a solar water heater controller, a heat meter, a grid meter
// and a weather sensor would show at a sim instant at Ben Guerir. Values are keyed by field name (or
// point name), in the field's unit, so one generator serves any profile of its class.
import type { PointInput } from "@jisr/gateway/profiles";
import { hashUnit } from "../solar/clouds.js";
import { defaultPvSystem, pvOperatingPoint } from "../solar/pv-system.js";
import {
  defaultSolarWaterHeater,
  initialState,
  pumpSpeedPct,
  type SolarWaterHeaterDesign,
  type SolarWaterHeaterState,
  step,
} from "./solar-water-heater-model.js";

export interface DeviceFaults {
  /** Solar water heater and heat meter: the pump relay is on but nothing flows. */
  pumpFailure?: boolean;
  /** Fields or points whose served value never changes again (a stuck sensor). */
  stuck?: readonly string[];
}

export interface ValueGenerator {
  /** Values at sim instant `simMs`; called with non-decreasing instants. */
  at(simMs: number, faults: DeviceFaults): Record<string, PointInput>;
}

export const GENERATOR_NAMES = ["solar-water-heater", "heat-meter", "grid-meter", "weather"] as const;
export type GeneratorName = (typeof GENERATOR_NAMES)[number];

const STEP_S = 30;
const WARM_UP_MS = 12 * 3_600_000;
const MAX_STEPS = 20_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Runs the tank model up to each requested instant, starting 12 h earlier so the tank is warm. */
function tankRunner(design: SolarWaterHeaterDesign) {
  const s: SolarWaterHeaterState = initialState();
  let last: number | undefined;
  return (simMs: number, faults: DeviceFaults): SolarWaterHeaterState => {
    let t = last ?? simMs - WARM_UP_MS;
    const steps = Math.min(Math.ceil((simMs - t) / (STEP_S * 1000)), MAX_STEPS);
    const dt = steps > 0 ? (simMs - t) / steps : 0;
    for (let i = 0; i < steps; i++) {
      t += dt;
      step(s, t, dt / 1000, design, faults);
    }
    last = simMs;
    return s;
  };
}

/**
 * The inlet sensor sits on the cold pipe near the tank: mains temperature, pulled a little towards the
 * air around it. A real one never reads one exact value for hours (a constant would look stuck).
 */
function inletC(s: SolarWaterHeaterState, design: SolarWaterHeaterDesign): number {
  return round1(design.coldWaterC + 0.2 * (s.ambientC - design.coldWaterC));
}

/** The Jisr solar-water-heater controller layout (generic-solar-controller.yaml), from the tank model. */
export function solarWaterHeaterGenerator(design = defaultSolarWaterHeater()): ValueGenerator {
  const run = tankRunner(design);
  return {
    at(simMs, faults) {
      const s = run(simMs, faults);
      return {
        collector_temperature_c: round1(s.collectorC),
        tank_bottom_temperature_c: round1(s.tankBottomC),
        tank_top_temperature_c: round1(s.tankTopC),
        cold_water_temperature_c: inletC(s, design),
        pump_on: s.pumpOn,
        pump_speed_pct: pumpSpeedPct(s, design),
        flow_l_per_h: Math.round(s.flowLPerH),
        heat_energy_wh: Math.round(s.heatWh),
        backup_heater_on: s.backupOn,
        state: s.state,
        errors: [],
      };
    },
  };
}

/** A heat meter on the solar loop of the same installation: supply from the collector, return to the tank. */
export function heatMeterGenerator(design = defaultSolarWaterHeater()): ValueGenerator {
  const run = tankRunner(design);
  return {
    at(simMs, faults) {
      const s = run(simMs, faults);
      const flowing = s.flowLPerH > 0;
      // A heat meter computes power from what it measures: flow and the supply-return difference.
      const deltaK = flowing ? s.collectorC - s.tankBottomC : 0;
      return {
        energy_wh: Math.round(s.heatWh),
        volume_m3: Math.round(s.loopLitres) / 1000,
        power_w: Math.round(Math.max((s.flowLPerH / 3600) * 4186 * deltaK, 0)),
        flow_l_per_h: Math.round(s.flowLPerH),
        supply_temperature_c: round1(s.collectorC),
        return_temperature_c: round1(s.tankBottomC),
        temperature_difference_k: round1(deltaK),
      };
    },
  };
}

/** Site load of a care institution, W: a base, then kitchen and laundry peaks (legal hour 0-23). */
const LOAD_W_BY_HOUR = [
  1500, 1400, 1400, 1400, 1500, 1800, 3500, 5000, 4200, 3800, 4000, 5500, 6500, 5000, 3800, 3500, 3600, 4200,
  5200, 6000, 5200, 3500, 2400, 1800,
];

/** Net power at the connection point, W: the site's load minus what the PV makes (import positive). */
function netPowerW(simMs: number, pv: ReturnType<typeof defaultPvSystem>, seed: number): number {
  const hour = Math.floor((((simMs / 3_600_000 + 1) % 24) + 24) % 24);
  const load = (LOAD_W_BY_HOUR[hour] ?? 2000) * (0.9 + 0.2 * hashUnit(seed, 3, Math.floor(simMs / 60_000)));
  return load - pvOperatingPoint(simMs, pv).acW;
}

/** A grid meter at the connection point of a site with `kwp` of PV: import positive, export negative. */
export function gridMeterGenerator(kwp = 10, seed = 1): ValueGenerator {
  const pv = defaultPvSystem(kwp, seed);
  let last: number | undefined;
  let importWh = 1_234_000;
  let exportWh = 456_000;
  return {
    at(simMs) {
      // The counters integrate the net power minute by minute since the last call.
      const steps = last === undefined ? 0 : Math.min(Math.ceil((simMs - last) / 60_000), MAX_STEPS);
      for (let i = 1; i <= steps; i++) {
        const t = (last as number) + ((simMs - (last as number)) * i) / steps;
        const wh = (netPowerW(t, pv, seed) * (simMs - (last as number))) / steps / 3_600_000;
        if (wh > 0) importWh += wh;
        else exportWh -= wh;
      }
      last = simMs;
      const net = netPowerW(simMs, pv, seed);
      const volts = [0, 1, 2].map((i) =>
        round1(229 + 4 * hashUnit(seed, 10 + i, Math.floor(simMs / 10_000))),
      );
      const pf = 0.97;
      const amps = volts.map((v) => Math.round((Math.abs(net) / 3 / (v * pf)) * 100) / 100);
      return {
        power_w: Math.round(net),
        power_l1_w: Math.round(net / 3),
        power_l2_w: Math.round(net / 3),
        power_l3_w: Math.round(net / 3),
        voltage_l1_v: volts[0] ?? 230,
        voltage_l2_v: volts[1] ?? 230,
        voltage_l3_v: volts[2] ?? 230,
        voltage_v: round1(volts.reduce((a, b) => a + b, 0) / 3),
        current_l1_a: amps[0] ?? 0,
        current_l2_a: amps[1] ?? 0,
        current_l3_a: amps[2] ?? 0,
        current_a: Math.round(amps.reduce((a, b) => a + b, 0) * 100) / 100,
        power_factor_pct: pf * 100,
        frequency_hz: Math.round((49.98 + 0.04 * hashUnit(seed, 20, Math.floor(simMs / 10_000))) * 100) / 100,
        energy_import_wh: Math.round(importWh),
        energy_export_wh: Math.round(exportWh),
      };
    },
  };
}

/** A plane-of-array irradiance sensor with module and ambient temperatures, on a 30° south-facing array. */
export function weatherGenerator(seed = 1): ValueGenerator {
  const pv = defaultPvSystem(1, seed);
  return {
    at(simMs) {
      const op = pvOperatingPoint(simMs, pv);
      return {
        irradiance_w_per_m2: round1(op.poaWm2),
        module_temperature_c: round1(op.moduleC),
        ambient_temperature_c: round1(op.ambientC),
      };
    },
  };
}

export function namedGenerator(name: GeneratorName, seed = 1): ValueGenerator {
  switch (name) {
    case "solar-water-heater":
      return solarWaterHeaterGenerator(defaultSolarWaterHeater(seed));
    case "heat-meter":
      return heatMeterGenerator(defaultSolarWaterHeater(seed));
    case "grid-meter":
      return gridMeterGenerator(10, seed);
    case "weather":
      return weatherGenerator(seed);
  }
}
