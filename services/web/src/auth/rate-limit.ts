/**
 * A token bucket per key (a login id, an IP address): `capacity` attempts at once, one more every
 * `refillMs`. Small on purpose: one process, in memory, time as a parameter so tests move it.
 */

export interface RateLimitOptions {
  /** Attempts allowed in a burst. */
  capacity: number;
  /** One attempt is given back every this many ms. */
  refillMs: number;
  clock: () => number;
  /** Keys kept at most; full buckets are forgotten first (a full bucket is the same as no bucket). */
  maxKeys?: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #opts: RateLimitOptions;
  readonly #buckets = new Map<string, Bucket>();

  constructor(opts: RateLimitOptions) {
    if (opts.capacity < 1 || opts.refillMs <= 0)
      throw new RangeError("capacity must be ≥ 1 and refillMs > 0");
    this.#opts = opts;
  }

  /** The bucket of `key` as of now (refilled for the time elapsed). */
  #current(key: string, now: number): Bucket {
    const { capacity, refillMs } = this.#opts;
    const b = this.#buckets.get(key);
    if (!b) return { tokens: capacity, at: now };
    const refilled = Math.min(capacity, b.tokens + (now - b.at) / refillMs);
    return { tokens: refilled, at: now };
  }

  #refused(bucket: Bucket): Verdict {
    const waitMs = (1 - bucket.tokens) * this.#opts.refillMs;
    // The epsilon keeps float dust (10000.000000000002 ms) from rounding a wait up by a whole second.
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000 - 1e-6)) };
  }

  /** Would an attempt be allowed now? Takes nothing. */
  check(key: string): Verdict {
    const bucket = this.#current(key, this.#opts.clock());
    return bucket.tokens >= 1 ? { ok: true } : this.#refused(bucket);
  }

  /** Takes one attempt if there is one left. */
  take(key: string): Verdict {
    const now = this.#opts.clock();
    const bucket = this.#current(key, now);
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      return this.#refused(bucket);
    }
    this.#buckets.set(key, { tokens: bucket.tokens - 1, at: now });
    this.#prune(now);
    return { ok: true };
  }

  /** Forgets a key (its bucket is full again). */
  reset(key: string): void {
    this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #prune(now: number): void {
    const max = this.#opts.maxKeys ?? 10_000;
    if (this.#buckets.size <= max) return;
    for (const [key] of this.#buckets) {
      if (this.#current(key, now).tokens >= this.#opts.capacity) this.#buckets.delete(key);
    }
    // Still too many (an attack from many addresses): drop the oldest entries, Map keeps insertion order.
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= max) break;
      this.#buckets.delete(key);
    }
  }
}
