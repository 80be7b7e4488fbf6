import { describe, expect, it } from "vitest";
import { at, config, every, input, MIN, pvPowerW, reading, site } from "../testing/fixtures.js";
import { pvZeroProduction } from "./zero-production.js";

const inverter = (from: number, to: number, power: (t: number) => number, state = "MPPT") =>
  every(from, to + 1, MIN, (t) => reading("pv_inverter", "inv-1", t, { power_w: power(t), state }));
const noon = at(13, 30);

describe("pv_zero_production", () => {
  it("fires critical after 30 min at 0 W in a clear noon, with the clear-sky expectation", () => {
    const readings = [
      ...inverter(noon - 90 * MIN, noon - 41 * MIN, (t) => pvPowerW(t)),
      ...inverter(noon - 40 * MIN, noon, () => 0, "SLEEPING"),
    ];
    const [r] = pvZeroProduction(input(readings, noon), config());
    expect(r?.active).toBe(true);
    expect(r?.severity).toBe("critical");
    expect(r?.since).toBe(noon - 40 * MIN);
    expect(r?.evidence.state?.value).toBe("SLEEPING");
    expect(r?.evidence.clear_sky_power_w?.value as number).toBeGreaterThan(7000);
    expect(r?.action.key).toBe("check_inverter_breakers_and_dc_isolator");
  });

  it("points at the display when the inverter says FAULT", () => {
    const [r] = pvZeroProduction(
      input(
        inverter(noon - 40 * MIN, noon, () => 0, "FAULT"),
        noon,
      ),
      config(),
    );
    expect(r?.action.key).toBe("read_inverter_display_and_restart");
  });

  it("is healthy when producing, even at 2 % of kWp under heavy overcast (above the 1 % zero)", () => {
    expect(
      pvZeroProduction(
        input(
          inverter(noon - 40 * MIN, noon, (t) => pvPowerW(t)),
          noon,
        ),
        config(),
      )[0]?.active,
    ).toBe(false);
    const overcast = pvZeroProduction(
      input(
        inverter(noon - 40 * MIN, noon, () => 200),
        noon,
      ),
      config(),
    );
    expect(overcast[0]?.active).toBe(false);
    // Borderline: exactly 1 % of 10 kWp = 100 W counts as zero.
    expect(
      pvZeroProduction(
        input(
          inverter(noon - 40 * MIN, noon, () => 100),
          noon,
        ),
        config(),
      )[0]?.active,
    ).toBe(true);
  });

  it("says nothing at night, at dawn (low expected output) or with too few readings", () => {
    const night = at(23);
    expect(
      pvZeroProduction(
        input(
          inverter(night - 40 * MIN, night, () => 0),
          night,
        ),
        config(),
      ),
    ).toEqual([]);
    const dawn = at(7, 45); // sun a few degrees up: clear sky below 20 % of kWp
    expect(
      pvZeroProduction(
        input(
          inverter(dawn - 40 * MIN, dawn, () => 0),
          dawn,
        ),
        config(),
      ),
    ).toEqual([]);
    const sparse = [reading("pv_inverter", "inv-1", noon - 5 * MIN, { power_w: 0 })];
    expect(pvZeroProduction(input(sparse, noon), config())).toEqual([]);
  });

  it("needs the whole 30 min at zero: 25 min is not enough", () => {
    const readings = [
      ...inverter(noon - 60 * MIN, noon - 26 * MIN, (t) => pvPowerW(t)),
      ...inverter(noon - 25 * MIN, noon, () => 0),
    ];
    expect(pvZeroProduction(input(readings, noon), config())[0]?.active).toBe(false);
  });

  it("defers to an irradiance sensor that says it is dark (sand storm)", () => {
    const s = site({ irradianceSensor: "wx-1" });
    const dark = every(noon - 40 * MIN, noon + 1, MIN, (t) =>
      reading("weather", "wx-1", t, { irradiance_w_per_m2: 30 }),
    );
    const zero = inverter(noon - 40 * MIN, noon, () => 0);
    expect(pvZeroProduction(input([...zero, ...dark], noon, { site: s }), config())).toEqual([]);
    const bright = dark.map((r) => ({ ...r, fields: { irradiance_w_per_m2: 900 } }));
    expect(pvZeroProduction(input([...zero, ...bright], noon, { site: s }), config())[0]?.active).toBe(true);
  });
});
