import { describe, expect, it } from "vitest";
import { localParts, monthBounds } from "./local-time.js";

const TZ = "Africa/Casablanca";

describe("local time in Africa/Casablanca", () => {
  it("matches a plain Intl formatter at every hour of 2025-2027 (the offset cache is exact)", () => {
    const f = new Intl.DateTimeFormat("sv-SE", {
      timeZone: TZ,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    const pad = (n: number) => String(n).padStart(2, "0");
    let mismatches = 0;
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += 3_600_000) {
      const p = localParts(t, TZ);
      if (`${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}` !== f.format(t))
        mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("bounds a month by local midnights, across Ramadan's return to GMT", () => {
    // June 2026 on GMT+1: 31 May 23:00Z → 30 June 23:00Z.
    expect(monthBounds("2026-06", TZ)).toEqual({
      startMs: Date.parse("2026-05-31T23:00:00Z"),
      endMs: Date.parse("2026-06-30T23:00:00Z"),
    });
    // February 2026 starts on GMT+1 and ends on GMT (Ramadan from 15 Feb): 28 days + 1 hour.
    const feb = monthBounds("2026-02", TZ);
    expect(new Date(feb.startMs).toISOString()).toBe("2026-01-31T23:00:00.000Z");
    expect(new Date(feb.endMs).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect((feb.endMs - feb.startMs) / 3_600_000).toBe(28 * 24 + 1);
    expect(() => monthBounds("2026-6", TZ)).toThrow('month "2026-6" is not YYYY-MM');
  });
});
