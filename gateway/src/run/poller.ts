/**
 * Polls one device on its own schedule. Slots are fixed from the start instant (start + k × interval), so
 * delays never accumulate into drift; a poll that overruns its slot skips the missed ones instead of
 * piling up, so two polls of one device never overlap. A failing device never holds up another: every
 * device has its own poller.
 *
 * An offline device is retried with ONE attempt (no retries within the poll) and a growing delay: the next
 * slot, then 2, 4, 8 ... slots later, up to `offlineRetryMaxMs` (5 min by default). A unit that stopped
 * answering holds a shared RS-485 line for a whole timeout each time it is asked; retried every slot, it
 * would take the line from the units that answer (issue 13).
 *
 * Health is recorded here, and the state changes (online → offline with the reason, and back) are
 * logged once each, not on every failed poll (STYLE.md habit 11).
 */
import type { FieldValue, Point } from "@jisr/core";
import type { Logger } from "pino";
import { DeviceError, type Driver } from "../drivers/types.js";

export type DeviceState = "starting" | "online" | "offline";

/** One point of the last successful poll, for `jisr gateway status` (institution and device tags left out). */
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
  /** Why the device is offline (the last error), while it is. */
  reason?: string;
  /** When the device entered its current state (epoch ms). */
  since: number;
  polls: number;
  failed_polls: number;
  last_poll_at?: number;
  last_success_at?: number;
  /** Points returned by the last successful poll. */
  last_points?: number;
  /** How long the last poll took, ms. */
  last_poll_ms?: number;
  /** The last failure, kept after the device came back (`reason` is only set while offline). */
  last_error?: string;
  last_error_at?: number;
  /** The points of the last successful poll. */
  last_values?: LastValues[];
  /** While offline: when the next (single-attempt) poll is due, epoch ms. */
  next_retry_at?: number;
}

export interface PollerOptions {
  intervalMs: number;
  logger: Logger;
  /** Receives the points of every successful poll. */
  onPoints: (points: Point[]) => void;
  /** The gateway's UTC clock (epoch ms); Date.now by default. */
  clock?: () => number;
  /** Longest delay between two polls of an offline device (devices[].offline_retry_max); 5 min by default. */
  offlineRetryMaxMs?: number;
}

const DEFAULT_OFFLINE_RETRY_MAX_MS = 300_000;

/**
 * Slots from the last poll to the next one: 1 while the device answers; after `failedInARow` failed
 * polls, 1, 2, 4, 8 ... up to as many slots as fit in `maxMs` (at least 1). Pure, for tests.
 */
export function slotsUntilNextPoll(failedInARow: number, intervalMs: number, maxMs: number): number {
  if (failedInARow <= 0) return 1;
  const most = Math.max(1, Math.floor(maxMs / intervalMs));
  return Math.min(2 ** Math.min(failedInARow - 1, 30), most);
}

export class DevicePoller {
  readonly #driver: Driver;
  readonly #o: PollerOptions;
  readonly #clock: () => number;
  readonly #health: DeviceHealth;
  #startAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #lostSince: number | undefined;
  #lostPolls = 0;
  #failedInARow = 0;

  constructor(driver: Driver, options: PollerOptions) {
    this.#driver = driver;
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#health = { id: driver.id, state: "starting", since: this.#clock(), polls: 0, failed_polls: 0 };
  }

  health(): DeviceHealth {
    return { ...this.#health };
  }

  /** Polls now, then at every slot start + k × interval. */
  start(): void {
    this.#startAt = Date.now();
    this.#run();
  }

  /**
   * No more polls; waits for the one in progress, at most `waitMs`. The bound matters: a device that
   * stopped answering keeps a poll busy for up to timeout × requests × (retries + 1).
   */
  async stop(waitMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const running = this.#running;
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      if (Number.isFinite(waitMs)) timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([running, gaveUp]);
    clearTimeout(timer);
  }

  #run(): void {
    if (this.#stopped) return;
    this.#running = this.#pollOnce().finally(() => {
      this.#running = undefined;
      this.#scheduleNext();
    });
  }

  #scheduleNext(): void {
    if (this.#stopped) return;
    const interval = this.#o.intervalMs;
    const now = Date.now();
    // The first slot strictly after now: an overrun skips slots rather than polling back to back. An
    // offline device waits more slots (slotsUntilNextPoll), on the same grid.
    const skip = slotsUntilNextPoll(
      this.#failedInARow,
      interval,
      this.#o.offlineRetryMaxMs ?? DEFAULT_OFFLINE_RETRY_MAX_MS,
    );
    const nextAt = this.#startAt + (Math.floor((now - this.#startAt) / interval) + skip) * interval;
    if (this.#failedInARow > 0) this.#health.next_retry_at = this.#clock() + (nextAt - now);
    else this.#health.next_retry_at = undefined;
    this.#timer = setTimeout(() => this.#run(), nextAt - now);
  }

  async #pollOnce(): Promise<void> {
    const now = this.#clock();
    const h = this.#health;
    h.polls++;
    h.last_poll_at = now;
    let points: Point[];
    try {
      // One attempt while offline: retrying a silent unit only holds the line longer.
      points = await this.#driver.poll(now, this.#failedInARow > 0 ? { retries: 0 } : {});
      this.#failedInARow = 0;
    } catch (err) {
      this.#failedInARow++;
      h.failed_polls++;
      h.last_error = err instanceof Error ? err.message : String(err);
      h.last_error_at = now;
      this.#offline(err);
      return;
    } finally {
      h.last_poll_ms = this.#clock() - now;
    }
    h.last_success_at = now;
    h.last_points = points.length;
    h.last_values = summarise(points);
    this.#online(points.length);
    // Logged once the points are queued (durably, with the SQLite outbox), never before.
    const queued = this.#deliver(points);
    if (queued && this.#o.logger.isLevelEnabled("debug"))
      this.#o.logger.debug(polledContext(now, points, h), "Polled");
  }

  /** A failure to queue is the gateway's problem, not the device's: logged, never counted as offline. */
  #deliver(points: Point[]): boolean {
    try {
      this.#o.onPoints(points);
      if (this.#lostSince !== undefined)
        this.#o.logger.info({ lost_polls: this.#lostPolls }, "Queueing the points of polls again");
      this.#lostSince = undefined;
      return true;
    } catch (err) {
      // Once per episode: a broken queue fails every poll the same way until someone fixes it.
      if (this.#lostSince === undefined) {
        this.#o.logger.error(
          { err, points: points.length },
          "Could not queue the points of a poll; they are lost until the queue works again",
        );
        this.#lostSince = this.#clock();
        this.#lostPolls = 0;
      }
      this.#lostPolls++;
      return false;
    }
  }

  #online(points: number): void {
    const h = this.#health;
    if (h.state === "online") return;
    const log = this.#o.logger;
    if (h.state === "offline")
      log.info({ offline_ms: this.#clock() - h.since, points }, "Device back online");
    else log.info({ points }, "Device online");
    h.state = "online";
    h.since = this.#clock();
    h.reason = undefined;
  }

  #offline(err: unknown): void {
    const h = this.#health;
    const reason = err instanceof Error ? err.message : String(err);
    const kind = err instanceof DeviceError ? err.kind : "unexpected";
    if (h.state === "offline") {
      if (reason !== h.reason)
        this.#o.logger.debug({ kind, reason }, "Device still offline, for another reason");
      h.reason = reason;
      return;
    }
    // Not a DeviceError means a bug in a driver: log the stack so it can be found.
    const context = err instanceof DeviceError ? { kind } : { kind, err };
    this.#o.logger.warn(context, `Device offline: ${reason}`);
    h.state = "offline";
    h.since = this.#clock();
    h.reason = reason;
  }
}

/**
 * `stamped_at`: the distinct timestamps the points carry (a driver may restamp them, e.g. after a
 * discovery), which is how they can be found downstream.
 */
function polledContext(now: number, points: Point[], h: DeviceHealth) {
  const stamped = [...new Set(points.map((p) => p.time))];
  return { poll_at: now, stamped_at: stamped, points: points.length, poll_ms: h.last_poll_ms };
}

export function summarise(points: readonly Point[]): LastValues[] {
  return points.slice(0, LAST_VALUES_MAX_POINTS).map((p) => {
    const { institution: _i, device: _d, ...tags } = p.tags;
    return { measurement: p.measurement, tags, fields: p.fields };
  });
}
