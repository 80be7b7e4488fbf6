// Simulated devices for any device profile (gateway/profiles/modbus/**), served over Modbus TCP.
export {
  type ProfileDeviceHandle,
  type ProfileDeviceOptions,
  type ServedValues,
  startProfileDevice,
} from "./device.js";
export {
  type DeviceFaults,
  GENERATOR_NAMES,
  type GeneratorName,
  gridMeterGenerator,
  heatMeterGenerator,
  namedGenerator,
  solarWaterHeaterGenerator,
  type ValueGenerator,
  weatherGenerator,
} from "./generators.js";
export { ILLEGAL_DATA_ADDRESS, ModbusServerException, ProfileImage } from "./image.js";
export type { ServedRequest } from "./server.js";
export {
  butaneBackedSolarWaterHeater,
  defaultSolarWaterHeater,
  type SolarWaterHeaterDesign,
  type SolarWaterHeaterFaults,
  type SolarWaterHeaterState,
} from "./solar-water-heater-model.js";
