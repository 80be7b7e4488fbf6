import { describe, expect, it } from "vitest";
import { entryAt, RingBuffer } from "./history.js";

describe("RingBuffer", () => {
  it("keeps the newest `capacity` entries in order", () => {
    const buf = new RingBuffer<number>(3);
    for (const n of [1, 2, 3, 4, 5]) buf.push(n);
    expect(buf.length).toBe(3);
    expect(buf.toArray()).toEqual([3, 4, 5]);
    expect(buf.at(0)).toBe(3);
    expect(buf.at(-1)).toBe(5);
    expect(buf.at(3)).toBeUndefined();
  });

  it("rejects a capacity below 1", () => {
    expect(() => new RingBuffer(0)).toThrow(/capacity/);
  });
});

describe("entryAt", () => {
  const buf = new RingBuffer<{ at: number; v: string }>(4);
  for (const [at, v] of [
    [10, "a"],
    [20, "b"],
    [30, "c"],
    [40, "d"],
    [50, "e"],
  ] as const)
    buf.push({ at, v });

  it("returns the newest entry at or before the instant", () => {
    expect(entryAt(buf, 20)?.v).toBe("b");
    expect(entryAt(buf, 29)?.v).toBe("b");
    expect(entryAt(buf, 30)?.v).toBe("c");
    expect(entryAt(buf, 1e9)?.v).toBe("e");
  });

  it("returns undefined before the oldest retained entry", () => {
    expect(entryAt(buf, 19)).toBeUndefined();
    expect(entryAt(new RingBuffer<{ at: number }>(2), 100)).toBeUndefined();
  });
});
