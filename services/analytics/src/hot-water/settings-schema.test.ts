import { ValidationError } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { bottlePriceOn } from "./backup-schema.js";
import {
  hotWaterSettingsJsonSchema,
  hotWaterSettingsSchema,
  parseHotWaterSettings,
} from "./settings-schema.js";

function problems(input: unknown): string[] {
  try {
    parseHotWaterSettings(input);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe("hot-water settings", () => {
  it("fills every default from an empty object", () => {
    const s = hotWaterSettingsSchema.parse({});
    expect(s.demandWindows).toEqual([
      { start: "06:00", end: "09:00" },
      { start: "18:00", end: "22:00" },
    ]);
    expect(s.serviceTemperatureC).toBe(45);
    expect(s.outletField).toBe("outlet_temperature_c");
    expect(s.sampleHoldMinutes).toBe(5);
    expect(s.hygiene).toEqual({
      allDayMinC: 55,
      exposures: [
        { temperatureC: 60, minutes: 60 },
        { temperatureC: 65, minutes: 4 },
        { temperatureC: 70, minutes: 2 },
      ],
    });
    expect(s.scald.thresholdC).toBe(44);
    expect(s.maxGapDays).toBe(45);
    expect(s.solarHeat).toEqual({
      source: "auto",
      counter: { maxPowerW: 100_000, toleranceWh: 100, jitterWh: 10 },
    });
    expect(s.backup).toEqual({
      kind: "electric",
      method: "auto",
      counter: { maxPowerW: 30_000, toleranceWh: 100, jitterWh: 10 },
      efficiency: 1,
    });
    expect(s.co2).toEqual({ gridKgPerKwh: 0.7, butaneKgPerKg: 3.03 });
  });

  it("fills the butane defaults and keeps the burner rating required", () => {
    const s = hotWaterSettingsSchema.parse({ backup: { kind: "butane", burnerPowerKw: 10 } });
    expect(s.backup).toMatchObject({ kind: "butane", efficiency: 0.8, bottleKg: 12, kgPerKwh: 1 / 12.7 });
    expect(problems({ backup: { kind: "butane" } })).toEqual([
      "backup.burnerPowerKw: is required (from the heater's plate)",
    ]);
  });

  it("reports every problem at once, by path", () => {
    expect(
      problems({
        serviceTemperatureC: 20,
        demandWindows: [
          { start: "06:00", end: "09:00" },
          { start: "08:30", end: "10:00" },
        ],
        scald: { treshold: 44 },
      }),
    ).toEqual([
      "serviceTemperatureC: must be at least 30 °C",
      "scald: unknown key: did you mean `thresholdC`? (known keys are: thresholdC)",
      "demandWindows.1: overlaps another window",
    ]);
  });

  it("refuses windows that cross midnight or are not times", () => {
    expect(problems({ demandWindows: [{ start: "22:00", end: "02:00" }] })).toEqual([
      "demandWindows.0.end: must end after it starts (a window cannot cross midnight: split it in two)",
    ]);
    expect(problems({ demandWindows: [{ start: "6:00", end: "24:00" }] })).toEqual([
      'demandWindows.0.start: must be a local time "HH:MM" (00:00 to 24:00)',
    ]);
  });

  it("needs a rating for rated electric backup, and butane prices in date order", () => {
    expect(problems({ backup: { kind: "electric", method: "rated" } })).toEqual([
      'backup.ratedPowerW: is required when method is "rated"',
    ]);
    expect(
      problems({
        backup: {
          kind: "butane",
          burnerPowerKw: 10,
          prices: [
            { from: "2024-05-20", retailMad: 50 },
            { from: "2024-01-01", retailMad: 40 },
          ],
        },
      }),
    ).toEqual(["backup.prices.1.from: must be after the previous entry's date"]);
  });

  it("picks the bottle price in force on a day", () => {
    const s = hotWaterSettingsSchema.parse({ backup: { kind: "butane", burnerPowerKw: 10 } });
    if (s.backup.kind !== "butane") throw new Error("expected butane");
    expect(bottlePriceOn(s.backup.prices, "2024-05-19")).toEqual({ from: "2000-01-01", retailMad: 40 });
    expect(bottlePriceOn(s.backup.prices, "2024-05-20")).toEqual({
      from: "2024-05-20",
      retailMad: 50,
      subsidyMad: 62,
    });
    expect(bottlePriceOn(s.backup.prices, "1999-12-31")).toBeUndefined();
  });

  it("exports a JSON Schema with the descriptions", () => {
    const schema = hotWaterSettingsJsonSchema() as { properties: Record<string, { description?: string }> };
    expect(schema.properties.serviceTemperatureC?.description).toMatch(/at or above/);
    expect(Object.keys(schema.properties)).toContain("backup");
  });
});
