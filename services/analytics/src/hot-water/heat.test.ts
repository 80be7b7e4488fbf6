/**
 * Solar heat and backup energy on a synthetic sunny day (2026-06-10, UTC+1): the solar loop runs from
 * 10:00 to 16:00 local at 600 L/h with supply 60 °C and return 50 °C.
 *   power  = 600 L/h × 10 K × 1.163 Wh/(L·K) = 6 978 W
 *   energy = 6 978 W × 6 h = 41 868 Wh   (= 116.3 Wh per minute × 360 minutes)
 * The heat meter's lifetime counter, started at 2 000 000 Wh, gains those 116.3 Wh a minute.
 */
import { describe, expect, it } from "vitest";
import { hotWaterDaily } from "./daily.js";
import { type HotWaterSettingsInput, hotWaterSettingsSchema } from "./settings-schema.js";
import { at, constant, everyMinute, profile, TZ } from "./testing/fixtures.js";
import type { HeatMeterFields, HotWaterReadings } from "./types.js";

const DAY = "2026-06-10";
const sunUp = at(DAY, "10:00");
const sunDown = at(DAY, "16:00");
const running = (t: number) => t >= sunUp && t < sunDown;

const flowFields: HeatMeterFields = {
  flow_l_per_h: everyMinute(DAY, (t) => (running(t) ? 600 : 0)),
  supply_temperature_c: everyMinute(DAY, (t) => (running(t) ? 60 : 35)),
  return_temperature_c: everyMinute(DAY, (t) => (running(t) ? 50 : 35)),
};
const counter = (t: number) => 2_000_000 + 116.3 * Math.min(360, Math.max(0, (t - sunUp) / 60_000));
const counterReadings = [
  ...everyMinute(DAY, counter),
  { time: at(DAY, "24:00"), value: counter(at(DAY, "24:00")) },
];

const outlet = { outlet_temperature_c: constant(DAY, 55) };
const run = (readings: HotWaterReadings, input: HotWaterSettingsInput = {}) =>
  hotWaterDaily(readings, hotWaterSettingsSchema.parse(input), DAY, TZ);

describe("solar heat delivered", () => {
  it("from the heat meter's counter and from flow × ΔT: the same 41 868 Wh", () => {
    const byCounter = run({ hotWater: outlet, heatMeter: { energy_wh: counterReadings } });
    const byFlow = run({ hotWater: outlet, heatMeter: flowFields });
    expect(byCounter.fields.solar_heat_wh).toBe(41_868);
    expect(byFlow.fields.solar_heat_wh).toBe(41_868);
    expect(byCounter.detail.systems[0]?.solarHeat).toMatchObject({ source: "heat_meter", coverage: 1 });
    expect(byFlow.detail.systems[0]?.solarHeat).toMatchObject({ source: "flow", coverage: 1 });
  });

  it("prefers the heat meter's counter, then the controller's, unless told otherwise", () => {
    const both = {
      hotWater: { ...outlet, heat_energy_wh: counterReadings },
      heatMeter: { ...flowFields, energy_wh: counterReadings },
    };
    expect(run(both).detail.systems[0]?.solarHeat?.source).toBe("heat_meter");
    expect(run({ ...both, heatMeter: flowFields }).detail.systems[0]?.solarHeat?.source).toBe("controller");
    const forced = run(both, { solarHeat: { source: "flow" } });
    expect(forced.detail.systems[0]?.solarHeat?.source).toBe("flow");
    expect(forced.fields.solar_heat_wh).toBe(41_868);
  });

  it("survives a meter reset and a rollover in the day", () => {
    // Counter restarted from 0 at 12:59 (it reads 116.3 Wh at 13:00): same heat. Wrap at 2 041 000 Wh
    // (configured): same heat.
    const restart = at(DAY, "12:59");
    const reset = counterReadings.map((s) =>
      s.time > restart ? { ...s, value: s.value - counter(restart) } : s,
    );
    expect(run({ hotWater: outlet, heatMeter: { energy_wh: reset } }).fields.solar_heat_wh).toBe(41_868);
    const wrapped = counterReadings.map((s) => ({ ...s, value: s.value % 2_041_000 }));
    const settings = { solarHeat: { counter: { rolloverWh: 2_041_000 } } };
    expect(run({ hotWater: outlet, heatMeter: { energy_wh: wrapped } }, settings).fields.solar_heat_wh).toBe(
      41_868,
    );
  });

  it("counts no heat for a negative ΔT, and none for minutes without flow readings", () => {
    // Night circulation 00:00-01:00 at 300 L/h with supply 30 < return 40: 0 Wh. No flow readings at all
    // from 12:00 to 13:00: 60 − 4 (the 11:59 reading holds 5 min) = 56 unknown minutes, 56 × 116.3 Wh lost.
    const flow = everyMinute(DAY, (t) => (t < at(DAY, "01:00") ? 300 : running(t) ? 600 : 0)).filter(
      (s) => s.time < at(DAY, "12:00") || s.time >= at(DAY, "13:00"),
    );
    const supply = everyMinute(DAY, (t) => (t < at(DAY, "01:00") ? 30 : running(t) ? 60 : 35));
    const ret = everyMinute(DAY, (t) => (t < at(DAY, "01:00") ? 40 : running(t) ? 50 : 35));
    const r = run({
      hotWater: outlet,
      heatMeter: { flow_l_per_h: flow, supply_temperature_c: supply, return_temperature_c: ret },
    });
    expect(r.fields.solar_heat_wh).toBe(Math.round((41_868 - 56 * 116.3) * 10) / 10); // 35 355.2
    expect(r.detail.systems[0]?.solarHeat?.coverage).toBe((1440 - 56) / 1440);
  });

  it("is omitted without a counter or flow", () => {
    expect(run({ hotWater: outlet }).fields).not.toHaveProperty("solar_heat_wh");
  });
});

describe("backup energy and solar fraction", () => {
  it("electric, metered: 13 956 Wh → solar fraction 41 868 / 55 824 = 75 %", () => {
    const backup = [
      { time: at(DAY, "00:00"), value: 500 },
      { time: at(DAY, "05:00"), value: 500 },
      { time: at(DAY, "06:00"), value: 500 + 13_956 },
      { time: at(DAY, "24:00"), value: 500 + 13_956 },
    ];
    const r = run({ hotWater: { ...outlet, backup_energy_wh: backup }, heatMeter: flowFields });
    expect(r.fields).toMatchObject({
      solar_heat_wh: 41_868,
      backup_energy_wh: 13_956,
      solar_fraction_pct: 75,
    });
    expect(r.detail.systems[0]?.backup).toMatchObject({ method: "metered", coverage: 1 });
  });

  it("electric, rated: 3 kW × 120 min on = 6 000 Wh → 41 868 / 47 868 = 87.4655…% → 87.47", () => {
    const on = profile(DAY, [
      ["00:00", 0],
      ["05:00", 1],
      ["06:00", 0],
      ["20:00", 1],
      ["21:00", 0],
    ]).map((s) => ({ ...s, value: s.value === 1 }));
    const r = run(
      { hotWater: { ...outlet, backup_heater_on: on }, heatMeter: flowFields },
      {
        backup: { kind: "electric", method: "rated", ratedPowerW: 3000 },
      },
    );
    expect(r.fields).toMatchObject({ backup_energy_wh: 6000, solar_fraction_pct: 87.47 });
    expect(r.detail.systems[0]?.backup).toMatchObject({ method: "rated", onMinutes: 120, inputWh: 6000 });
  });

  it("auto uses the meter when there is one, else the rating, else nothing", () => {
    const on = constant(DAY, 0);
    const rated = { backup: { kind: "electric" as const, ratedPowerW: 3000 } };
    expect(run({ hotWater: { ...outlet, backup_heater_on: on } }, rated).fields.backup_energy_wh).toBe(0);
    expect(run({ hotWater: { ...outlet, backup_heater_on: on } }).fields).not.toHaveProperty(
      "backup_energy_wh",
    );
  });

  it("100 % solar when the backup stayed off, fraction omitted when either side is unknown", () => {
    const off = { ...outlet, backup_heater_on: constant(DAY, 0) };
    const rated = { backup: { kind: "electric" as const, ratedPowerW: 3000 } };
    expect(run({ hotWater: off, heatMeter: flowFields }, rated).fields.solar_fraction_pct).toBe(100);
    expect(run({ hotWater: outlet, heatMeter: flowFields }).fields).not.toHaveProperty("solar_fraction_pct");
  });
});
