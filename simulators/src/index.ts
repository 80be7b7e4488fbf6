// @jisr/simulators: simulated devices served over real protocols (SunSpec inverters over Modbus TCP and
// RTU, devices described by a gateway profile, MQTT devices), their fault control, the simulation clock,
// and the `jisr sim` commands. The demo and other workspaces' tests start them through this index.

export { solarNoonUtc, sunPosition } from "@jisr/core/solar";
export { registerSimCommands } from "./cli.js";
export { createSimClock, type SimClock, type SimClockOptions } from "./clock.js";
export {
  type ControlServer,
  type ControlServerOptions,
  controlRequest,
  startControlServer,
} from "./control/control-server.js";
export {
  FAULT_NAMES,
  type FaultName,
  type FaultRequest,
  type FaultTarget,
  inverterTarget,
  parseFaultText,
  profileDeviceTarget,
  UnsupportedFaultError,
} from "./control/faults.js";
export {
  type FleetResult,
  type FleetRun,
  type FleetSite,
  makeFleet,
  percentile,
  runFleet,
} from "./fleet/fleet.js";
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
  SIMULATED_MQTT_KINDS,
  type SimulatedMqttDevice,
  type SimulatedMqttDeviceOptions,
  type SimulatedMqttKind,
  startSimulatedMqttDevice,
} from "./mqtt/device.js";
export {
  butaneBackedSolarWaterHeater,
  type DeviceFaults,
  defaultSolarWaterHeater,
  GENERATOR_NAMES,
  type GeneratorName,
  gridMeterGenerator,
  heatMeterGenerator,
  ILLEGAL_DATA_ADDRESS,
  ModbusServerException,
  namedGenerator,
  type ProfileDeviceHandle,
  type ProfileDeviceOptions,
  ProfileImage,
  type SolarWaterHeaterDesign,
  solarWaterHeaterGenerator,
  startProfileDevice,
  type ValueGenerator,
  weatherGenerator,
} from "./profile-device/index.js";
export {
  type ImageServer,
  type ImageSource,
  type ServedRequest,
  startImageServer,
} from "./profile-device/server.js";
export {
  type RtuDevice,
  type RtuRequest,
  type RtuSerialOptions,
  type RtuServerHandle,
  startRtuServer,
} from "./rtu/serial-server.js";
export {
  type SunspecRtuBusHandle,
  type SunspecRtuBusOptions,
  startSunspecRtuBus,
} from "./rtu/sunspec-rtu.js";
export {
  defaultPvSystem,
  type PvOperatingPoint,
  type PvSystemConfig,
  pvOperatingPoint,
} from "./solar/pv-system.js";
export { DCEVT_BIT, EVT1_BIT, OPERATING_STATE, type OperatingState } from "./sunspec/models.js";
export {
  MODBUS_EXCEPTION,
  ModbusException,
  pointKey,
  SUNSPEC_BASE,
  SunSpecRegisterBank,
} from "./sunspec/register-bank.js";
export {
  type SunspecInverterHandle,
  type SunspecInverterOptions,
  startSunspecInverter,
  sunspecInverterOptionsSchema,
} from "./sunspec-inverter.js";
