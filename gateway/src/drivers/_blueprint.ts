/**
 * Blueprint of a driver: copy this file to start a new one (evcc's meter/_blueprint.go), then register
 * the factory in drivers/index.ts under its profile name. It is not registered itself.
 */
import type { Point } from "@jisr/core";
import type { DeviceConfig } from "../config/schema.js";
import { DeviceError, type Driver, type DriverContext } from "./types.js";

export class BlueprintDriver implements Driver {
  readonly id: string;
  readonly #device: DeviceConfig;
  readonly #ctx: DriverContext;

  // Constructors only assign: no I/O, no validation, no timers (they would run before init's errors).
  constructor(device: DeviceConfig, context: DriverContext) {
    this.id = device.id;
    this.#device = device;
    this.#ctx = context;
  }

  // Validate what the schema could not, and try a first connection. RETURN permanent problems (never log
  // them); an unreachable device is not one: poll() reconnects with backoff.
  async init(): Promise<Error[]> {
    return [];
  }

  // Read once. Stamp every point with `now`, tag it with institution and device, and throw a DeviceError
  // whose kind tells the scheduler whether the connection is lost ("transport") or the device answered
  // badly ("device"). Never log failures: the scheduler records them and logs state changes once.
  async poll(now: number): Promise<Point[]> {
    if (now < 0) throw new DeviceError("config", `device "${this.#device.id}": nothing to read yet`);
    const tags = { institution: this.#ctx.institution, device: this.id };
    return [{ measurement: "blueprint", tags, fields: { up: true }, time: now }];
  }

  // Release the connection; never throw.
  async close(): Promise<void> {}
}
