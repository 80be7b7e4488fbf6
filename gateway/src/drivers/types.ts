/**
 * The driver contract: how the gateway talks to one device, whatever its protocol. Modelled on Telegraf's
 * Init/Gather and evcc's small meter interface (STYLE.md habit 8).
 *
 * - The constructor only assigns fields: no I/O, no validation, no timers.
 * - `init()` validates and connects. It RETURNS the problems that make the device unusable as configured
 *   (and never logs them); an unreachable device is not such a problem, because `poll` reconnects.
 * - `poll(now)` reads the device once and returns its points stamped `now`, or throws a DeviceError.
 *   The scheduler never calls it twice at once for one driver.
 * - `close()` releases the connection; it never throws.
 */
import type { Point } from "@jisr/core";
import type { Logger } from "pino";
import type { DeviceConfig } from "../config/schema.js";
import type { LinkPool } from "../modbus/link-pool.js";

export interface DriverContext {
  institution: string;
  /** Already tagged with the device; drivers log at debug level only (failures are returned or thrown). */
  logger: Logger;
  /** The gateway's UTC clock in epoch ms (Date.now); a parameter so tests can control time. */
  clock?: () => number;
  /** Modbus links shared per bus; a process-wide pool when absent. */
  links?: LinkPool;
}

/** How one poll may go. */
export interface PollOptions {
  /**
   * Retries of a failed read within this poll, instead of the device's `retries`: the poller asks for 0
   * while the device is offline, so a silent unit holds a shared line for one timeout, not several.
   */
  retries?: number;
}

export interface Driver {
  readonly id: string;
  init(): Promise<Error[]>;
  poll(now: number, options?: PollOptions): Promise<Point[]>;
  close(): Promise<void>;
}

export type DriverFactory = (device: DeviceConfig, context: DriverContext) => Driver;

/**
 * Why a poll failed. `transport` and `timeout` are retryable and make the driver reconnect; `busy` (Modbus
 * exception 6, "slave device busy") is retryable on the same connection; `device` means the device
 * answered but not as expected (exception, missing model) and is kept apart because reconnecting will
 * not help; `config` can never succeed with this configuration.
 */
export type DeviceErrorKind = "transport" | "timeout" | "busy" | "device" | "config";

export class DeviceError extends Error {
  override name = "DeviceError";
  constructor(
    readonly kind: DeviceErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.kind !== "config";
  }
}
