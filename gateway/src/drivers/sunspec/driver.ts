/**
 * The SunSpec driver: any SunSpec inverter or meter over Modbus TCP, Modbus RTU, or RTU behind a TCP
 * converter. The register maps are data (gateway/profiles/sunspec/*.yaml); this file only decides when to
 * discover and read. The wire is the ModbusLink's business: devices on one bus share one link from the
 * pool, which serialises requests where the bus needs it and recreates lost connections.
 *
 * Discovery runs once and its model list is cached; each poll then reads the model bodies and maps them
 * to points. After a poll fails for good on a lost connection or silence, the device rests for a backoff
 * (so a dead unit on a shared RS-485 line costs the others little bus time), then rediscovers.
 */
import type { Point } from "@jisr/core";
import type { DeviceConfig } from "../../config/schema.js";
import { LinkConfigError } from "../../modbus/errors.js";
import { type LinkPool, type PooledLink, sharedLinkPool } from "../../modbus/link-pool.js";
import { unitReader } from "../../modbus/read-registers.js";
import { describeTarget, type LinkTarget } from "../../modbus/target.js";
import {
  defaultModels,
  discoverSunspec,
  type ModelRegistry,
  type SunspecDiscovery,
  sunspecToPoints,
} from "../../sunspec/index.js";
import { backoffDelay } from "../../util/backoff.js";
import { DeviceError, type Driver, type DriverContext, type PollOptions } from "../types.js";
import { classifyFailure } from "./classify.js";
import { readDiscoveredModels } from "./read-models.js";

/** Rest after a failed poll: quick at first (a blip), at most a minute apart so a device comes back soon. */
const RECONNECT = { initialMs: 1000, maxMs: 60_000 };

/** The driver context, with the pool of shared links (the process-wide pool when absent). */
export interface ModbusDriverContext extends DriverContext {
  links?: LinkPool;
}

/** The bus of a configured device: its serial line, or its TCP host and port. */
export function deviceTarget(device: DeviceConfig): LinkTarget {
  return device.serial ? { serial: device.serial } : { host: device.host ?? "", port: device.port };
}

export class SunspecDriver implements Driver {
  readonly id: string;
  readonly #device: DeviceConfig;
  readonly #ctx: ModbusDriverContext;
  readonly #clock: () => number;
  readonly #where: string;
  #registry: ModelRegistry | undefined;
  #link: PooledLink | undefined;
  #discovery: SunspecDiscovery | undefined;
  #lastError: DeviceError | undefined;
  #resumeAt = 0;
  #failures = 0;
  #closed = false;

  constructor(device: DeviceConfig, context: ModbusDriverContext) {
    this.id = device.id;
    this.#device = device;
    this.#ctx = context;
    this.#clock = context.clock ?? Date.now;
    this.#where = `device "${device.id}" at ${describeTarget(deviceTarget(device))} unit ${device.unit}`;
  }

  /**
   * Loads the register maps and takes the bus's link (both failures are permanent: a broken map, or a serial
   * port shared with different line settings), then tries to open it, bounded by its connect timeout.
   * Discovery waits for the first poll: a device that never answers would otherwise hold up the start of
   * every other device for timeout × 3 base addresses.
   */
  async init(): Promise<Error[]> {
    try {
      this.#registry = defaultModels();
      this.#link = (this.#ctx.links ?? sharedLinkPool()).acquire(
        deviceTarget(this.#device),
        this.#device.unit,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof LinkConfigError)
        return [new DeviceError("config", `device "${this.id}": ${message}`)];
      return [err instanceof Error ? err : new Error(message)];
    }
    try {
      await this.#link.connect();
    } catch (err) {
      // Not an init error: the device may simply be off. The first poll reports it, and retries.
      this.#handle(classifyFailure(err, this.#where), true);
    }
    return [];
  }

  async poll(now: number, options: PollOptions = {}): Promise<Point[]> {
    const retries = options.retries ?? this.#device.retries;
    if (this.#lastError && this.#clock() < this.#resumeAt) throw this.#lastError;
    for (let attempt = 0; ; attempt++) {
      try {
        const points = await this.#readOnce(attempt === 0 ? now : undefined);
        this.#failures = 0;
        this.#lastError = undefined;
        return points;
      } catch (err) {
        const error = classifyFailure(err, this.#where);
        const last = attempt >= retries || !error.retryable;
        this.#handle(error, last);
        if (last) throw error;
        this.#ctx.logger.debug({ attempt: attempt + 1, err: error.message }, "Read failed; retrying");
      }
    }
  }

  /** Releases the link (closed when no other device on the bus holds it). A poll in flight then fails. */
  async close(): Promise<void> {
    this.#closed = true;
    const link = this.#link;
    this.#link = undefined;
    await link?.close();
  }

  /**
   * One read. Each model's points carry the time its block's answer arrived (`now`, the scheduler's
   * clock, only for what was not read in this call).
   */
  async #readOnce(now: number | undefined): Promise<Point[]> {
    if (this.#closed || !this.#link) throw new DeviceError("transport", `${this.#where}: driver closed`);
    const reader = unitReader(this.#link, this.#device.unit, this.#device.timeout);
    let fresh = false;
    if (!this.#discovery) {
      this.#discovery = await discoverSunspec(reader);
      this.#ctx.logger.debug(
        { base: this.#discovery.base, models: this.#discovery.models.map((m) => m.id) },
        "Discovered SunSpec models",
      );
      fresh = true;
    }
    const registry = this.#registry ?? defaultModels();
    const time = fresh || now === undefined ? this.#clock() : now;
    // Each model's points carry the time its block's answer arrived, not the poll's start.
    const times = new Map<string, number>();
    const device = await readDiscoveredModels(reader, this.#discovery, registry, {
      clock: this.#clock,
      times,
    });
    return sunspecToPoints(
      device,
      { institution: this.#ctx.institution, device: this.id, time, readAt: times },
      registry,
    );
  }

  /**
   * What a failure means for the cached discovery and the rest. `final`: no retry in this poll. After a
   * lost connection or silence the device may have restarted with another model chain: discover again.
   */
  #handle(error: DeviceError, final: boolean): void {
    const lost = error.kind === "transport" || error.kind === "timeout";
    if (error.kind === "device" || error.kind === "transport" || (lost && final)) this.#discovery = undefined;
    if (lost && final) {
      this.#failures++;
      this.#resumeAt = this.#clock() + backoffDelay(this.#failures, RECONNECT);
    }
    if (final) this.#lastError = error;
  }
}
