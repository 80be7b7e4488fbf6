/**
 * The one driver registry: profile name → driver. "sunspec" discovers its register map on the device;
 * every other profile (a built-in name from gateway/profiles/modbus/**, or a .yaml path) is a data file
 * read by the generic Modbus profile driver.
 */
import type { DeviceConfig } from "../config/schema.js";
import type { LinkPool } from "../modbus/link-pool.js";
import { ModbusProfileDriver } from "./modbus-profile/driver.js";
import { SunspecDriver } from "./sunspec/driver.js";
import type { Driver, DriverContext } from "./types.js";

/** A driver for one configured device (constructed only: call init() next, which loads the profile). */
export function createDriver(device: DeviceConfig, context: DriverContext): Driver {
  if (device.profile === "sunspec") return new SunspecDriver(device, context);
  // The gateway may hand its LinkPool to drivers through the context; else the process-wide one is used.
  const links = (context as DriverContext & { links?: LinkPool }).links;
  return new ModbusProfileDriver(device, context, links ? { links } : {});
}

export * from "./types.js";
