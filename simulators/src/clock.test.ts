import { describe, expect, it } from "vitest";
import { createSimClock } from "./clock.js";

describe("createSimClock", () => {
  it("runs sim time = start + (wall − wallStart) × speed", () => {
    let wall = 1_000_000;
    const start = new Date("2026-06-21T12:00:00Z");
    const clock = createSimClock({ start, speed: 3600, wallNow: () => wall });
    expect(clock.now()).toBe(start.getTime());
    wall += 1000;
    expect(new Date(clock.now()).toISOString()).toBe("2026-06-21T13:00:00.000Z");
    expect(clock.simAt(1_000_500)).toBe(start.getTime() + 1_800_000);
  });

  it("defaults to the wall time at speed 1", () => {
    let wall = Date.UTC(2026, 0, 1);
    const clock = createSimClock({ wallNow: () => wall });
    wall += 12_345;
    expect(clock.now()).toBe(wall);
  });

  it("rejects a zero, negative or infinite speed and an invalid start", () => {
    expect(() => createSimClock({ speed: 0 })).toThrow(/speed/);
    expect(() => createSimClock({ speed: -2 })).toThrow(/speed/);
    expect(() => createSimClock({ speed: Number.POSITIVE_INFINITY })).toThrow(/speed/);
    expect(() => createSimClock({ start: new Date("nope") })).toThrow(/start/);
  });
});
