import { describe, expect, it } from "vitest";
import { at, config, every, input, MIN, reading, site } from "../testing/fixtures.js";
import { swhNoHeatGain } from "./no-heat-gain.js";

const now = at(12);
/** One hour of hot_water readings, one a minute, with fields as a function of minutes since the start. */
const hour = (fields: (m: number) => Record<string, number | boolean>, device = "swh-1") =>
  every(now - 60 * MIN, now + 1, MIN, (t) =>
    reading("hot_water", device, t, fields((t - now + 60 * MIN) / MIN)),
  );

describe("swh_no_heat_gain", () => {
  it("fires when the pump runs an hour, the collector stays 45 K above the tank, and the tank stays cold", () => {
    const [r] = swhNoHeatGain(
      input(
        hour(() => ({
          pump_on: true,
          collector_temperature_c: 85,
          tank_bottom_temperature_c: 40,
          flow_l_per_h: 0,
        })),
        now,
      ),
      config(),
    );
    expect(r?.active).toBe(true);
    expect(r?.summary.key).toBe("swh_no_heat_gain.no_flow");
    expect(r?.evidence).toMatchObject({
      pump_on_min: { value: 60, unit: "min" },
      collector_minus_tank_k: { value: 45 },
      tank_rise_k: { value: 0 },
      flow_l_per_h: { value: 0 },
    });
    expect(r?.since).toBe(now - 60 * MIN);
  });

  it("is healthy when the tank warms with a small ΔT (the pump moves the heat)", () => {
    const ok = hour((m) => ({
      pump_on: true,
      collector_temperature_c: 48 + m / 10,
      tank_bottom_temperature_c: 40 + m / 10,
    }));
    expect(swhNoHeatGain(input(ok, now), config())[0]?.active).toBe(false);
  });

  it("trusts the heat counter over the tank (a draw-off can hold the tank flat while solar heat flows in)", () => {
    const drawing = hour((m) => ({
      pump_speed_pct: 70,
      collector_temperature_c: 70,
      tank_bottom_temperature_c: 40,
      heat_energy_wh: 1_000_000 + 40 * m,
    }));
    expect(swhNoHeatGain(input(drawing, now), config())[0]?.active).toBe(false);
    const stuckCounter = hour(() => ({
      pump_on: true,
      collector_temperature_c: 70,
      tank_bottom_temperature_c: 40,
      heat_energy_wh: 1_000_000,
    }));
    expect(swhNoHeatGain(input(stuckCounter, now), config())[0]?.summary.key).toBe(
      "swh_no_heat_gain.no_gain",
    );
  });

  it("reads a separate heat meter when the site links one", () => {
    const s = site({ solarWaterHeaters: { "swh-1": { heatMeter: "hm-1" } } });
    const heater = hour(() => ({
      pump_on: true,
      collector_temperature_c: 70,
      tank_bottom_temperature_c: 40,
    }));
    const meter = every(now - 60 * MIN, now + 1, MIN, (t) =>
      reading("heat_meter", "hm-1", t, { energy_wh: 5e6 + (t - now) / 1000 }),
    );
    const [r] = swhNoHeatGain(input([...heater, ...meter], now, { site: s }), config());
    expect(r?.active).toBe(false);
    expect(r?.evidence.heat_gain_wh?.value).toBe(3600);
  });

  it("borderlines: 29 min of pumping says nothing; ΔT of 14 K is not 'heat left behind'", () => {
    const short = hour((m) => ({
      pump_on: m >= 31,
      collector_temperature_c: 85,
      tank_bottom_temperature_c: 40,
    }));
    expect(swhNoHeatGain(input(short, now), config())).toEqual([]);
    const smallDelta = hour(() => ({
      pump_on: true,
      collector_temperature_c: 54,
      tank_bottom_temperature_c: 40,
    }));
    expect(swhNoHeatGain(input(smallDelta, now), config())[0]?.active).toBe(false);
  });

  it("says nothing without temperatures or counter (missing data)", () => {
    expect(
      swhNoHeatGain(
        input(
          hour(() => ({ pump_on: true })),
          now,
        ),
        config(),
      ),
    ).toEqual([]);
    expect(swhNoHeatGain(input([], now), config())).toEqual([]);
  });
});
