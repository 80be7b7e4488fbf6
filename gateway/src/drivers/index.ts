/**
 * The one driver registry: profile name → driver. "sunspec" discovers its register map on the device;
 * every other profile is a data file read by the generic Modbus driver.
 */
import type { DeviceConfig } from "../config/schema.js";
import { SunspecDriver } from "./sunspec/driver.js";
import { DeviceError, type Driver, type DriverContext } from "./types.js";

/** A driver for one configured device (constructed only: call init() next). */
export function createDriver(device: DeviceConfig, context: DriverContext): Driver {
  if (device.profile === "sunspec") return new SunspecDriver(device, context);
  throw new DeviceError(
    "config",
    `device "${device.id}": unknown profile "${device.profile}" (known: sunspec)`,
  );
}

export * from "./types.js";
