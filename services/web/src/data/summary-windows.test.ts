/** What the hot-water card says before today's figure exists: the window running, or the next one. */
import { describe, expect, it } from "vitest";
import { nextWindow } from "./summary.js";

const WINDOWS = [
  { start: "18:00", end: "22:00" },
  { start: "06:00", end: "09:00" },
];

describe("nextWindow", () => {
  it("names the running window, else the next today, else tomorrow's first", () => {
    expect(nextWindow(WINDOWS, "05:59")).toEqual({
      start: "06:00",
      end: "09:00",
      open: false,
      tomorrow: false,
    });
    expect(nextWindow(WINDOWS, "06:00")).toEqual({
      start: "06:00",
      end: "09:00",
      open: true,
      tomorrow: false,
    });
    expect(nextWindow(WINDOWS, "11:00")).toEqual({
      start: "18:00",
      end: "22:00",
      open: false,
      tomorrow: false,
    });
    expect(nextWindow(WINDOWS, "21:59")).toEqual({
      start: "18:00",
      end: "22:00",
      open: true,
      tomorrow: false,
    });
    expect(nextWindow(WINDOWS, "22:00")).toEqual({
      start: "06:00",
      end: "09:00",
      open: false,
      tomorrow: true,
    });
    expect(nextWindow([], "10:00")).toBeNull();
  });
});
