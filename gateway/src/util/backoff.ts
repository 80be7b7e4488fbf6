/**
 * Exponential backoff with jitter, shared by device reconnects and uploads. Half of the delay is fixed
 * and half random ("equal jitter"), so 40 gateways coming back after a server outage do not all retry
 * in the same second, yet no retry comes sooner than half the nominal delay.
 */

export interface BackoffOptions {
  /** Delay after the first failure. */
  initialMs: number;
  /** Ceiling, reached after a few failures. */
  maxMs: number;
  /** A number in [0, 1); Math.random by default (a parameter so tests can pin it). */
  random?: () => number;
}

/** Delay before the next attempt after `failures` consecutive failures (1 = the first). */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const nominal = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  const random = options.random ?? Math.random;
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
