import { describe, expect, it } from "vitest";
import { at, config, every, input, MIN, reading } from "../testing/fixtures.js";
import { swhOverheating } from "./overheating.js";

const at14 = at(14);
const last = (minutes: number, fields: Record<string, number | boolean | string>, now = at14) =>
  every(now - minutes * MIN, now + 1, MIN, (t) => reading("hot_water", "swh-1", t, fields));

describe("swh_overheating", () => {
  it("fires 'stagnation' at 130 °C over a full tank, suggesting a cover or heat dump", () => {
    const [r] = swhOverheating(
      input(
        last(20, {
          collector_temperature_c: 130,
          tank_bottom_temperature_c: 62,
          pump_on: false,
          state: "TANK_MAX_TEMPERATURE",
        }),
        at14,
      ),
      config(),
    );
    expect(r?.summary.key).toBe("swh_overheating.stagnation");
    expect(r?.action.key).toBe("cover_collector_or_dump_heat");
    expect(r?.evidence.collector_c).toEqual({ value: 130, unit: "°C" });
  });

  it("fires 'pump_stopped' when the pump is off over a 55 K difference and a tank with room", () => {
    const [r] = swhOverheating(
      input(last(20, { collector_temperature_c: 95, tank_bottom_temperature_c: 40, pump_on: false }), at14),
      config(),
    );
    expect(r?.summary.key).toBe("swh_overheating.pump_stopped");
    expect(r?.action.key).toBe("check_solar_pump_and_power");
    expect(r?.severity).toBe("major");
  });

  it("accepts a pump stopped on purpose: tank at its maximum, or controller in TANK_MAX_TEMPERATURE", () => {
    expect(
      swhOverheating(
        input(last(20, { collector_temperature_c: 95, tank_bottom_temperature_c: 60, pump_on: false }), at14),
        config(),
      )[0]?.active,
    ).toBe(false);
    expect(
      swhOverheating(
        input(
          last(20, {
            collector_temperature_c: 95,
            tank_bottom_temperature_c: 50,
            pump_on: false,
            state: "TANK_MAX_TEMPERATURE",
          }),
          at14,
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
  });

  it("borderline: hot for only 10 of the last 15 min is not yet a fault", () => {
    const readings = [
      ...last(20, { collector_temperature_c: 50, tank_bottom_temperature_c: 40, pump_on: true }).filter(
        (r) => r.time < at14 - 10 * MIN,
      ),
      ...last(10, { collector_temperature_c: 125, tank_bottom_temperature_c: 40, pump_on: false }),
    ];
    expect(swhOverheating(input(readings, at14), config())[0]?.active).toBe(false);
  });

  it("says nothing at night when all is well, or without readings", () => {
    const night = at(23);
    expect(
      swhOverheating(
        input(
          last(20, { collector_temperature_c: 15, tank_bottom_temperature_c: 50, pump_on: false }, night),
          night,
        ),
        config(),
      ),
    ).toEqual([]);
    expect(swhOverheating(input([], at14), config())).toEqual([]);
  });
});
