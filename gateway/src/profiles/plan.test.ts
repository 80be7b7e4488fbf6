import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN_OPTIONS, planOnePerPoint, planReads } from "./plan.js";
import type { ProfilePoint } from "./profile.js";
import type { Table } from "./register-types.js";

/** A point of `size` registers at `address`. */
function p(name: string, address: number, size = 1, extra: Partial<ProfilePoint> = {}): ProfilePoint {
  const table: Table = extra.table ?? "holding";
  return { name, table, address, size, type: "uint16", wordOrder: "big", tags: {}, sentinels: [], ...extra };
}

const opts = (over: Partial<typeof DEFAULT_PLAN_OPTIONS> = {}) => ({ ...DEFAULT_PLAN_OPTIONS, ...over });

describe("planReads", () => {
  it("merges adjacent and nearby registers into one request, points in address order", () => {
    const points = [p("c", 110, 2), p("a", 100), p("b", 101, 2)];
    expect(planReads(points)).toEqual([
      { table: "holding", address: 100, count: 12, points: ["a", "b", "c"] },
    ]);
  });

  it("starts a new request when the gap is wider than max_gap", () => {
    const points = [p("a", 100), p("b", 111), p("c", 123)];
    // a ends at 101: 10 unused registers to b (kept), 11 to c (too many).
    expect(planReads(points, opts({ max_gap: 10 }))).toEqual([
      { table: "holding", address: 100, count: 12, points: ["a", "b"] },
      { table: "holding", address: 123, count: 1, points: ["c"] },
    ]);
    expect(planReads(points, opts({ max_gap: 0 }))).toEqual([
      { table: "holding", address: 100, count: 1, points: ["a"] },
      { table: "holding", address: 111, count: 1, points: ["b"] },
      { table: "holding", address: 123, count: 1, points: ["c"] },
    ]);
  });

  it("never exceeds 125 registers per request, and never splits a 32-bit point", () => {
    const points = [p("a", 0), p("b", 100), p("c", 123, 2), p("d", 125)];
    // a..c would end at 125 (125 registers): fits. d would make 126.
    expect(planReads(points, opts({ max_gap: 125 }))).toEqual([
      { table: "holding", address: 0, count: 125, points: ["a", "b", "c"] },
      { table: "holding", address: 125, count: 1, points: ["d"] },
    ]);
    const straddling = [p("a", 0), p("b", 124, 2)];
    expect(planReads(straddling, opts({ max_gap: 125 }))).toEqual([
      { table: "holding", address: 0, count: 1, points: ["a"] },
      { table: "holding", address: 124, count: 2, points: ["b"] },
    ]);
  });

  it("keeps a device's lower max_registers", () => {
    const points = [p("a", 0, 2), p("b", 2, 2), p("c", 4, 2)];
    expect(planReads(points, opts({ max_registers: 4 }))).toEqual([
      { table: "holding", address: 0, count: 4, points: ["a", "b"] },
      { table: "holding", address: 4, count: 2, points: ["c"] },
    ]);
  });

  it("plans each table on its own, in function-code order", () => {
    const points = [
      p("h", 10),
      p("i", 10, 1, { table: "input" }),
      p("c1", 0, 1, { table: "coil", type: "bool" }),
      p("c2", 150, 1, { table: "coil", type: "bool" }),
      p("c3", 400, 1, { table: "coil", type: "bool" }),
      p("d", 5, 1, { table: "discrete", type: "bool" }),
    ];
    // In bit tables a gap of 10 registers is 160 bits: c1 and c2 join, c3 does not.
    expect(planReads(points)).toEqual([
      { table: "coil", address: 0, count: 151, points: ["c1", "c2"] },
      { table: "coil", address: 400, count: 1, points: ["c3"] },
      { table: "discrete", address: 5, count: 1, points: ["d"] },
      { table: "holding", address: 10, count: 1, points: ["h"] },
      { table: "input", address: 10, count: 1, points: ["i"] },
    ]);
  });

  it("reads a value and its scale register in the same request, even across a wide gap", () => {
    const points = [
      p("w", 100, 1, { scaleRegister: "w_sf" }),
      p("other", 105),
      p("w_sf", 140, 1, { type: "int16" }),
      p("next", 150),
    ];
    // Without the scale register, w and w_sf would be 39 registers apart (> max_gap).
    expect(planReads(points)).toEqual([
      { table: "holding", address: 100, count: 51, points: ["w", "other", "w_sf", "next"] },
    ]);
    expect(planReads(points, opts({ max_gap: 0 }))).toEqual([
      { table: "holding", address: 100, count: 41, points: ["w", "other", "w_sf"] },
      { table: "holding", address: 150, count: 1, points: ["next"] },
    ]);
  });

  it("moves a value to its scale register's request rather than splitting them at the 125 limit", () => {
    const points = [p("a", 0), p("v", 120, 1, { scaleRegister: "sf" }), p("sf", 130, 1, { type: "int16" })];
    // a..v fits in 121 registers, but v's factor at 130 would make 131: v goes with sf.
    expect(planReads(points, opts({ max_gap: 125 }))).toEqual([
      { table: "holding", address: 0, count: 1, points: ["a"] },
      { table: "holding", address: 120, count: 11, points: ["v", "sf"] },
    ]);
  });

  it("gives one request per point as the naive baseline", () => {
    expect(planOnePerPoint([p("a", 1), p("b", 2, 2)])).toEqual([
      { table: "holding", address: 1, count: 1, points: ["a"] },
      { table: "holding", address: 2, count: 2, points: ["b"] },
    ]);
  });
});
