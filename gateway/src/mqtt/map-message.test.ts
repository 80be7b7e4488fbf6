import { describe, expect, it } from "vitest";
import { mqttDeviceSchema } from "../config/mqtt-schema.js";
import { parseMqttProfile } from "../profiles/load.js";
import type { Role } from "../profiles/mqtt-schema.js";
import { type MqttDevice, mqttDevice, routeMessage } from "./devices.js";
import { type MapResult, mapMessage } from "./map-message.js";

const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
const institution = "ehpad-ben-guerir";

const PROFILE = `
protocol: mqtt
products: [{ brand: Test, models: [Meter] }]
description: { en: A test meter., fr: Un compteur de test., ar: عداد اختبار. }
roles: [grid_meter, pv_inverter]
time: { path: ts, format: epoch_s }
topics:
  - topic: "{topic}/meter/{phase:l[1-3]}"
    measurement: weather
    fields:
      - { path: t, field: temperature_c, unit: "°C" }
  - topic: "{topic}/state"
    fields:
      - { path: p.total, field: power_w, unit: W, required: true }
      - { path: u1, field: { grid_meter: voltage_v, pv_inverter: ac_voltage_v }, unit: V, combine: mean }
      - { path: u2, field: { grid_meter: voltage_v, pv_inverter: ac_voltage_v }, unit: V, combine: mean }
      - { path: e, field: { grid_meter: energy_import_wh }, unit: Wh, scale: 1000 }
      - { path: on, field: relay_on, type: boolean }
      - { path: mode, field: mode, type: string }
      - { path: list.1, field: second_w, unit: W }
  - topic: "{topic}/string/{string}"
    measurement: pv_string
    tags: { string: "{string}" }
    fields: [{ path: $, field: dc_power_w, unit: W }]
`;

function device(role: Role, extra: Record<string, unknown> = {}): MqttDevice {
  const config = mqttDeviceSchema.parse({ id: "m-1", profile: "test.yaml", topic: "site/m1", ...extra });
  return mqttDevice(config, parseMqttProfile(PROFILE, "test.yaml"), role);
}

function map(d: MqttDevice, topic: string, payload: unknown, receivedAt = T0): MapResult {
  const route = routeMessage([d], topic);
  if (!route) throw new Error(`no route for ${topic}`);
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  return mapMessage(d, route.topic, route.captures, Buffer.from(text), {
    institution,
    receivedAt,
    maxClockSkewMs: 600_000,
  });
}

describe("mapMessage", () => {
  it("scales, averages, names fields by role and leaves out what the payload does not carry", () => {
    const payload = {
      ts: T0 / 1000 - 5,
      p: { total: 1500.5 },
      u1: 230,
      u2: 232,
      e: 1.2345,
      on: 1,
      mode: "auto",
    };
    expect(map(device("grid_meter"), "site/m1/state", payload)).toEqual({
      kind: "points",
      clockSkew: false,
      points: [
        {
          measurement: "grid_meter",
          tags: { institution, device: "m-1" },
          fields: { power_w: 1500.5, voltage_v: 231, energy_import_wh: 1234.5, relay_on: true, mode: "auto" },
          time: T0 - 5000,
        },
      ],
    });
    const asInverter = map(device("pv_inverter"), "site/m1/state", { ...payload, u2: null, list: [1, 2] });
    expect(asInverter).toMatchObject({
      points: [{ measurement: "pv_inverter", fields: { power_w: 1500.5, ac_voltage_v: 230, second_w: 2 } }],
    });
    expect((asInverter as { points: Array<{ fields: object }> }).points[0]?.fields).not.toHaveProperty(
      "energy_import_wh",
    );
  });

  it("turns captures into tags, and checks a capture's constraint", () => {
    expect(map(device("pv_inverter"), "site/m1/string/3", "118.4")).toMatchObject({
      points: [
        {
          measurement: "pv_string",
          tags: { institution, device: "m-1", string: "3" },
          fields: { dc_power_w: 118.4 },
        },
      ],
    });
    expect(routeMessage([device("grid_meter")], "site/m1/meter/l4")).toBeUndefined();
    expect(map(device("grid_meter"), "site/m1/meter/l2", { t: 21.5 })).toMatchObject({
      points: [{ measurement: "weather", fields: { temperature_c: 21.5 } }],
    });
  });

  it("calls a payload bad when it is not JSON, has the wrong shape or a value of the wrong type", () => {
    const d = device("grid_meter");
    const bad = (topic: string, payload: unknown) => map(d, topic, payload);
    expect(bad("site/m1/state", "{oops")).toEqual({ kind: "bad", message: 'not JSON: "{oops"' });
    expect(bad("site/m1/state", { p: 5 })).toEqual({
      kind: "bad",
      message: '"p" is the number 5, expected an object with "total"',
    });
    expect(bad("site/m1/state", { p: { total: "12" } })).toEqual({
      kind: "bad",
      message: '"p.total" is a string ("12"), expected a number',
    });
    expect(bad("site/m1/state", { p: { total: 1 }, on: "yes" })).toEqual({
      kind: "bad",
      message: '"on" is a string ("yes"), expected a boolean',
    });
    expect(bad("site/m1/state", { u1: 230 })).toEqual({ kind: "bad", message: '"p.total" is missing' });
    expect(bad("site/m1/state", { ts: "yesterday", p: { total: 1 } })).toEqual({
      kind: "bad",
      message: '"ts" is a string ("yesterday"): expected a Unix time (seconds)',
    });
    expect(bad("site/m1/string/1", "null")).toEqual({ kind: "points", points: [], clockSkew: false });
  });

  it("uses the receive time when the device's clock is off by more than the allowed skew", () => {
    const result = map(device("grid_meter"), "site/m1/state", { ts: T0 / 1000 - 3600, p: { total: 1 } });
    expect(result).toMatchObject({ clockSkew: true, points: [{ time: T0 }] });
  });

  it("refuses a reading whose capture would make a bad tag value", () => {
    expect(map(device("pv_inverter"), "site/m1/string/a\\b", "1")).toEqual({
      kind: "bad",
      message: "pv_string tags.string: must not contain backslashes, line breaks or other control characters",
    });
  });
});
