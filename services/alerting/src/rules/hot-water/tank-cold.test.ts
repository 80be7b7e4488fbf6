import { describe, expect, it } from "vitest";
import { at, config, every, input, MIN, reading } from "../testing/fixtures.js";
import type { Reading } from "../types.js";
import { swhTankCold } from "./tank-cold.js";

/** Readings every 5 min from 05:00 up to `now`, with the outlet at `outlet(t)`. */
const morning = (
  now: number,
  outlet: (t: number) => number,
  extra: Record<string, number | boolean> = {},
): Reading[] =>
  every(at(5), now + 1, 5 * MIN, (t) =>
    reading("hot_water", "swh-1", t, { outlet_temperature_c: outlet(t), ...extra }),
  );

describe("swh_tank_cold", () => {
  it("fires at 07:00 when the outlet has been at 38 °C since the window opened, with the backup off", () => {
    const now = at(7);
    const [r] = swhTankCold(
      input(
        morning(now, () => 38, { backup_heater_on: false }),
        now,
      ),
      config(),
    );
    expect(r?.active).toBe(true);
    expect(r?.since).toBe(at(6)); // cold since the window opened (earlier readings are outside it)
    expect(r?.evidence).toMatchObject({
      temperature_c: { value: 38, unit: "°C" },
      service_temperature_c: { value: 45 },
      demand_window: { value: "06:00-09:00" },
      backup_heater_on: { value: false },
    });
    expect(r?.action.key).toBe("check_backup_heater_and_thermostat");
    expect(r?.summary.params).toMatchObject({ temperature_c: 38, demand_window: "06:00-09:00" });
  });

  it("is fine at exactly 45 °C, and once the tank is back above it", () => {
    const now = at(7);
    expect(
      swhTankCold(
        input(
          morning(now, () => 45),
          now,
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
    const recovered = morning(now, (t) => (t < at(6, 55) ? 38 : 47));
    expect(swhTankCold(input(recovered, now), config())[0]?.active).toBe(false);
  });

  it("waits for 20 min of the window before judging a cold tank", () => {
    const now = at(6, 10);
    expect(
      swhTankCold(
        input(
          morning(now, () => 38),
          now,
        ),
        config(),
      ),
    ).toEqual([]);
  });

  it("says nothing outside the demand windows (no resolve at 09:00)", () => {
    const now = at(12);
    expect(
      swhTankCold(
        input(
          morning(now, () => 30),
          now,
        ),
        config(),
      ),
    ).toEqual([]);
  });

  it("falls back to the tank top when there is no outlet sensor, and follows configured windows", () => {
    const now = at(19);
    const readings = every(at(17), now + 1, 5 * MIN, (t) =>
      reading("hot_water", "swh-1", t, { tank_top_temperature_c: 41 }),
    );
    const [r] = swhTankCold(input(readings, now), config());
    expect(r?.evidence.field?.value).toBe("tank_top_temperature_c");
    expect(r?.active).toBe(true);
    const custom = config((c) => {
      c.hot_water.demand_windows = [{ start: "12:00", end: "14:00" }];
    });
    expect(swhTankCold(input(readings, now), custom)).toEqual([]);
  });

  it("says nothing without readings", () => {
    expect(swhTankCold(input([], at(7)), config())).toEqual([]);
  });
});
