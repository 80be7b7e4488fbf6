/**
 * A warning logged at most once per interval per key (a device), with the count of those left out. A
 * device publishing a bad payload every second must not flood the log; the counters in the status say
 * how many there were.
 */
import type { Logger } from "pino";

export class RateLimitedWarn {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #clock: () => number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(logger: Logger, intervalMs: number, clock: () => number = Date.now) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
    this.#clock = clock;
  }

  warn(key: string, context: Record<string, unknown>, message: string): void {
    const now = this.#clock();
    const last = this.#last.get(key);
    if (last && now - last.at < this.#intervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.#last.set(key, { at: now, suppressed: 0 });
    this.#logger.warn(suppressed > 0 ? { ...context, suppressed_since_last: suppressed } : context, message);
  }
}
