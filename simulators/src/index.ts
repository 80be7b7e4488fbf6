// @jisr/simulators: simulated devices served over real protocols.

export { solarNoonUtc, sunPosition } from "@jisr/core/solar/position";
export { registerSimCommands } from "./cli.js";
export { createSimClock, type SimClock, type SimClockOptions } from "./clock.js";
export { entryAt, RingBuffer } from "./history.js";
export {
  type FaultPatch,
  type InverterLiveState,
  type ServedSnapshot,
  SimulatedInverter,
  type SimulatedInverterOptions,
} from "./inverter/simulated-inverter.js";
export type { InverterFaults, ModuleValues, ServedValues } from "./inverter/values.js";
export {
  defaultPvSystem,
  type PvOperatingPoint,
  type PvSystemConfig,
  pvOperatingPoint,
} from "./solar/pv-system.js";
export { DCEVT_BIT, EVT1_BIT, OPERATING_STATE, type OperatingState } from "./sunspec/models.js";
export { pointKey, SUNSPEC_BASE, SunSpecRegisterBank } from "./sunspec/register-bank.js";
export {
  type SunspecInverterHandle,
  type SunspecInverterOptions,
  startSunspecInverter,
  sunspecInverterOptionsSchema,
} from "./sunspec-inverter.js";
