/**
 * Devices that share a bus share ONE link: the same serial port, or the same TCP host:port. Sharing is what
 * makes the one-request-at-a-time rule hold across devices: two links on one RS-485 line would talk over
 * each other. Links are reference-counted; the last device to close its handle closes the link.
 *
 * A TCP endpoint with more than one unit id acquired on it is taken for a TCP-to-RTU converter and
 * serialised (RTU behind it has no transaction id); with a single unit id it takes concurrent requests.
 */
import type { Logger } from "pino";
import type { BackoffOptions } from "../util/backoff.js";
import { LinkConfigError, ModbusTransportError } from "./errors.js";
import { createModbusLink, type ManagedLink } from "./link.js";
import type { LinkLoad, LinkStats, ModbusLink, RegisterTable } from "./link-types.js";
import { busKey, describeTarget, isSerial, type LinkTarget, lineSettings } from "./target.js";

export interface LinkPoolOptions {
  /** The gateway's clock (epoch ms), for reconnect backoff; Date.now by default. */
  clock?: () => number;
  logger?: Logger;
  reconnect?: Omit<BackoffOptions, "random">;
  connectTimeoutMs?: number;
}

/** A device's handle on a shared link: close() releases it. */
export interface PooledLink extends ModbusLink {
  readonly serialised: boolean;
  connect(): Promise<void>;
  stats(): LinkStats;
}

export interface BusInfo {
  where: string;
  /** Unit ids acquired on the bus, ascending. */
  units: number[];
  /** Open handles. */
  users: number;
  serialised: boolean;
  stats: LinkStats;
  /** Wire time over the last minute, per unit. */
  load: LinkLoad;
}

interface Entry {
  link: ManagedLink;
  target: LinkTarget;
  /** Handles per unit id. */
  units: Map<number, number>;
  users: number;
}

export class LinkPool {
  readonly #o: LinkPoolOptions;
  readonly #buses = new Map<string, Entry>();

  constructor(options: LinkPoolOptions = {}) {
    this.#o = options;
  }

  /**
   * A handle on the link of `target`'s bus, for a device with unit id `unit`. Opens nothing: the link
   * connects on the first request. Throws LinkConfigError when the serial port is already in use with
   * other line settings (every device on one bus must use the same).
   */
  acquire(target: LinkTarget, unit: number): PooledLink {
    const key = busKey(target);
    const entry = this.#buses.get(key) ?? this.#create(key, target);
    if (isSerial(target) && isSerial(entry.target)) {
      const mine = lineSettings(target.serial);
      const theirs = lineSettings(entry.target.serial);
      if (mine !== theirs)
        throw new LinkConfigError(
          `serial port ${target.serial.path} is already used at ${theirs} by another device, not ${mine}: ` +
            "every device on one RS-485 bus must use the same baud rate, parity, data and stop bits",
        );
    }
    entry.users++;
    entry.units.set(unit, (entry.units.get(unit) ?? 0) + 1);
    return this.#handle(key, entry, unit);
  }

  /** The buses open now, for status pages and tests. */
  buses(): BusInfo[] {
    return [...this.#buses.values()].map((e) => ({
      where: e.link.where,
      units: [...e.units.keys()].sort((a, b) => a - b),
      users: e.users,
      serialised: e.link.serialised,
      stats: e.link.stats(),
      load: e.link.load(),
    }));
  }

  /** Closes every link, whoever still holds a handle. */
  async closeAll(): Promise<void> {
    const entries = [...this.#buses.values()];
    this.#buses.clear();
    await Promise.all(entries.map((e) => e.link.close()));
  }

  #create(key: string, target: LinkTarget): Entry {
    const entry: Entry = { target, units: new Map(), users: 0, link: undefined as unknown as ManagedLink };
    entry.link = createModbusLink(target, {
      serialise: () => entry.units.size > 1,
      ...(this.#o.clock && { clock: this.#o.clock }),
      ...(this.#o.logger && { logger: this.#o.logger }),
      ...(this.#o.reconnect && { reconnect: this.#o.reconnect }),
      ...(this.#o.connectTimeoutMs && { connectTimeoutMs: this.#o.connectTimeoutMs }),
    });
    this.#buses.set(key, entry);
    return entry;
  }

  #handle(key: string, entry: Entry, unit: number): PooledLink {
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      const left = (entry.units.get(unit) ?? 1) - 1;
      if (left > 0) entry.units.set(unit, left);
      else entry.units.delete(unit);
      entry.users--;
      if (entry.users > 0 || this.#buses.get(key) !== entry) return;
      this.#buses.delete(key);
      await entry.link.close();
    };
    const link = entry.link;
    return {
      where: link.where,
      get serialised() {
        return link.serialised;
      },
      read: (u: number, table: RegisterTable, address: number, count: number, timeoutMs: number) =>
        released
          ? Promise.reject(new ModbusTransportError("link closed", { where: describeTarget(entry.target) }))
          : link.read(u, table, address, count, timeoutMs),
      connect: () => link.connect(),
      stats: () => link.stats(),
      close: release,
    };
  }
}

let shared: LinkPool | undefined;

/**
 * The process-wide pool, for drivers created without one in their context. A gateway process polls one
 * set of buses, so one pool per process is what sharing needs.
 */
export function sharedLinkPool(): LinkPool {
  shared ??= new LinkPool();
  return shared;
}
