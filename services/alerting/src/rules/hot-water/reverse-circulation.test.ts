import { describe, expect, it } from "vitest";
import { at, config, every, HOUR, input, MIN, reading } from "../testing/fixtures.js";
import type { Reading } from "../types.js";
import { swhReverseCirculation } from "./reverse-circulation.js";

const nextNoon = at(12, 0, 1);
/** From 19:00 to the next noon, 5-min readings; `night` shapes the quiet hours 22:00-06:00. */
function evening(
  night: (h: number, f: Record<string, number | boolean>) => void,
  opts: { ambient?: number; to?: number } = {},
): Reading[] {
  const to = opts.to ?? nextNoon;
  return every(at(19), to, 5 * MIN, (t) => {
    const h = (t - at(22)) / HOUR; // hours since 22:00
    const f: Record<string, number | boolean> = {
      collector_temperature_c: 18,
      tank_top_temperature_c: 58,
      pump_on: false,
    };
    if (h >= 0 && h < 8) night(h, f);
    const hw = reading("hot_water", "swh-1", t, f);
    return opts.ambient === undefined
      ? hw
      : [hw, reading("weather", "wx-1", t, { ambient_temperature_c: opts.ambient })];
  });
}

describe("swh_reverse_circulation", () => {
  it("fires when the tank top loses 1.25 K/h at night with a collector between air and tank", () => {
    const readings = evening((h, f) => (f.tank_top_temperature_c = 60 - 1.25 * h), { ambient: 12 });
    const [r] = swhReverseCirculation(input(readings, nextNoon), config());
    expect(r?.summary.key).toBe("swh_reverse_circulation.thermosiphon");
    expect(r?.evidence.tank_top_cooling_k_per_h?.value).toBeCloseTo(1.25, 2);
    expect(r?.action.key).toBe("check_check_valve");
    expect(r?.since).toBe(at(22));
    expect(r?.evidence.night_to?.value).toBe(at(5, 55, 1));
  });

  it("is healthy at standing loss (0.25 K/h), and just under the 1 K/h threshold", () => {
    expect(
      swhReverseCirculation(
        input(
          evening((h, f) => (f.tank_top_temperature_c = 60 - 0.25 * h)),
          nextNoon,
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
    expect(
      swhReverseCirculation(
        input(
          evening((h, f) => (f.tank_top_temperature_c = 60 - 0.95 * h)),
          nextNoon,
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
  });

  it("does not blame the collector loop when the collector is as cold as the air", () => {
    const readings = evening(
      (h, f) => {
        f.tank_top_temperature_c = 60 - 2 * h;
        f.collector_temperature_c = 12;
      },
      { ambient: 12 },
    );
    expect(swhReverseCirculation(input(readings, nextNoon), config())[0]?.active).toBe(false);
  });

  it("fires 'pump_at_night' when the pump runs 30 min at night, but not for antifreeze circulation", () => {
    const pumping = evening((h, f) => (f.pump_on = h >= 4 && h < 4.5));
    expect(swhReverseCirculation(input(pumping, nextNoon), config())[0]?.summary.key).toBe(
      "swh_reverse_circulation.pump_at_night",
    );
    const antifreeze = evening((h, f) => {
      f.pump_on = h >= 4 && h < 4.5;
      f.collector_temperature_c = 2;
    });
    expect(swhReverseCirculation(input(antifreeze, nextNoon), config())[0]?.active).toBe(false);
  });

  it("says nothing until a night has 3 quiet hours of readings", () => {
    const early = at(0, 30, 1);
    const readings = evening((h, f) => (f.tank_top_temperature_c = 60 - 2 * h), { to: early });
    expect(swhReverseCirculation(input(readings, early), config())).toEqual([]);
    expect(swhReverseCirculation(input(readings, at(2, 0, 1)), config())).toEqual([]);
    expect(
      swhReverseCirculation(
        input(
          evening(() => {}, { to: at(2, 0, 1) }),
          at(2, 0, 1),
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
  });
});
