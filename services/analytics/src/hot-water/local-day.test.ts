import { describe, expect, it } from "vitest";
import { dayGrid } from "./local-day.js";

const TZ = "Africa/Casablanca";

describe("local days as minute grids", () => {
  // tzdata (2025c here): Ramadan 2026 began with 03:00 (+01) → 02:00 (+00) on 15 Feb and ended with
  // 02:00 (+00) → 03:00 (+01) on 22 Mar. Morocco does have 25 h and 23 h local days.
  it("counts the real minutes of ordinary and clock-change days", () => {
    expect(dayGrid("2026-06-10", TZ)).toEqual({
      label: "2026-06-10",
      start: Date.UTC(2026, 5, 9, 23),
      end: Date.UTC(2026, 5, 10, 23),
      minutes: 1440,
    });
    expect(dayGrid("2026-02-15", TZ).minutes).toBe(1500);
    expect(dayGrid("2026-03-22", TZ).minutes).toBe(1380);
  });

  it("refuses what is not a day", () => {
    expect(() => dayGrid("2026-02-30", TZ)).toThrow(/not a calendar day/);
  });
});
