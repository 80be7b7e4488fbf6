import { describe, expect, it } from "vitest";
import { BodyPool, MIN_POOLED_BYTES } from "./body-pool.js";

describe("BodyPool", () => {
  it("hands out buffers of a power of two at least 64 KiB, none for small bodies", () => {
    const pool = new BodyPool();
    expect(pool.acquire(100)).toBeUndefined();
    expect(pool.acquire(MIN_POOLED_BYTES / 2)?.length).toBe(MIN_POOLED_BYTES);
    expect(pool.acquire(MIN_POOLED_BYTES + 1)?.length).toBe(2 * MIN_POOLED_BYTES);
    expect(pool.acquire(1_250_000)?.length).toBe(2 * 1024 * 1024);
  });

  it("gives a buffer given back to the next body of its size class, and counts it", () => {
    const pool = new BodyPool();
    const a = pool.acquire(100_000) as Buffer;
    pool.release(a);
    expect(pool.freeBytes).toBe(a.length);
    const b = pool.acquire(120_000);
    expect(b).toBe(a);
    expect(pool.freeBytes).toBe(0);
    expect(pool.stats).toEqual({ acquired: 2, reused: 1 });
    // Another size class gets a buffer of its own.
    expect(pool.acquire(400_000)).not.toBe(a);
  });

  it("takes a buffer given back twice only once: two bodies never share one", () => {
    const pool = new BodyPool();
    const a = pool.acquire(100_000) as Buffer;
    pool.release(a);
    pool.release(a);
    const b = pool.acquire(100_000);
    const c = pool.acquire(100_000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it("ignores buffers it did not hand out", () => {
    const pool = new BodyPool();
    pool.release(Buffer.alloc(MIN_POOLED_BYTES));
    expect(pool.freeBytes).toBe(0);
    expect(pool.acquire(MIN_POOLED_BYTES)).not.toBeUndefined();
    expect(pool.stats.reused).toBe(0);
  });

  it("keeps at most maxBytes free; beyond, buffers are left to the garbage collector", () => {
    const pool = new BodyPool(4 * MIN_POOLED_BYTES);
    const lent = Array.from({ length: 6 }, () => pool.acquire(MIN_POOLED_BYTES) as Buffer);
    for (const b of lent) pool.release(b);
    expect(pool.freeBytes).toBe(4 * MIN_POOLED_BYTES);
    // Larger than the whole pool: not pooled at all.
    expect(pool.acquire(8 * MIN_POOLED_BYTES)).toBeUndefined();
  });
});
