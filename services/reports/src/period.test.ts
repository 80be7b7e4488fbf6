import { MOROCCO_TZ } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { isPeriod, parsePeriod } from "./period.js";

describe("parsePeriod", () => {
  it("reads a month as its local midnights (Morocco is UTC+1 in October)", () => {
    const p = parsePeriod("2026-10", MOROCCO_TZ);
    expect(p).toMatchObject({ kind: "month", year: 2026, index: 10, months: ["2026-10"] });
    expect(new Date(p.from).toISOString()).toBe("2026-09-30T23:00:00.000Z");
    expect(new Date(p.to).toISOString()).toBe("2026-10-31T23:00:00.000Z");
  });

  it("reads a quarter as its three months", () => {
    const p = parsePeriod("2026-Q1", MOROCCO_TZ);
    expect(p).toMatchObject({ kind: "quarter", index: 1, months: ["2026-01", "2026-02", "2026-03"] });
    // 1 April 2026 is after Ramadan's GMT period: UTC+1 again.
    expect(new Date(p.to).toISOString()).toBe("2026-03-31T23:00:00.000Z");
  });

  it("reads a year as its twelve months", () => {
    const p = parsePeriod("2026", MOROCCO_TZ);
    expect(p.kind).toBe("year");
    expect(p.index).toBeUndefined();
    expect(p.months).toHaveLength(12);
    expect(p.months.at(-1)).toBe("2026-12");
    expect(new Date(p.from).toISOString()).toBe("2025-12-31T23:00:00.000Z");
  });

  it("refuses anything else, naming it and the forms it takes", () => {
    for (const text of ["2026-13", "2026-Q5", "26", "2026-10-01", "Q4-2026", ""]) {
      expect(isPeriod(text)).toBe(false);
      expect(() => parsePeriod(text, MOROCCO_TZ)).toThrow(
        `"${text}" is not a period: give a month (2026-10)`,
      );
    }
  });
});
