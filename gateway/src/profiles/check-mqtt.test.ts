import { describe, expect, it } from "vitest";
import { mqttProfileProblems } from "./load.js";

const HEAD = `
protocol: mqtt
products: [{ brand: Test, models: [Meter] }]
description: { en: A test meter., fr: Un compteur de test., ar: عداد اختبار. }
roles: [grid_meter]
`;

const problems = (topics: string, head = HEAD) =>
  mqttProfileProblems(`${head}topics:\n${topics}`).problems.map((p) => `${p.path}: ${p.message}`);

describe("MQTT profile checks", () => {
  it("accepts a good profile", () => {
    expect(
      problems(`  - topic: "{topic}/state"\n    fields: [{ path: p, field: power_w, unit: W }]\n`),
    ).toEqual([]);
  });

  it("explains each mistake by its path", () => {
    const topics = `
  - topic: "{topic}/{phase}/state"
    tags: { phase: "{phse}", device: x }
    fields:
      - { path: p, field: power_kw, unit: W }
      - { path: p2, field: power_w, unit: W }
      - { path: p3, field: power_w, unit: W }
      - { path: v, field: { pv_inverter: ac_voltage_v }, unit: V }
      - { path: on, field: relay_on, type: boolean, unit: W }
      - { path: t, field: temperature_c }
      - { path: x, field: x_w, unit: kW }
  - topic: "state"
    fiels: []
`;
    expect(problems(topics)).toEqual([
      "topics.0.fields.6.unit: must be one of: W Wh var VA V A Hz °C K Ω % L/h L m³ W/m² m/s bar s h",
      "topics.1.fiels: unknown key: did you mean `fields`? (known keys are: topic, measurement, tags, device, components, fields)",
      "topics.1.fields: must map at least one value",
    ]);
    const valid = topics
      .replace("unit: kW", "unit: W")
      .replace(/ {2}- topic: "state"\n {4}fiels: \[\]\n/, "");
    expect(problems(valid)).toEqual([
      'topics.0.tags.phase: "{phse}" is not captured by the topic pattern',
      "topics.0.tags.device: is set by the gateway, not by a profile",
      'topics.0.fields.0.field: "power_kw" must end with "_w" (unit W)',
      'topics.0.fields.3.field.pv_inverter: "pv_inverter" is not one of the profile\'s roles',
      "topics.0.fields.4.unit: applies to numbers only (this value is a boolean)",
      "topics.0.fields.5.unit: is required for a number: say what the value measures",
      "topics.0.tags: grid_meter points carry no tags besides institution and device",
      'topics.0.fields.2.field: "power_w" is also written by fields.1: give each path its own field, or combine: mean on all',
    ]);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(mqttProfileProblems("protocol: mqtt\n  roles: [").problems[0]?.path).toMatch(
      /^\(line 1, column 11\)$/,
    );
  });
});
