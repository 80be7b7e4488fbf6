import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  daysBetween,
  daysOfMonth,
  formatLocal,
  HOUR_MS,
  hourStarts,
  localDay,
  localDayOf,
  localMonth,
  localMonthOf,
  localParts,
  localTimeToday,
  offsetMinutes,
  parseDay,
  MOROCCO_TZ as TZ,
} from "./local-time.js";

const iso = (ms: number) => new Date(ms).toISOString();

describe("local time in Africa/Casablanca", () => {
  it("is UTC+1 outside Ramadan and UTC+0 during it (2026: 15 Feb to 22 Mar)", () => {
    expect(offsetMinutes(Date.UTC(2026, 10, 29, 12), TZ)).toBe(60);
    expect(offsetMinutes(Date.UTC(2026, 2, 1, 12), TZ)).toBe(0);
    // The switches are at 02:00 UTC, at night: 03:00 → 02:00 local on 15 Feb, 02:00 → 03:00 on 22 Mar.
    expect(offsetMinutes(Date.UTC(2026, 1, 15, 1, 59), TZ)).toBe(60);
    expect(offsetMinutes(Date.UTC(2026, 1, 15, 2, 0), TZ)).toBe(0);
    expect(offsetMinutes(Date.UTC(2026, 2, 22, 1, 59), TZ)).toBe(0);
    expect(offsetMinutes(Date.UTC(2026, 2, 22, 2, 0), TZ)).toBe(60);
  });

  it("puts a reading at 23:30 UTC on the next local day, except during Ramadan", () => {
    expect(localDayOf(Date.UTC(2026, 10, 29, 23, 30), TZ)).toBe("2026-11-30");
    expect(localDayOf(Date.UTC(2026, 10, 29, 22, 59), TZ)).toBe("2026-11-29");
    expect(localDayOf(Date.UTC(2026, 2, 1, 23, 30), TZ)).toBe("2026-03-01");
    expect(localMonthOf(Date.UTC(2026, 10, 30, 23, 0), TZ)).toBe("2026-12");
  });

  it("has days of 24 h, and of 25 h and 23 h on the two switch nights", () => {
    const hours = (day: string) => {
      const { from, to } = localDay(day, TZ);
      return (to - from) / HOUR_MS;
    };
    expect(iso(localDay("2026-11-29", TZ).from)).toBe("2026-11-28T23:00:00.000Z");
    expect(hours("2026-11-29")).toBe(24);
    expect(iso(localDay("2026-02-15", TZ).from)).toBe("2026-02-14T23:00:00.000Z");
    expect(iso(localDay("2026-02-15", TZ).to)).toBe("2026-02-16T00:00:00.000Z");
    expect(hours("2026-02-15")).toBe(25);
    expect(hours("2026-03-22")).toBe(23);
    expect(hourStarts(localDay("2026-02-15", TZ).from, localDay("2026-02-15", TZ).to, TZ)).toHaveLength(25);
  });

  it("bounds months in local time", () => {
    const nov = localMonth("2026-11", TZ);
    expect(iso(nov.from)).toBe("2026-10-31T23:00:00.000Z");
    expect(iso(nov.to)).toBe("2026-11-30T23:00:00.000Z");
    // March 2026 starts on GMT (Ramadan) and ends on GMT+1.
    const mar = localMonth("2026-03", TZ);
    expect(iso(mar.from)).toBe("2026-03-01T00:00:00.000Z");
    expect(iso(mar.to)).toBe("2026-03-31T23:00:00.000Z");
    expect((mar.to - mar.from) / HOUR_MS).toBe(31 * 24 - 1);
  });

  it("walks calendar days and months", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
    expect(daysOfMonth("2028-02")).toHaveLength(29);
  });

  it("refuses what is not a day or a time of day", () => {
    expect(() => parseDay("2026-02-30")).toThrow(/"2026-02-30" is not a calendar day/);
    expect(() => localMonth("2026-13", TZ)).toThrow(/not a month/);
    expect(() => localTimeToday("25:00", TZ)).toThrow(/not a time of day/);
    expect(() => hourStarts(Date.UTC(2026, 0, 1, 0, 30), Date.UTC(2026, 0, 2), TZ)).toThrow(/hour start/);
    expect(() => hourStarts(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2), "Asia/Kolkata")).toThrow(
      /whole hours/,
    );
  });

  it("finds and formats local times of day", () => {
    expect(iso(localTimeToday("09:00", TZ, Date.UTC(2026, 10, 29, 15)))).toBe("2026-11-29T08:00:00.000Z");
    expect(iso(localTimeToday("09:00", TZ, Date.UTC(2026, 2, 1, 15)))).toBe("2026-03-01T09:00:00.000Z");
    expect(formatLocal(Date.UTC(2026, 10, 29, 9, 42), TZ)).toBe("2026-11-29 10:42");
    expect(localParts(Date.UTC(2026, 10, 29, 23, 5), TZ)).toEqual({
      year: 2026,
      month: 11,
      day: 30,
      hour: 0,
      minute: 5,
      offsetMinutes: 60,
    });
  });
});
