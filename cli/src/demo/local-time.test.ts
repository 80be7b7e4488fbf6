import { describe, expect, it } from "vitest";
import { formatLocal, localTimeToday, offsetMinutes } from "./local-time.js";

const TZ = "Africa/Casablanca";

describe("local time in Africa/Casablanca", () => {
  it("is UTC+1 outside Ramadan and UTC+0 during it", () => {
    expect(offsetMinutes(Date.UTC(2026, 10, 29, 12), TZ)).toBe(60);
    // Ramadan 2026 ran from about 18 February to 19 March: Morocco was back on GMT.
    expect(offsetMinutes(Date.UTC(2026, 2, 1, 12), TZ)).toBe(0);
  });

  it("finds the UTC instant of a local time of day", () => {
    const now = Date.UTC(2026, 10, 29, 15, 0);
    expect(new Date(localTimeToday("09:00", TZ, now)).toISOString()).toBe("2026-11-29T08:00:00.000Z");
    expect(new Date(localTimeToday("09:00", TZ, Date.UTC(2026, 2, 1, 15))).toISOString()).toBe(
      "2026-03-01T09:00:00.000Z",
    );
    // Just before midnight UTC it is already the next day in Casablanca.
    expect(new Date(localTimeToday("00:30", TZ, Date.UTC(2026, 10, 29, 23, 30))).toISOString()).toBe(
      "2026-11-29T23:30:00.000Z",
    );
  });

  it("refuses what is not a time of day", () => {
    expect(() => localTimeToday("25:00", TZ)).toThrow(/not a time of day/);
    expect(() => localTimeToday("noon", TZ)).toThrow(/not a time of day/);
  });

  it("formats in local time", () => {
    expect(formatLocal(Date.UTC(2026, 10, 29, 9, 42), TZ)).toBe("2026-11-29 10:42");
  });
});
