/**
 * Availability on fixture days (defaults: windows 06:00-09:00 and 18:00-22:00 local = 180 + 240 = 420
 * minutes, service temperature 45 °C, readings hold 5 min). Every expectation is worked by hand.
 */
import { describe, expect, it } from "vitest";
import { hotWaterDaily } from "./daily.js";
import { hotWaterSettingsSchema } from "./settings-schema.js";
import { at, constant, everyMinute, profile, TZ } from "./testing/fixtures.js";

const settings = hotWaterSettingsSchema.parse({});
const DAY = "2026-06-10"; // an ordinary day, UTC+1

describe("hot-water availability", () => {
  it("a full day all available", () => {
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: constant(DAY, 55) } }, settings, DAY, TZ);
    // 420 window minutes, all at 55 °C ≥ 45 °C; 1440/1440 minutes with an outlet reading.
    expect(r.fields).toMatchObject({
      availability_pct: 100,
      available_minutes: 420,
      unavailable_minutes: 0,
      unknown_minutes: 0,
      completeness: 1,
    });
    expect(r.time).toBe(Date.UTC(2026, 5, 9, 23));
    expect(r.detail.systems[0]?.availability.windows.map((w) => w.shortfalls)).toEqual([[], []]);
  });

  it("an evening shortfall, to the minute", () => {
    // 55 °C; exactly 45.0 °C from 07:00 to 07:10 (counts as available: "at or above"); 40 °C from 20:15;
    // 50 °C again from 21:40. Unavailable: 20:15 → 21:40 = 85 min. Available 420 − 85 = 335.
    // 335 / 420 = 79.7619…% → 79.76.
    const outlet = profile(DAY, [
      ["00:00", 55],
      ["07:00", 45],
      ["07:10", 55],
      ["20:15", 40],
      ["21:40", 50],
    ]);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: outlet } }, settings, DAY, TZ);
    expect(r.fields).toMatchObject({
      availability_pct: 79.76,
      available_minutes: 335,
      unavailable_minutes: 85,
      unknown_minutes: 0,
    });
    const [morning, evening] = r.detail.systems[0]?.availability.windows ?? [];
    expect(morning).toMatchObject({ window: "06:00-09:00", availableMinutes: 180, shortfalls: [] });
    expect(evening).toMatchObject({ window: "18:00-22:00", minutes: 240, unavailableMinutes: 85 });
    // When residents had no hot water: 20:15-21:40 local = 19:15-20:40 UTC.
    expect(evening?.shortfalls).toEqual([{ start: at(DAY, "20:15"), end: at(DAY, "21:40"), minutes: 85 }]);
    expect(new Date(evening?.shortfalls[0]?.start ?? 0).toISOString()).toBe("2026-06-10T19:15:00.000Z");
  });

  it("a data gap is unknown, and availability is over the known minutes only", () => {
    // 40 °C from 06:00 to 06:20 (20 min unavailable), 50 °C otherwise; no readings from 06:30 to 07:30.
    // The 06:29 reading holds 5 minutes (06:29-06:33), so 06:34 → 07:30 is unknown: 56 minutes.
    // Known window minutes 420 − 56 = 364; available 364 − 20 = 344; 344 / 364 = 94.5054…% → 94.51.
    // Completeness: (1440 − 56) / 1440 = 0.96111… → 0.9611.
    const outlet = profile(DAY, [
      ["00:00", 50],
      ["06:00", 40],
      ["06:20", 50],
      ["06:30", undefined],
      ["07:30", 50],
    ]);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: outlet } }, settings, DAY, TZ);
    expect(r.fields).toMatchObject({
      availability_pct: 94.51,
      available_minutes: 344,
      unavailable_minutes: 20,
      unknown_minutes: 56,
      completeness: 0.9611,
    });
    const morning = r.detail.systems[0]?.availability.windows[0];
    expect(morning?.gaps).toEqual([{ start: at(DAY, "06:34"), end: at(DAY, "07:30"), minutes: 56 }]);
  });

  it("a day without any outlet reading: availability omitted, every window minute unknown", () => {
    const r = hotWaterDaily({ hotWater: { tank_top_temperature_c: constant(DAY, 60) } }, settings, DAY, TZ);
    expect(r.fields).toEqual({ unknown_minutes: 420, completeness: 0 });
  });

  it("reads the configured outlet field", () => {
    const tankTop = hotWaterSettingsSchema.parse({ outletField: "tank_top_temperature_c" });
    const r = hotWaterDaily({ hotWater: { tank_top_temperature_c: constant(DAY, 44.9) } }, tankTop, DAY, TZ);
    expect(r.fields).toMatchObject({ availability_pct: 0, unavailable_minutes: 420 });
  });

  it("on the 25 h day Ramadan GMT starts, windows are placed on the new offset", () => {
    // 15 Feb 2026: 03:00 (+01) → 02:00 (+00). The day runs 14 Feb 23:00Z → 16 Feb 00:00Z = 1500 minutes,
    // and 06:00-09:00 local is 06:00-09:00 UTC. The outlet is 40 °C from 05:00 to 07:00 UTC, so the
    // morning window misses 06:00 → 07:00 = 60 min (on the old offset it would wrongly be 120).
    // Available 420 − 60 = 360; 360 / 420 = 85.714…% → 85.71. All 1500 minutes known: completeness 1.
    const day = "2026-02-15";
    const outlet = everyMinute(day, (t) => {
      const h = new Date(t).getUTCHours();
      return h >= 5 && h < 7 ? 40 : 55;
    });
    expect(outlet).toHaveLength(1500);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: outlet } }, settings, day, TZ);
    expect(r.time).toBe(Date.UTC(2026, 1, 14, 23));
    expect(r.fields).toMatchObject({ availability_pct: 85.71, unavailable_minutes: 60, completeness: 1 });
    expect(r.detail.systems[0]?.availability.windows[0]).toMatchObject({
      start: Date.UTC(2026, 1, 15, 6),
      end: Date.UTC(2026, 1, 15, 9),
    });
    expect(r.detail.totals.minutes).toBe(1500);
  });

  it("on the 23 h day GMT+1 returns, the evening window is 17:00-21:00 UTC", () => {
    // 22 Mar 2026: 02:00 (+00) → 03:00 (+01); 1380 minutes. Outlet 40 °C from 17:00 to 17:30 UTC
    // (= 18:00-18:30 local): 30 min unavailable; (420 − 30) / 420 = 92.857…% → 92.86.
    const day = "2026-03-22";
    const outlet = everyMinute(day, (t) =>
      t >= Date.UTC(2026, 2, 22, 17) && t < Date.UTC(2026, 2, 22, 17, 30) ? 40 : 55,
    );
    expect(outlet).toHaveLength(1380);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: outlet } }, settings, day, TZ);
    expect(r.fields).toMatchObject({ availability_pct: 92.86, unavailable_minutes: 30, completeness: 1 });
  });
});
