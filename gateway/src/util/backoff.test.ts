import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

const opts = { initialMs: 1000, maxMs: 30_000 };

describe("backoffDelay", () => {
  it("doubles the nominal delay per failure up to the ceiling", () => {
    // random() = 1 - ε gives (almost) the nominal delay, 0 gives half of it.
    const top = (n: number) => backoffDelay(n, { ...opts, random: () => 0.999_999 });
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(top)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    const bottom = (n: number) => backoffDelay(n, { ...opts, random: () => 0 });
    expect([1, 2, 6, 1000].map(bottom)).toEqual([500, 1000, 15_000, 15_000]);
  });

  it("spreads retries between half and all of the nominal delay", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, { ...opts, random }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    // 40 gateways back at once must not retry in step: the delays really differ.
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it("treats zero or negative failure counts as the first failure", () => {
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(500);
    expect(backoffDelay(-3, { ...opts, random: () => 0 })).toBe(500);
  });
});
