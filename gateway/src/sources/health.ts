/**
 * The one health model of the gateway's devices, whatever their source: a polled device (a Driver asked
 * by the poller) and a pushed one (an MQTT device publishing) report their reads, failures and state
 * changes here, and `jisr gateway status`, the status file, the health readings, the local page and the
 * local alerts all read the same `DeviceHealth`. State changes (online → offline with the reason, and
 * back) are logged once each, not on every failed read (STYLE.md habit 11).
 */
import type { FieldValue, Point } from "@jisr/core";
import type { Logger } from "pino";

export type DeviceState = "starting" | "online" | "offline";

/** One point of the last successful read, for `jisr gateway status` (institution and device tags left out). */
export interface LastValues {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
}

/** Enough to recognise a device's readings on site, bounded so the status file stays small. */
const LAST_VALUES_MAX_POINTS = 8;

export interface DeviceHealth {
  id: string;
  state: DeviceState;
  /** Why the device is not online (offline: the last error; starting: what it waits for), while it is not. */
  reason?: string;
  /** When the device entered its current state (epoch ms). */
  since: number;
  /** Reads: polls of a polled device, messages of a pushed one. */
  polls: number;
  /** Reads that failed: polls that threw, messages that could not be read. */
  failed_polls: number;
  last_poll_at?: number;
  last_success_at?: number;
  /** Points returned by the last successful read. */
  last_points?: number;
  /** How long the last poll took, ms (polled devices). */
  last_poll_ms?: number;
  /** The last failure, kept after the device came back (`reason` is only set while not online). */
  last_error?: string;
  last_error_at?: number;
  /** The points of the last successful read. */
  last_values?: LastValues[];
  /** While offline: when the next (single-attempt) poll is due, epoch ms (polled devices). */
  next_retry_at?: number;
}

export function summarise(points: readonly Point[]): LastValues[] {
  return points.slice(0, LAST_VALUES_MAX_POINTS).map((p) => {
    const { institution: _i, device: _d, ...tags } = p.tags;
    return { measurement: p.measurement, tags, fields: p.fields };
  });
}

export interface DeviceHealthOptions {
  /** Already tagged with the device. */
  logger: Logger;
  /** When the device started "starting" (epoch ms). */
  since: number;
}

/**
 * One device's health: what its source reports, kept as the `DeviceHealth` everyone reads. Every
 * instant is given by the source (`at`, the gateway's UTC clock in epoch ms), never read here.
 */
export class DeviceHealthTracker {
  readonly #h: DeviceHealth;
  readonly #log: Logger;

  constructor(id: string, options: DeviceHealthOptions) {
    this.#log = options.logger;
    this.#h = { id, state: "starting", since: options.since, polls: 0, failed_polls: 0 };
  }

  get state(): DeviceState {
    return this.#h.state;
  }

  snapshot(): DeviceHealth {
    return { ...this.#h };
  }

  /** A read began: a poll was sent, or a message arrived. */
  attempt(at: number): void {
    this.#h.polls++;
    this.#h.last_poll_at = at;
  }

  /** The read gave these points. */
  readings(points: readonly Point[], at: number): void {
    this.#h.last_success_at = at;
    this.#h.last_points = points.length;
    this.#h.last_values = summarise(points);
  }

  /** The read failed: counted, and kept as the last error. */
  failure(reason: string, at: number): void {
    this.#h.failed_polls++;
    this.error(reason, at);
  }

  /** Kept as the last error without counting a failed read (a message holding nothing to read). */
  error(reason: string, at: number): void {
    this.#h.last_error = reason;
    this.#h.last_error_at = at;
  }

  /** How long the last poll took (polled devices). */
  pollTook(ms: number): void {
    this.#h.last_poll_ms = ms;
  }

  /** While offline: when the next poll is due; undefined once it answers (polled devices). */
  nextRetry(at: number | undefined): void {
    this.#h.next_retry_at = at;
  }

  /** The device answers (or publishes): online since `at`. Logged when it changes. */
  online(at: number, context: Record<string, unknown> = {}): void {
    const h = this.#h;
    if (h.state === "online") return;
    if (h.state === "offline") this.#log.info({ offline_ms: at - h.since, ...context }, "Device back online");
    else this.#log.info(context, "Device online");
    h.state = "online";
    h.since = at;
    h.reason = undefined;
  }

  /**
   * The device does not answer (or has fallen silent): offline, with the reason. Logged once as a warning
   * when it changes; a new reason while offline only at debug level. `context` goes into the warning
   * (an `err` with its stack when the cause is a bug rather than the device).
   */
  offline(reason: string, at: number, context: Record<string, unknown> = {}): void {
    const h = this.#h;
    if (h.state === "offline") {
      const { err: _stack, ...rest } = context;
      if (reason !== h.reason)
        this.#log.debug({ ...rest, reason }, "Device still offline, for another reason");
      h.reason = reason;
      return;
    }
    this.#log.warn(context, `Device offline: ${reason}`);
    h.state = "offline";
    h.since = at;
    h.reason = reason;
  }

  /** Not heard from yet, and why (a pushed device before its first message). Only while starting. */
  waiting(reason: string): void {
    if (this.#h.state === "starting") this.#h.reason = reason;
  }
}
