/**
 * The SunSpec driver: any SunSpec inverter or meter over Modbus TCP. The register maps are data
 * (gateway/profiles/sunspec/*.yaml); this file only decides when to connect, discover and read.
 *
 * Discovery runs once and its model list is cached; each poll then reads the model bodies and maps them
 * to points. A lost connection is destroyed and recreated with backoff (modbus-serial cannot reopen a
 * client after "Port Not Open"); a changed model chain triggers a new discovery.
 */
import type { Point } from "@jisr/core";
import type { DeviceConfig } from "../../config/schema.js";
import { closeModbus, connectModbusTcp } from "../../modbus/client.js";
import { backoffDelay } from "../../run/backoff.js";
import {
  defaultModels,
  discoverSunspec,
  type ModelRegistry,
  type SunspecDiscovery,
  sunspecToPoints,
} from "../../sunspec/index.js";
import { DeviceError, type Driver, type DriverContext } from "../types.js";
import { classifyFailure } from "./classify.js";
import { readDiscoveredModels } from "./read-models.js";

/** Reconnect delays: quick at first (a blip), at most a minute apart so a device comes back on its own soon. */
const RECONNECT = { initialMs: 1000, maxMs: 60_000 };

type ModbusClient = Awaited<ReturnType<typeof connectModbusTcp>>;

export class SunspecDriver implements Driver {
  readonly id: string;
  readonly #device: DeviceConfig;
  readonly #ctx: DriverContext;
  readonly #clock: () => number;
  readonly #where: string;
  #registry: ModelRegistry | undefined;
  #client: ModbusClient | undefined;
  #discovery: SunspecDiscovery | undefined;
  #lastError: DeviceError | undefined;
  #reconnectAt = 0;
  #connectFailures = 0;
  #closed = false;

  constructor(device: DeviceConfig, context: DriverContext) {
    this.id = device.id;
    this.#device = device;
    this.#ctx = context;
    this.#clock = context.clock ?? Date.now;
    this.#where = `device "${device.id}" at ${device.host}:${device.port} unit ${device.unit}`;
  }

  /**
   * Loads the register maps (a broken map is a permanent error), then tries a first connection, bounded by
   * the device timeout. Discovery waits for the first poll: a device that accepts connections but never
   * answers would otherwise hold up the start of every other device for timeout × 3 base addresses.
   */
  async init(): Promise<Error[]> {
    try {
      this.#registry = defaultModels();
    } catch (err) {
      return [err instanceof Error ? err : new Error(String(err))];
    }
    try {
      await this.#connect();
    } catch (err) {
      // Not an init error: the device may simply be off. The first poll reports it, and retries.
      await this.#handle(classifyFailure(err, this.#where), true);
    }
    return [];
  }

  async poll(now: number): Promise<Point[]> {
    if (!this.#client && this.#lastError && this.#clock() < this.#reconnectAt) throw this.#lastError;
    for (let attempt = 0; ; attempt++) {
      try {
        const points = await this.#readOnce(attempt === 0 ? now : undefined);
        this.#connectFailures = 0;
        this.#lastError = undefined;
        return points;
      } catch (err) {
        const error = classifyFailure(err, this.#where);
        const last = attempt >= this.#device.retries || !error.retryable;
        await this.#handle(error, last);
        if (last) throw error;
        this.#ctx.logger.debug({ attempt: attempt + 1, err: error.message }, "Read failed; retrying");
      }
    }
  }

  /**
   * Destroys the connection. A poll still in flight then never settles (modbus-serial drops pending
   * requests on destroy without rejecting them): callers stop waiting for polls before closing.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#disconnect();
  }

  /**
   * One read. Points carry `now` (the scheduler's clock at the read) unless a connection or a discovery
   * had to happen first: then the clock is read again just before the models are, so the timestamp stays
   * the instant the values were read.
   */
  async #readOnce(now: number | undefined): Promise<Point[]> {
    const { client, discovery, fresh } = await this.#prepare();
    const registry = this.#registry ?? defaultModels();
    const time = fresh || now === undefined ? this.#clock() : now;
    const device = await readDiscoveredModels(client, discovery, registry);
    return sunspecToPoints(device, { institution: this.#ctx.institution, device: this.id, time }, registry);
  }

  /** Connects and discovers if needed. `fresh` says whether either happened now. */
  async #prepare(): Promise<{ client: ModbusClient; discovery: SunspecDiscovery; fresh: boolean }> {
    let fresh = false;
    // The peer closed the socket since the last poll: modbus-serial cannot reopen it, recreate it.
    if (this.#client && !this.#client.isOpen) await this.#disconnect();
    if (!this.#client) {
      await this.#connect();
      fresh = true;
    }
    const client = this.#client as ModbusClient;
    if (!this.#discovery) {
      this.#discovery = await discoverSunspec(client);
      this.#ctx.logger.debug(
        { base: this.#discovery.base, models: this.#discovery.models.map((m) => m.id) },
        "Discovered SunSpec models",
      );
      fresh = true;
    }
    return { client, discovery: this.#discovery, fresh };
  }

  async #connect(): Promise<void> {
    if (this.#closed) throw new DeviceError("transport", `${this.#where}: driver closed`);
    const { host, port, unit, timeout } = this.#device;
    if (host === undefined)
      throw new DeviceError("config", `${this.#where}: Modbus RTU is not wired into this driver yet`);
    this.#client = await connectModbusTcp({ host, port, unit, timeoutMs: timeout });
  }

  /** What a failure means for the connection and the cached discovery. `final`: no retry in this poll. */
  async #handle(error: DeviceError, final: boolean): Promise<void> {
    const lost = error.kind === "transport" || error.kind === "timeout";
    // A closed socket cannot be reused at all; modbus-serial lets a request on a socket closed by the peer
    // run into its timeout, so ask the client too. A timed-out request may still be answered later and
    // confuse the next one: after the last retry, start clean.
    const closed = this.#client !== undefined && !this.#client.isOpen;
    if (error.kind === "transport" || closed || (lost && final)) await this.#disconnect();
    if (lost && final) {
      this.#connectFailures++;
      this.#reconnectAt = this.#clock() + backoffDelay(this.#connectFailures, RECONNECT);
    } else if (error.kind === "device") {
      this.#discovery = undefined;
    }
    if (final) this.#lastError = error;
  }

  async #disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#discovery = undefined;
    if (client) await closeModbus(client);
  }
}
