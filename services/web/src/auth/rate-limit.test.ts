import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("allows a burst, then one attempt per refill period, telling how long to wait", () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, refillMs: 30_000, clock: () => now });
    expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterSeconds: 30 });
    now = 20_000;
    expect(limiter.check("k")).toEqual({ ok: false, retryAfterSeconds: 10 });
    now = 30_000;
    expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("other")).toEqual({ ok: true });
  });

  it("check takes nothing; reset gives the whole burst back", () => {
    const limiter = new RateLimiter({ capacity: 1, refillMs: 1000, clock: () => 0 });
    expect(limiter.check("k").ok).toBe(true);
    expect(limiter.check("k").ok).toBe(true);
    expect(limiter.take("k").ok).toBe(true);
    expect(limiter.check("k").ok).toBe(false);
    limiter.reset("k");
    expect(limiter.take("k").ok).toBe(true);
  });

  it("keeps at most maxKeys, forgetting full buckets first", () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 1, refillMs: 1000, clock: () => now, maxKeys: 3 });
    for (const k of ["a", "b", "c"]) limiter.take(k);
    now = 5000; // a, b, c are full again
    limiter.take("d");
    expect(limiter.size).toBe(1);
    for (const k of ["e", "f", "g", "h"]) limiter.take(k);
    expect(limiter.size).toBe(3);
  });
});
