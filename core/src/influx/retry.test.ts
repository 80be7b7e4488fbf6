import { describe, expect, it } from "vitest";
import { StoreRejectedError, StoreUnavailableError } from "../store/types.js";
import { retryDelay, withRetry } from "./retry.js";

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe("withRetry", () => {
  it("retries StoreUnavailableError until the call succeeds", async () => {
    const attempts: number[] = [];
    const result = await withRetry(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw new StoreUnavailableError("down", 0);
      return "written";
    }, fast);
    expect(result).toBe("written");
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("never retries a rejection", async () => {
    let calls = 0;
    const run = withRetry(async () => {
      calls++;
      throw new StoreRejectedError("field type conflict");
    }, fast);
    await expect(run).rejects.toThrow(StoreRejectedError);
    expect(calls).toBe(1);
  });

  it("gives up after the bounded number of attempts with the last error", async () => {
    let calls = 0;
    const retries: number[] = [];
    const run = withRetry(
      async () => {
        calls++;
        throw new StoreUnavailableError(`down ${calls}`, 0);
      },
      { ...fast, attempts: 4, onRetry: ({ attempt }) => retries.push(attempt) },
    );
    await expect(run).rejects.toThrow("down 4");
    expect(calls).toBe(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it("stops at once when aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        controller.abort();
        throw new StoreUnavailableError("down", 0);
      },
      { ...fast, signal: controller.signal },
    );
    await expect(run).rejects.toThrow("down");
    expect(calls).toBe(1);
  });
});

describe("retryDelay", () => {
  const noWait = new StoreUnavailableError("down", 0);

  it("doubles the ceiling each attempt, with full jitter below it", () => {
    const top = { baseDelayMs: 100, random: () => 0.999999 };
    expect([1, 2, 3, 4].map((n) => retryDelay(n, noWait, top))).toEqual([100, 200, 400, 800]);
    expect(retryDelay(3, noWait, { baseDelayMs: 100, random: () => 0.5 })).toBe(200);
    expect(retryDelay(3, noWait, { baseDelayMs: 100, random: () => 0 })).toBe(0);
  });

  it("never waits longer than maxDelayMs, and at least the server's Retry-After", () => {
    expect(retryDelay(20, noWait, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 })).toBe(1000);
    const later = new StoreUnavailableError("busy", 3);
    expect(retryDelay(1, later, { random: () => 0 })).toBe(3000);
    expect(retryDelay(1, later, { random: () => 0, maxDelayMs: 2000 })).toBe(2000);
    expect(retryDelay(1, later, { random: () => 0, honourRetryAfter: false })).toBe(0);
  });
});
