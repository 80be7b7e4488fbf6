/**
 * June 2026 (30 days, UTC+1 throughout) for one institution, default settings (420 window minutes a day):
 * - the outlet is 55 °C every minute, except on 12 June (40 °C from 20:15 to 21:40: 85 minutes short)
 *   and on 20 June (no outlet reading at all);
 * - the heat meter gains 5 000 Wh an hour from 10:00 to 16:00 local: 30 000 Wh a day.
 * By hand:
 *   window minutes 30 × 420 = 12 600; unknown 420 (20 June); unavailable 85;
 *   available 28 × 420 + (420 − 85) = 12 095; availability 12 095 / 12 180 = 99.302…% → 99.3
 *   completeness (29 × 1440 + 4) / (30 × 1440) = 0.96676… → 0.9668: the 23:59 reading of 19 June holds
 *   into 20 June for 4 minutes (00:00-00:03; 5-minute hold), so 20 June is 4 / 1440 = 0.0028 complete
 *   hygiene: 55 °C all day passes on 28 days; 12 June fails (40 °C, never 60 °C); 20 June unknown
 *   solar heat 30 × 30 000 = 900 000 Wh; avoided electricity the same; CO2 900 kWh × 0.7 = 630 kg
 */
import { localMonth } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { hotWaterMonthly, monthlyFromDays } from "./monthly.js";
import { hotWaterSettingsSchema } from "./settings-schema.js";
import { at, constant, profile, TZ } from "./testing/fixtures.js";
import type { HotWaterReadings, Sample } from "./types.js";

const settings = hotWaterSettingsSchema.parse({});
const days = Array.from({ length: 30 }, (_, i) => `2026-06-${String(i + 1).padStart(2, "0")}`);

function outletOf(day: string): Sample[] {
  if (day === "2026-06-20") return [];
  if (day === "2026-06-12") {
    return profile(day, [
      ["00:00", 55],
      ["20:15", 40],
      ["21:40", 55],
    ]);
  }
  return constant(day, 55);
}

function heatCounter(): Sample[] {
  const out: Sample[] = [];
  let wh = 1_000_000;
  for (const day of days) {
    out.push({ time: at(day, "10:00"), value: wh });
    wh += 30_000;
    out.push({ time: at(day, "16:00"), value: wh });
  }
  // Close both ends of the month: flat before 10:00 on the 1st and after 16:00 on the 30th.
  return [
    { time: at("2026-06-01", "00:00"), value: 1_000_000 },
    ...out,
    { time: at("2026-06-30", "24:00"), value: wh },
  ];
}

const readings: HotWaterReadings = {
  hotWater: { outlet_temperature_c: days.flatMap(outletOf) },
  heatMeter: { energy_wh: heatCounter() },
};

describe("hot_water_monthly", () => {
  const month = hotWaterMonthly(readings, settings, "2026-06", TZ);

  it("adds the days up by hand calculation", () => {
    expect(month.measurement).toBe("hot_water_monthly");
    expect(month.time).toBe(Date.UTC(2026, 4, 31, 23));
    expect(month.days).toHaveLength(30);
    expect(month.fields).toEqual({
      availability_pct: 99.3,
      available_minutes: 12_095,
      unavailable_minutes: 85,
      unknown_minutes: 420,
      completeness: 0.9668,
      hygiene_days: 28,
      hygiene_checked_days: 29,
      solar_heat_wh: 900_000,
      backup_avoided_wh: 900_000,
      co2_avoided_kg: 630,
    });
  });

  it("each day carries its own figures, and the days sum to the month", () => {
    const byDay = new Map(month.days.map((d) => [d.day, d.fields]));
    expect(byDay.get("2026-06-12")).toMatchObject({
      unavailable_minutes: 85,
      hygiene_ok: false,
      solar_heat_wh: 30_000,
    });
    expect(byDay.get("2026-06-20")).toMatchObject({
      unknown_minutes: 420,
      completeness: 0.0028,
      solar_heat_wh: 30_000,
    });
    expect(byDay.get("2026-06-20")).not.toHaveProperty("hygiene_ok");
    const sum = month.days.reduce((s, d) => s + (d.fields.solar_heat_wh ?? 0), 0);
    expect(sum).toBe(month.fields.solar_heat_wh);
  });

  it("a month to date from the days so far", () => {
    // 1-12 June: 11 full days + 12 June. Available 11 × 420 + 335 = 4 955 of 5 040: 98.313…% → 98.31.
    const mtd = monthlyFromDays("2026-06", month.days.slice(0, 12), TZ);
    expect(mtd.fields).toMatchObject({
      availability_pct: 98.31,
      unavailable_minutes: 85,
      unknown_minutes: 0,
      completeness: 1,
      hygiene_days: 11,
      hygiene_checked_days: 12,
      solar_heat_wh: 360_000,
    });
    expect(mtd.time).toBe(localMonth("2026-06", TZ).from);
  });
});
