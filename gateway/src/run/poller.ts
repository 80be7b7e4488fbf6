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
 * Each poll is reported into the device's health (../sources/health.ts, the one model of polled and
 * pushed devices), which logs the state changes (online → offline with the reason, and back) once each,
 * not on every failed poll (STYLE.md habit 11).
 *
 * The points of a poll go to `onPoints` together with those of the other pollers given the same function
 * whose polls end within a short hold (sink-batch.ts: one queue transaction for all of them, issue 13,
 * footprint); the poll counts as queued only once `onPoints` returned.
 */
import type { Point } from "@jisr/core";
import type { Logger } from "pino";
import { DeviceError, type Driver } from "../drivers/types.js";
import { type DeviceHealth, DeviceHealthTracker } from "../sources/health.js";
import { holdFor, type SinkBatch, sinkBatch } from "./sink-batch.js";

export interface PollerOptions {
  intervalMs: number;
  logger: Logger;
  /**
   * Receives the points of every successful poll, with those of the polls of other pollers given the same
   * function that end within the hold (sink-batch.ts). May throw: the polls of that call are not queued.
   */
  onPoints: (points: Point[]) => void;
  /** How long a poll's points may wait for other polls' before onPoints; holdFor(intervalMs) by default. */
  batchHoldMs?: number;
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
  readonly #health: DeviceHealthTracker;
  #startAt = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Polls not finished: a read in progress, or points waiting for the queue. stop() waits for them. */
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;
  #lostSince: number | undefined;
  #lostPolls = 0;
  #failedInARow = 0;
  readonly #batch: SinkBatch;
  readonly #holdMs: number;

  constructor(driver: Driver, options: PollerOptions) {
    this.#driver = driver;
    this.#o = options;
    this.#batch = sinkBatch(options.onPoints);
    this.#holdMs = options.batchHoldMs ?? holdFor(options.intervalMs);
    this.#clock = options.clock ?? Date.now;
    this.#health = new DeviceHealthTracker(driver.id, { logger: options.logger, since: this.#clock() });
  }

  health(): DeviceHealth {
    return this.#health.snapshot();
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
    // Points waiting for other polls are written now: the queue is closed soon after.
    this.#batch.flush();
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      if (Number.isFinite(waitMs)) timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([Promise.all(this.#inFlight), gaveUp]);
    clearTimeout(timer);
  }

  /**
   * One poll. The next one is scheduled as soon as the device's read ended: the wait for the queue after
   * it (the hold, the transaction) runs beside the schedule and never delays or skips a slot. Reads of one
   * device never overlap; a poll's wait for the queue may outlast the next read's start (hold ≤ a quarter
   * of the interval), and its points still reach the queue first.
   */
  #run(): void {
    if (this.#stopped) return;
    let scheduled = false;
    const next = () => {
      if (scheduled) return;
      scheduled = true;
      this.#scheduleNext();
    };
    // finally: an unexpected throw still schedules the next poll.
    const poll = this.#pollOnce(next).finally(next);
    this.#inFlight.add(poll);
    void poll.finally(() => this.#inFlight.delete(poll));
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
    this.#health.nextRetry(this.#failedInARow > 0 ? this.#clock() + (nextAt - now) : undefined);
    this.#timer = setTimeout(() => this.#run(), nextAt - now);
  }

  /** `readEnded` is called once the device answered or failed, its health recorded. */
  async #pollOnce(readEnded: () => void): Promise<void> {
    const now = this.#clock();
    const h = this.#health;
    h.attempt(now);
    let points: Point[];
    try {
      // One attempt while offline: retrying a silent unit only holds the line longer.
      points = await this.#driver.poll(now, this.#failedInARow > 0 ? { retries: 0 } : {});
      this.#failedInARow = 0;
    } catch (err) {
      h.pollTook(this.#clock() - now);
      this.#failedInARow++;
      const reason = err instanceof Error ? err.message : String(err);
      h.failure(reason, now);
      // Not a DeviceError means a bug in a driver: log the stack so it can be found.
      const kind = err instanceof DeviceError ? err.kind : "unexpected";
      h.offline(reason, this.#clock(), err instanceof DeviceError ? { kind } : { kind, err });
      readEnded();
      return;
    }
    const pollMs = this.#clock() - now;
    h.pollTook(pollMs);
    h.readings(points, now);
    h.online(this.#clock(), { points: points.length });
    readEnded();
    // Logged once the points are queued (durably, with the SQLite outbox), never before.
    const queued = await this.#deliver(points);
    if (queued && this.#o.logger.isLevelEnabled("debug"))
      this.#o.logger.debug(polledContext(now, points, pollMs), "Polled");
  }

  /** A failure to queue is the gateway's problem, not the device's: logged, never counted as offline. */
  async #deliver(points: Point[]): Promise<boolean> {
    if (points.length === 0) return true; // nothing to store: no wait for other polls
    try {
      // Stopping: no wait for other polls, the queue closes soon after.
      await this.#batch.add(points, this.#stopped ? 0 : this.#holdMs);
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
}

/**
 * `stamped_at`: the distinct timestamps the points carry (a driver may restamp them, e.g. after a
 * discovery), which is how they can be found downstream.
 */
function polledContext(now: number, points: Point[], pollMs: number) {
  const stamped = [...new Set(points.map((p) => p.time))];
  return { poll_at: now, stamped_at: stamped, points: points.length, poll_ms: pollMs };
}
