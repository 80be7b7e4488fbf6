/**
 * The one driver registry: profile name → driver. Typed on the config's PROFILES, so a profile that the
 * schema accepts but no driver implements does not compile.
 */
import type { DeviceConfig, Profile } from "../config/schema.js";
import { SunspecDriver } from "./sunspec/driver.js";
import type { Driver, DriverContext, DriverFactory } from "./types.js";

export const drivers: Record<Profile, DriverFactory> = {
  sunspec: (device, context) => new SunspecDriver(device, context),
};

/** A driver for one configured device (constructed only: call init() next). */
export function createDriver(device: DeviceConfig, context: DriverContext): Driver {
  return drivers[device.profile](device, context);
}

export * from "./types.js";
