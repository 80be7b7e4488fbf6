/**
 * @jisr/gateway: the edge gateway that reads devices (Modbus TCP/RTU, MQTT) and sends their readings
 * to ingestion. What other workspaces use: running a gateway (the demo), its config format (written by
 * `jisr inventory provision`), device profiles (served by the simulators), and the Modbus drivers a test
 * bed drives directly, and the outbox the end-to-end tests inspect. The `jisr gateway` commands are separate entries (`./cli-read` ...) so that
 * `jisr gateway --help` loads none of this (README "Public API").
 */
export { loadGatewayConfig, parseGatewayConfig } from "./config/load.js";
export {
  crossCheckDevices,
  type DeviceConfig,
  deviceSchema,
  type GatewayConfig,
  type GatewayConfigFile,
  gatewayConfigJsonSchema,
  gatewayConfigSchema,
  TOKEN_ENV,
} from "./config/schema.js";
export { createDriver } from "./drivers/index.js";
export { SunspecDriver } from "./drivers/sunspec/driver.js";
export type { Driver, DriverContext } from "./drivers/types.js";
export type { LocalAlertMessage } from "./local/alerts.js";
export { type LinkOptions, type ManagedLink, openModbusLink } from "./modbus/link.js";
export { LinkPool, type LinkPoolOptions } from "./modbus/link-pool.js";
export type { ModbusLink, RegisterTable } from "./modbus/link-types.js";
export * from "./profiles/index.js";
export { type GatewayHandle, type RunGatewayOptions, runGateway } from "./run/gateway.js";
export { type ReadSunspecOptions, readSunspecDevice } from "./sunspec/read-device.js";
export { SqliteOutbox, type SqliteOutboxOptions } from "./uplink/sqlite-outbox.js";
