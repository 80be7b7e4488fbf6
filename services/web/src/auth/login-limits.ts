/**
 * Login limits, counted by @fastify/rate-limit: per client address (the login route's `rateLimit`
 * config, before the body is read) and per login id (`createRateLimit` keyed on the id, after the body is
 * validated). An attempt is counted *before* the password is checked, in one synchronous step, so twenty
 * parallel attempts for one id cannot all get past the count while the first scrypt runs: at most `perId`
 * password checks per id and window, from any number of addresses.
 *
 * What the library cannot do, and this file adds: its LocalStore reads `Date.now()`, and the service
 * runs its sessions and login limits on one injected clock (the tests move it; the demo keeps it on wall
 * time while its data clock runs 60 times faster). `clockedStore` is the same fixed window as LocalStore
 * on that clock, with a bound on the keys it keeps. Keys, headers, the 429 and the hooks stay the
 * library's.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from "@fastify/rate-limit";

export interface LoginLimits {
  /** Password checks per login id per window, whatever the addresses they come from. */
  perId: number;
  perIdWindowMs: number;
  /** Login attempts per client address per window (every attempt, right or wrong). */
  perAddress: number;
  perAddressWindowMs: number;
}

/**
 * Five checks per id per 5 minutes: at most 1,440 guesses a day against one account, while someone who
 * mistypes five times waits 5 minutes at most. Twenty attempts per address per 5 minutes leaves room for
 * a care home's staff behind one address and slows one machine trying many ids.
 */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perId: 5,
  perIdWindowMs: 5 * 60_000,
  perAddress: 20,
  perAddressWindowMs: 5 * 60_000,
};

interface Window {
  count: number;
  start: number;
  length: number;
}

/** Keys kept per limiter: about 100 bytes each, so the bound is ~10 MB whatever an attacker sends. */
export const MAX_KEYS = 100_000;

/** A @fastify/rate-limit store class: fixed windows on `clock`, at most `maxKeys` keys per limiter. */
export function clockedStore(clock: () => number, maxKeys = MAX_KEYS): FastifyRateLimitStoreCtor {
  class ClockedStore implements FastifyRateLimitStore {
    // Map order is the order the windows started in (a window that restarts is re-inserted).
    readonly #windows = new Map<string, Window>();

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = clock();
      let w = this.#windows.get(key);
      if (!w || w.start + w.length <= now) {
        this.#windows.delete(key);
        this.#makeRoom(now);
        w = { count: 0, start: now, length: timeWindow };
        this.#windows.set(key, w);
      }
      w.count += 1;
      callback(null, { current: w.count, ttl: w.start + w.length - now });
    }

    child(): FastifyRateLimitStore {
      return new ClockedStore();
    }

    #makeRoom(now: number): void {
      if (this.#windows.size < maxKeys) return;
      for (const [key, w] of this.#windows) if (w.start + w.length <= now) this.#windows.delete(key);
      // Still full of live windows: the oldest go first; they are the nearest to their end anyway.
      for (const key of this.#windows.keys()) {
        if (this.#windows.size < maxKeys) break;
        this.#windows.delete(key);
      }
    }
  }
  return ClockedStore;
}
