/**
 * Bounded retries with exponential backoff and full jitter, for StoreUnavailableError only: a rejected
 * write (HTTP 400, a type conflict) fails the same way every time, so it is never retried.
 */
import { StoreUnavailableError } from "../store/types.js";

export interface RetryOptions {
  /** Total attempts, the first included. Default 5. */
  attempts?: number;
  /** Backoff before the 2nd attempt; doubles each time. Default 200 ms. */
  baseDelayMs?: number;
  /** Ceiling of any one wait, Retry-After included. Default 30 s. */
  maxDelayMs?: number;
  /** Wait at least the server's Retry-After. Default true. */
  honourRetryAfter?: boolean;
  /** Stops waiting and rethrows the last error when aborted. */
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log. */
  onRetry?: (info: { attempt: number; delayMs: number; error: StoreUnavailableError }) => void;
  /** Random source in [0, 1), for jitter. */
  random?: () => number;
}

/** Runs `fn` until it succeeds, throws something other than StoreUnavailableError, or attempts run out. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || attempt >= attempts || options.signal?.aborted)
        throw error;
      const delayMs = retryDelay(attempt, error, options);
      options.onRetry?.({ attempt, delayMs, error });
      if (!(await sleep(delayMs, options.signal))) throw error;
    }
  }
}

/** Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in [0, base·2^(n-1)]. */
export function retryDelay(
  attempt: number,
  error: StoreUnavailableError,
  options: RetryOptions = {},
): number {
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  const backoff = Math.min(max, base * 2 ** (attempt - 1)) * random();
  const floor = options.honourRetryAfter === false ? 0 : error.retryAfterSeconds * 1000;
  return Math.round(Math.min(max, Math.max(backoff, floor)));
}

/** Resolves true after `ms`, or false at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
