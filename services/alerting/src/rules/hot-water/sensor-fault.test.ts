import { describe, expect, it } from "vitest";
import { at, config, every, HOUR, input, MIN, reading } from "../testing/fixtures.js";
import type { Reading } from "../types.js";
import { swhSensorFault } from "./sensor-fault.js";

const now = at(16);
/** Eight hours of readings every 5 min; the collector follows the day, the tank warms slowly. */
const day = (patch: (t: number, f: Record<string, number | string>) => void = () => {}): Reading[] =>
  every(now - 8 * HOUR, now + 1, 5 * MIN, (t) => {
    const h = (t - now + 8 * HOUR) / HOUR;
    const f: Record<string, number | string> = {
      collector_temperature_c: 20 + 8 * h,
      tank_top_temperature_c: 50 + h / 2,
      tank_bottom_temperature_c: 35 + h,
    };
    patch(t, f);
    return reading("hot_water", "swh-1", t, f);
  });

describe("swh_sensor_fault", () => {
  it("is healthy when every value is plausible and moving", () => {
    const [r] = swhSensorFault(input(day(), now), config());
    expect(r?.active).toBe(false);
    expect(r?.evidence.faulty_sensors?.value).toEqual([]);
  });

  it("flags a sentinel, an impossible collector and an impossible tank value as out of range", () => {
    const sentinel = swhSensorFault(
      input(
        day((t, f) => {
          if (t > now - 20 * MIN) f.collector_temperature_c = -999;
        }),
        now,
      ),
      config(),
    )[0];
    expect(sentinel?.summary.key).toBe("swh_sensor_fault.out_of_range");
    expect(sentinel?.severity).toBe("major");
    expect(sentinel?.evidence.faulty_sensors?.value).toEqual([
      "collector_temperature_c: out of range (-999)",
    ]);
    const hot = swhSensorFault(
      input(
        day((_t, f) => (f.tank_top_temperature_c = 150)),
        now,
      ),
      config(),
    )[0];
    expect(hot?.summary.params.sensors).toBe("tank_top_temperature_c");
    // Borderline: a 160 °C collector (stagnation) is possible; 201 °C is not.
    const collectorAt = (c: number) =>
      day((t, f) => {
        if (t > now - 20 * MIN) f.collector_temperature_c = c;
      });
    expect(swhSensorFault(input(collectorAt(160), now), config())[0]?.active).toBe(false);
    expect(swhSensorFault(input(collectorAt(201), now), config())[0]?.active).toBe(true);
  });

  it("reads the controller's own sensor errors", () => {
    const [r] = swhSensorFault(
      input(
        day((_t, f) => (f.errors = "S3_SHORT,NO_FLOW")),
        now,
      ),
      config(),
    );
    expect(r?.summary.key).toBe("swh_sensor_fault.controller_error");
    expect(r?.evidence.faulty_sensors?.value).toEqual(["S3_SHORT: controller error"]);
  });

  it("flags a sensor whose field vanished (the gateway dropped its sentinel) while the device reports", () => {
    const [r] = swhSensorFault(
      input(
        day((t, f) => {
          if (t > now - 40 * MIN) delete f.tank_bottom_temperature_c;
        }),
        now,
      ),
      config(),
    );
    expect(r?.summary.key).toBe("swh_sensor_fault.missing");
    // A heater that never had an outlet sensor is not missing one.
    expect(r?.evidence.faulty_sensors?.value).toEqual(["tank_bottom_temperature_c: missing"]);
  });

  it("flags a tank value stuck for 6 h while the others move (minor), when nothing says no heat went in", () => {
    const [r] = swhSensorFault(
      input(
        day((_t, f) => (f.tank_bottom_temperature_c = 42)),
        now,
      ),
      config(),
    );
    expect(r?.summary.key).toBe("swh_sensor_fault.stuck");
    expect(r?.severity).toBe("minor");
    expect(r?.evidence.tank_bottom_temperature_c).toEqual({ value: 42, unit: "°C" });
  });

  it("flags a collector stuck through a sunny day, but not one that is still at night", () => {
    const [r] = swhSensorFault(
      input(
        day((_t, f) => (f.collector_temperature_c = 35)),
        now,
      ),
      config(),
    );
    expect(r?.summary.params.sensors).toBe("collector_temperature_c");
    const night = at(5);
    const still = every(night - 8 * HOUR, night + 1, 5 * MIN, (t) =>
      reading("hot_water", "swh-1", t, {
        collector_temperature_c: 12,
        tank_top_temperature_c: 58 - (t - night) / HOUR / 4,
        tank_bottom_temperature_c: 30 + (t - night) / HOUR,
      }),
    );
    expect(swhSensorFault(input(still, night), config())[0]?.active).toBe(false);
  });

  it("does not call a tank bottom at mains temperature stuck when no heat goes in (failed pump)", () => {
    const failedPump = (heat: (t: number) => number) =>
      day((t, f) => {
        f.tank_bottom_temperature_c = 18.1;
        f.pump_on = 1;
        f.flow_l_per_h = 0;
        f.heat_energy_wh = heat(t);
      });
    expect(
      swhSensorFault(
        input(
          failedPump(() => 5000),
          now,
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
    // The same flat reading while the counter says 3 kWh went in: that sensor is stuck.
    const heated = failedPump((t) => 5000 + (3000 * (t - now + 8 * HOUR)) / (8 * HOUR));
    expect(swhSensorFault(input(heated, now), config())[0]?.summary.key).toBe("swh_sensor_fault.stuck");
  });

  it("borderline: stuck for 5 h of the 6 is not yet stuck", () => {
    const readings = day((t, f) => {
      if (t > now - 5 * HOUR) f.tank_bottom_temperature_c = 42;
    });
    expect(swhSensorFault(input(readings, now), config())[0]?.active).toBe(false);
  });

  it("says nothing for a device that sends nothing (silence is another rule)", () => {
    expect(
      swhSensorFault(
        input(
          day().filter((r) => r.time < now - HOUR),
          now,
        ),
        config(),
      ),
    ).toEqual([]);
  });
});
