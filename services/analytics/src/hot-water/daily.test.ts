/** The shape of `hot_water_daily` and how an institution with two solar water heaters adds up. */
import { describe, expect, it } from "vitest";
import { hotWaterDaily } from "./daily.js";
import { hotWaterSettingsSchema } from "./settings-schema.js";
import { constant, profile, TZ } from "./testing/fixtures.js";

const settings = hotWaterSettingsSchema.parse({});
const DAY = "2026-06-10";

describe("hot_water_daily", () => {
  it("is one point at local midnight, with only the fields that can be computed", () => {
    const r = hotWaterDaily({ hotWater: {} }, settings, DAY, TZ);
    expect(r).toMatchObject({ measurement: "hot_water_daily", day: DAY, time: Date.UTC(2026, 5, 9, 23) });
    // No data at all: every window minute is unknown, nothing else is claimed.
    expect(r.fields).toEqual({ unknown_minutes: 420, completeness: 0 });
  });

  it("adds two water heaters: minutes add up, hygiene fails if either tank fails", () => {
    // Tank A: 55 °C all day (hygiene passes). Tank B: 50 °C all day, 40 °C from 06:00 to 07:00
    // (60 minutes short, hygiene fails). Window minutes 2 × 420 = 840; available 840 − 60 = 780;
    // 780 / 840 = 92.857…% → 92.86.
    const a = { device: "swh-a", hotWater: { outlet_temperature_c: constant(DAY, 55) } };
    const b = {
      device: "swh-b",
      hotWater: {
        outlet_temperature_c: profile(DAY, [
          ["00:00", 50],
          ["06:00", 40],
          ["07:00", 50],
        ]),
      },
    };
    const r = hotWaterDaily([a, b], settings, DAY, TZ);
    expect(r.fields).toEqual({
      availability_pct: 92.86,
      available_minutes: 780,
      unavailable_minutes: 60,
      unknown_minutes: 0,
      hygiene_ok: false,
      completeness: 1,
    });
    expect(r.detail.systems.map((s) => [s.device, s.hygiene.verdict])).toEqual([
      ["swh-a", "pass"],
      ["swh-b", "fail"],
    ]);
    // One tank without data halves completeness and leaves hygiene unknown (not failed, not passed).
    const half = hotWaterDaily([a, { device: "swh-c", hotWater: {} }], settings, DAY, TZ);
    expect(half.fields).toMatchObject({ completeness: 0.5, unknown_minutes: 420, availability_pct: 100 });
    expect(half.fields).not.toHaveProperty("hygiene_ok");
  });
});
