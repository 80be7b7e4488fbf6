/**
 * The generic Modbus driver: any device described by a profile (gateway/profiles/modbus/**). The register
 * map is data; this file only loads it once, reads its plan through the bus's shared link on every poll,
 * and retries a failed read within the poll. Connections are the link's business (LinkPool): it reconnects
 * with backoff and keeps one request at a time on a shared RS-485 line.
 */
import type { Point } from "@jisr/core";
import type { DeviceConfig } from "../../config/schema.js";
import { type LinkPool, type PooledLink, sharedLinkPool } from "../../modbus/link-pool.js";
import type { LinkTarget } from "../../modbus/target.js";
import { loadProfile } from "../../profiles/load.js";
import type { Profile } from "../../profiles/profile.js";
import { readWithProfileTimed } from "../../profiles/read.js";
import { toPoints } from "../../profiles/to-points.js";
import { backoffDelay } from "../../util/backoff.js";
import { DeviceError, type Driver, type DriverContext, type PollOptions } from "../types.js";
import { classifyFailure } from "./classify.js";

/** Pause before a retry within one poll: long enough for a busy device or a noisy line to settle. */
const RETRY = { initialMs: 100, maxMs: 1000 };

export interface ModbusProfileDriverOptions {
  /** Links shared per bus; the process-wide pool by default. */
  links?: LinkPool;
  /** Folder of built-in profiles (tests). */
  builtins?: string;
  /** Where a relative profile path is resolved (the config loader already makes it absolute). */
  baseDir?: string;
}

export function targetOf(device: DeviceConfig): LinkTarget {
  return device.serial ? { serial: device.serial } : { host: device.host ?? "", port: device.port };
}

export class ModbusProfileDriver implements Driver {
  readonly id: string;
  readonly #device: DeviceConfig;
  readonly #ctx: DriverContext;
  readonly #options: ModbusProfileDriverOptions;
  readonly #where: string;
  #profile: Profile | undefined;
  #link: PooledLink | undefined;

  constructor(device: DeviceConfig, context: DriverContext, options: ModbusProfileDriverOptions = {}) {
    this.id = device.id;
    this.#device = device;
    this.#ctx = context;
    this.#options = options;
    const at = device.serial ? device.serial.path : `${device.host}:${device.port}`;
    this.#where = `device "${device.id}" at ${at} unit ${device.unit}`;
  }

  /** The profile in use, once init() has loaded it. */
  get profile(): Profile | undefined {
    return this.#profile;
  }

  /**
   * Loads the profile (a missing or broken one is a permanent error, returned) and takes a handle on the
   * bus's link. Opens nothing: an unreachable device is not an init error, the first poll reports it.
   */
  async init(): Promise<Error[]> {
    try {
      const { builtins, baseDir } = this.#options;
      this.#profile = loadProfile(this.#device.profile, baseDir, ...(builtins ? [builtins] : []));
      this.#link = (this.#options.links ?? sharedLinkPool()).acquire(
        targetOf(this.#device),
        this.#device.unit,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return [new DeviceError("config", `device "${this.id}": ${message}`, { cause: err })];
    }
    this.#ctx.logger.debug(
      { profile: this.#profile.name, points: this.#profile.points.length },
      "Profile loaded",
    );
    return [];
  }

  async poll(now: number, options: PollOptions = {}): Promise<Point[]> {
    const retries = options.retries ?? this.#device.retries;
    const { profile, link } = this.#ready();
    for (let attempt = 0; ; attempt++) {
      try {
        // Each point carries the time of the answer that brought its registers, not the poll's start:
        // on a busy line the two can be seconds apart.
        const { values, readAt } = await readWithProfileTimed(
          link,
          this.#device.unit,
          profile,
          this.#device.timeout,
          this.#ctx.clock ?? Date.now,
        );
        return toPoints(profile, values, {
          institution: this.#ctx.institution,
          device: this.id,
          time: now,
          readAt,
        });
      } catch (err) {
        const error = classifyFailure(err, this.#where);
        if (attempt >= retries || !retryable(error)) throw error;
        this.#ctx.logger.debug({ attempt: attempt + 1, err: error.message }, "Read failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 1, RETRY)));
      }
    }
  }

  /** Releases the handle on the link (the link closes when its last device lets go). Never throws. */
  async close(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    await link?.close().catch(() => {});
  }

  #ready(): { profile: Profile; link: PooledLink } {
    if (!this.#profile || !this.#link)
      throw new DeviceError(
        "config",
        `${this.#where}: not initialised (init failed, or the driver is closed)`,
      );
    return { profile: this.#profile, link: this.#link };
  }
}

/** A device that answered with an exception (other than busy) will answer the same on a retry. */
function retryable(error: DeviceError): boolean {
  return error.kind === "timeout" || error.kind === "transport" || error.kind === "busy";
}
