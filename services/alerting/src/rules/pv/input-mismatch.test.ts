import { describe, expect, it } from "vitest";
import {
  at,
  cloudySky,
  config,
  every,
  HOUR,
  input,
  MIN,
  poaWm2,
  pvPowerW,
  reading,
  site,
} from "../testing/fixtures.js";
import type { Reading } from "../types.js";
import { pvInputMismatch } from "./input-mismatch.js";

const now = at(17); // a clear April day from 05:00 to 17:00 local
const from = now - 12 * HOUR;

/** An inverter with `shares` of its array on each MPPT input, each input's output times `health[i]`. */
function mppts(
  health: number[],
  shares = health.map(() => 1 / health.length),
  sky = (_t: number) => 1,
): Reading[] {
  return every(from, now + 1, 5 * MIN, (t) => {
    const inputs = health.map((h, i) => pvPowerW(t, 1, sky(t)) * (shares[i] as number) * h);
    return [
      reading("pv_inverter", "inv-1", t, { power_w: inputs.reduce((a, b) => a + b, 0) }),
      ...inputs.map((p, i) => reading("pv_mppt", "inv-1", t, { dc_power_w: p }, { mppt: String(i + 1) })),
    ];
  });
}

describe("pv_input_mismatch", () => {
  it("is healthy when inputs share the light evenly", () => {
    const [r] = pvInputMismatch(input(mppts([1, 1, 1]), now), config());
    expect(r?.active).toBe(false);
    expect(r?.evidence.mppt_2_ratio_pct?.value).toBe(100);
  });

  it("calls an input at ≈ 0 failed (major), naming it", () => {
    const [r] = pvInputMismatch(input(mppts([1, 0, 1]), now), config());
    expect(r?.active).toBe(true);
    expect(r?.severity).toBe("major");
    expect(r?.summary.key).toBe("pv_input_mismatch.failed");
    expect(r?.summary.params.inputs).toBe("mppt 2");
    expect(r?.evidence.weak_inputs?.value).toEqual(["mppt 2: failed (0 %)"]);
    expect(r?.action.key).toBe("check_string_fuses_and_connectors");
  });

  it("judges a pair where one input is dead (its sibling cannot be compared with a 0)", () => {
    const [r] = pvInputMismatch(input(mppts([1, 0]), now), config());
    expect(r?.summary.params.inputs).toBe("mppt 2");
    expect(r?.evidence.mppt_1_ratio_pct).toBeUndefined();
  });

  it("calls an input at 60 % of its siblings degraded (minor); 70 % is the borderline and passes", () => {
    const [r] = pvInputMismatch(input(mppts([1, 1, 0.6]), now), config());
    expect(r?.summary.key).toBe("pv_input_mismatch.degraded");
    expect(r?.severity).toBe("minor");
    expect(pvInputMismatch(input(mppts([1, 1, 0.7]), now), config())[0]?.active).toBe(false);
  });

  it("compares per kWp when inputs differ in size, and ignores an unused input", () => {
    const s = site({
      inverters: { "inv-1": { kwp: 10, tiltDeg: 30, azimuthDeg: 180, inputs: { "1": 7, "2": 3 } } },
    });
    // Input 2 carries 3 kWp of 10: 30 % of the power is healthy.
    expect(pvInputMismatch(input(mppts([1, 1], [0.7, 0.3]), now, { site: s }), config())[0]?.active).toBe(
      false,
    );
    // Input 3 exists on the inverter but has no modules: declared inputs leave it out.
    const unused = mppts([1, 1, 0], [0.7, 0.3, 0]);
    expect(pvInputMismatch(input(unused, now, { site: s }), config())[0]?.active).toBe(false);
  });

  it("compares Huawei strings (pv_string, voltage × current)", () => {
    const strings = every(from, now + 1, 5 * MIN, (t) => {
      const p = pvPowerW(t);
      return [
        reading("pv_inverter", "inv-1", t, { power_w: p }),
        reading("pv_string", "inv-1", t, { dc_voltage_v: 400, dc_current_a: p / 2 / 400 }, { string: "1" }),
        reading(
          "pv_string",
          "inv-1",
          t,
          { dc_voltage_v: 390, dc_current_a: (0.5 * p) / 2 / 390 },
          { string: "2" },
        ),
      ];
    });
    const [r] = pvInputMismatch(input(strings, now), config());
    expect(r?.summary.params.inputs).toBe("string 2");
    expect(r?.evidence.string_2_ratio_pct?.value).toBe(50);
  });

  it("shrugs off a passing shade: input 2 at 20 % for one hour of a clear day stays healthy", () => {
    const readings = mppts([1, 1, 1]).map((r) =>
      r.tags.mppt === "2" && r.time >= at(10) && r.time < at(11)
        ? { ...r, fields: { dc_power_w: (r.fields.dc_power_w as number) * 0.2 } }
        : r,
    );
    expect(pvInputMismatch(input(readings, now), config())[0]?.active).toBe(false);
  });

  it("uses the irradiance sensor to pick bright buckets when there is one", () => {
    const s = site({ irradianceSensor: "wx-1" });
    const sensor = every(from, now + 1, 5 * MIN, (t) =>
      reading("weather", "wx-1", t, { irradiance_w_per_m2: poaWm2(t) }),
    );
    const [r] = pvInputMismatch(
      input([...mppts([1, 0.3], undefined, cloudySky), ...sensor], now, { site: s }),
      config(),
    );
    expect(r?.summary.key).toBe("pv_input_mismatch.degraded");
  });

  it("says nothing for a single input, without readings in the window, or without enough bright time", () => {
    expect(pvInputMismatch(input(mppts([1]), now), config())).toEqual([]);
    const night = at(23, 0, 1);
    expect(pvInputMismatch(input(mppts([1, 0]), night), config())).toEqual([]);
    const short = mppts([1, 0]).filter((r) => r.time > now - HOUR);
    expect(pvInputMismatch(input(short, now), config())).toEqual([]);
  });
});
