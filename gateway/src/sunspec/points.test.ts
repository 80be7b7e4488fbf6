import { type Point, pointSchema } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { decodeModel } from "./decode.js";
import type { DecodedModel, SunspecDevice } from "./decoded-schema.js";
import { defaultModels } from "./models.js";
import { checkPoint, sunspecToPoints } from "./points.js";
import { COMMON, encode, INVERTER_103, METER_203, mpptModules } from "./testing/fixtures.js";

const TIME = Date.UTC(2026, 10, 29, 11, 0);
const CTX = { institution: "ben-guerir-1", device: "inv-1", time: TIME };

function decoded(id: number, values: Parameters<typeof encode>[1]): DecodedModel {
  const map = defaultModels().get(id);
  if (!map) throw new Error(`no map for ${id}`);
  return decodeModel(map, encode(id, values));
}

function device(models: Record<string, DecodedModel>): SunspecDevice {
  return { base: 40000, models, unknown: [] };
}

describe("sunspecToPoints", () => {
  it("maps an inverter to pv_inverter with SI fields, state and events", () => {
    const points = sunspecToPoints(
      device({ "1": decoded(1, COMMON), "103": decoded(103, INVERTER_103) }),
      CTX,
    );
    expect(points).toHaveLength(1);
    const [p] = points;
    expect(p?.measurement).toBe("pv_inverter");
    expect(p?.tags).toEqual({ institution: "ben-guerir-1", device: "inv-1" });
    expect(p?.time).toBe(TIME);
    const { ac_voltage_v, ...rest } = p?.fields ?? {};
    expect(ac_voltage_v).toBeCloseTo((230.1 + 229.9 + 230.3) / 3, 9);
    expect(rest).toEqual({
      power_w: 2500,
      energy_wh: 12_345_678,
      ac_current_a: 12.5,
      frequency_hz: 50.01,
      apparent_power_va: 2510,
      reactive_power_var: -120,
      power_factor_pct: 99.6,
      dc_current_a: 6.5,
      dc_voltage_v: 400,
      dc_power_w: 2600,
      cabinet_temperature_c: 45.2,
      heatsink_temperature_c: 51.3,
      state: "MPPT",
      event_bits: 128,
      events: "OVER_TEMP",
    });
  });

  it("averages only the implemented phase voltages and omits null fields", () => {
    const points = INVERTER_103.points ?? {};
    const single = { points: { ...points, PhVphB: null, PhVphC: null, TmpSnk: null, Evt1: [] } };
    const [p] = sunspecToPoints(device({ "101": decoded(101, single) }), CTX);
    expect(p?.fields.ac_voltage_v).toBe(230.1);
    expect(p?.fields).not.toHaveProperty("heatsink_temperature_c");
    expect(p?.fields.events).toBe("");
    expect(p?.fields.event_bits).toBe(0);
  });

  it("maps model 160 modules to pv_mppt, one point per module, tagged 1..N", () => {
    const points = sunspecToPoints(device({ "160": decoded(160, mpptModules(2)) }), CTX);
    expect(points).toEqual([
      {
        measurement: "pv_mppt",
        tags: { institution: "ben-guerir-1", device: "inv-1", mppt: "1" },
        fields: {
          dc_current_a: 3.25,
          dc_voltage_v: 400.5,
          dc_power_w: 1301,
          energy_wh: 6_000_000,
          temperature_c: 48,
          state: "MPPT",
        },
        time: TIME,
      },
      {
        measurement: "pv_mppt",
        tags: { institution: "ben-guerir-1", device: "inv-1", mppt: "2" },
        fields: {
          dc_voltage_v: 400.5,
          dc_power_w: 1302,
          energy_wh: 6_000_001,
          temperature_c: 48,
          state: "THROTTLED",
        },
        time: TIME,
      },
    ]);
  });

  it("maps a meter to grid_meter, and a second meter to its own device tag", () => {
    const meter = decoded(203, METER_203);
    const points = sunspecToPoints(device({ "203": meter, "203_2": meter }), CTX);
    const fields = {
      power_w: -1500,
      energy_import_wh: 8_000_000,
      energy_export_wh: 2_000_000,
      frequency_hz: 50,
      voltage_v: 230.5,
      current_a: 10.5,
      power_factor_pct: -95,
    };
    expect(points).toEqual([
      {
        measurement: "grid_meter",
        tags: { institution: "ben-guerir-1", device: "inv-1" },
        fields,
        time: TIME,
      },
      {
        measurement: "grid_meter",
        tags: { institution: "ben-guerir-1", device: "inv-1-2" },
        fields,
        time: TIME,
      },
    ]);
  });

  it("keeps state a string even for a value the map does not name", () => {
    const [p] = sunspecToPoints(device({ "103": decoded(103, { points: { W_SF: 0, W: 10, St: 99 } }) }), CTX);
    expect(p?.fields).toEqual({ power_w: 10, state: "99" }); // Evt1 not implemented: no event fields
  });

  it("drops a reading with no implemented field", () => {
    expect(sunspecToPoints(device({ "103": decoded(103, {}) }), CTX)).toEqual([]);
  });
});

describe("checkPoint", () => {
  const good = (over: Partial<Point> = {}): Point => ({
    measurement: "pv_inverter",
    tags: { institution: "ben-guerir-1", device: "inv-1" },
    fields: { power_w: 1200, state: "MPPT", online: true },
    time: TIME,
    ...over,
  });
  const goodFields = good().fields;

  /** Each is refused by pointSchema; checkPoint must refuse it with the same error, after the good shape passed. */
  const bad: Array<[string, Point]> = [
    ["NaN", good({ fields: { ...goodFields, power_w: Number.NaN } })],
    ["Infinity", good({ fields: { ...goodFields, power_w: Number.POSITIVE_INFINITY } })],
    ["-Infinity", good({ fields: { ...goodFields, power_w: Number.NEGATIVE_INFINITY } })],
    ["a string over 64 KiB", good({ fields: { ...goodFields, state: "x".repeat(65_537) } })],
    ["an object value", good({ fields: { ...goodFields, power_w: {} as unknown as number } })],
    ["a null value", good({ fields: { ...goodFields, power_w: null as unknown as number } })],
    ["an empty field name", good({ fields: { ...goodFields, "": 1 } })],
    ["an upper-case field name", good({ fields: { ...goodFields, Power: 1 } })],
    ["a field named as a tag", good({ fields: { ...goodFields, device: 1 } })],
    ["no field", good({ fields: {} })],
    ["an empty tag value", good({ tags: { institution: "ben-guerir-1", device: "" } })],
    ["a tag value with a line break", good({ tags: { institution: "ben-guerir-1\n", device: "inv-1" } })],
    ["a numeric tag value", good({ tags: { institution: "ben-guerir-1", device: 1 as unknown as string } })],
    ["an empty measurement", good({ measurement: "" })],
    ["a fractional time", good({ time: TIME + 0.5 })],
    ["a time in seconds", good({ time: TIME / 1000 })],
    ["a NaN time", good({ time: Number.NaN })],
    ["an extra key", { ...good(), extra: 1 } as Point],
    [
      "tags missing and an extra key",
      (({ tags: _, ...p }) => ({ ...p, extra: 1 }))(good()) as unknown as Point,
    ],
  ];

  it.each(bad)("refuses %s as pointSchema does, naming what is wrong", (_, point) => {
    expect(checkPoint(good())).toEqual(pointSchema.parse(good())); // the good shape is known
    const expected = pointSchema.safeParse(point);
    expect(expected.success).toBe(false);
    expect(() => checkPoint(point)).toThrow(expected.error?.message);
  });

  it("accepts what pointSchema accepts, with the same result, on the first and later calls", () => {
    for (const p of [good(), good({ fields: { ...goodFields, power_w: -0.5 } }), good({ time: TIME + 5000 })])
      expect(checkPoint(p)).toEqual(pointSchema.parse(p));
  });
});
