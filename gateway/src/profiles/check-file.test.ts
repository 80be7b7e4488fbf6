/**
 * `jisr profile check` in one pass: schema problems (a misspelt key, a wrong type name) and the rules
 * across points or topics (overlapping registers, a duplicate name, an unknown scale register, a field
 * written twice) reported together, each at its line, named by its point, with a suggestion where one
 * can be made; for Modbus and for MQTT profiles.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProfileFile } from "./check-file.js";

const dir = mkdtempSync(join(tmpdir(), "jisr-profile-check-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("profile check, every problem in one pass", () => {
  it("a Modbus profile: schema and layout problems together, with lines, points and suggestions", () => {
    const path = file(
      "meter.yaml",
      `products: [{ brand: Acme, models: [M1] }]
description: { en: A meter., fr: Un compteur., ar: عداد. }
protocol: modbus
defaults: { table: input, measurement: grid_meter }
points:
  - { name: power, address: 0, type: float32, unit: W, field: power_w } # Total power
  - { name: energy, address: 1, type: float32, unit: Wh, field: energy_import_wh } # Import
  - { name: voltage, adress: 10, type: uint16, unit: V, field: voltage_v } # Voltage
  - { name: current, address: 12, type: float, unit: A, field: current_a } # Current
  - { name: power, address: 20, type: int16, unit: W, field: power_w, scale_register: sf } # dup
`,
    );
    const found = checkProfileFile(path);
    expect(found.kind).toBe("modbus");
    expect(found.profile).toBeUndefined();
    expect(found.errors.map((p) => `${p.line} ${p.name} ${p.path}: ${p.message}`)).toEqual([
      // Layout rule on two valid points, reported although points 2 and 3 break the schema.
      '7 point "energy" points.1.address: input 1-2 overlaps points.0 ("power", input 0-1)',
      '8 point "voltage" points.2.address: must be a register address (0-65535)',
      expect.stringMatching(/^8 point "voltage" points\.2\.adress: unknown key: did you mean `address`\?/),
      '9 point "current" points.3.type: must be one of: int16, uint16, int32, uint32, float32, int64, uint64, string, bool: did you mean "float32"?',
      // The fifth point keeps its index in the file (the fourth of the valid ones).
      '10 point "power" points.4.name: "power" is already the name of points.0',
      '10 point "power" points.4.scale_register: unknown scale register "sf": no point has that name',
      '10 point "power" points.4.field: points.0 already writes power_w of grid_meter',
    ]);
  });

  it("a profile that extends a base: its schema problem and an overlap with the base's point together", () => {
    file(
      "base-meter.yaml",
      `defaults: { table: input, measurement: grid_meter }
points:
  - { name: power, address: 0, type: float32, unit: W, field: power_w } # Total power
`,
    );
    const path = file(
      "child-meter.yaml",
      `extends: ./base-meter.yaml
products: [{ brand: Acme, models: [M2] }]
description: { en: A meter., fr: Un compteur., ar: عداد. }
protocol: modbus
points:
  - { name: energy, address: 1, type: float32, unit: Wh, field: energy_import_wh } # Import
  - { name: voltage, address: 10, type: uint16, unit: V, feild: voltage_v } # Voltage
`,
    );
    const found = checkProfileFile(path);
    expect(found.profile).toBeUndefined();
    const lines = found.errors.map((p) => `${p.path}: ${p.message}`);
    // The misspelt key of the file and the overlap of its first point with the base's: one pass.
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^points\.1\.feild: unknown key: did you mean `field`\?/),
        'points.0.address: input 1-2 overlaps base-meter.yaml: points.0 ("power", input 0-1)',
      ]),
    );
  });

  it("a valid Modbus profile has no errors and loads", () => {
    const path = file(
      "ok.yaml",
      `products: [{ brand: Acme, models: [M1] }]
description: { en: A meter., fr: Un compteur., ar: عداد. }
protocol: modbus
defaults: { table: input, measurement: grid_meter }
points:
  - { name: power, address: 0, type: float32, unit: W, field: power_w } # Total power
`,
    );
    const found = checkProfileFile(path);
    expect(found.errors).toEqual([]);
    expect(found.profile?.points.map((p) => p.name)).toEqual(["power"]);
  });

  it("an MQTT profile: a misspelt key and the topic rules together", () => {
    const path = file(
      "plug.yaml",
      `protocol: mqtt
products: [{ brand: Test, models: [Plug] }]
description: { en: A test plug., fr: Une prise de test., ar: مقبس اختبار. }
roles: [grid_meter]
topics:
  - topic: "{topic}/state"
    fields:
      - { path: p, field: power_kw, unit: W }
  - topic: "{topic}/energy"
    feilds: []
`,
    );
    const found = checkProfileFile(path);
    expect(found.kind).toBe("mqtt");
    expect(found.errors.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      // The rule on the valid topic, reported beside the broken one's problems.
      '8 topics.0.fields.0.field: "power_kw" must end with "_w" (unit W)',
      "9 topics.1.fields: must map at least one value",
      expect.stringMatching(/^10 topics\.1\.feilds: unknown key: did you mean `fields`\?/),
    ]);
    expect(found.errors[0]?.name).toBe('field "power_kw"');
  });

  it("a file without protocol: read by its keys (topics: MQTT, else Modbus), with a warning saying so", () => {
    const mqtt = checkProfileFile(
      file(
        "no-protocol-plug.yaml",
        `products: [{ brand: Test, models: [Plug] }]
description: { en: A test plug., fr: Une prise de test., ar: مقبس اختبار. }
roles: [grid_meter]
topics:
  - topic: "{topic}/state"
    fields: [{ path: p, field: power_w, unit: W }]
`,
      ),
    );
    expect(mqtt).toMatchObject({ kind: "mqtt", errors: [], topics: 1 });
    expect(mqtt.warnings.map((p) => `${p.path}: ${p.message}`)).toEqual([
      '(protocol): not given; read as mqtt (it has topics): add "protocol: mqtt"',
    ]);
    const modbus = checkProfileFile(
      file(
        "no-protocol-meter.yaml",
        `products: [{ brand: Acme, models: [M1] }]
description: { en: A meter., fr: Un compteur., ar: عداد. }
defaults: { table: input, measurement: grid_meter }
points:
  - { name: power, address: 0, type: float32, unit: W, field: power_w } # Total power
`,
      ),
    );
    expect(modbus).toMatchObject({ kind: "modbus", errors: [] });
    expect(modbus.profile?.spec.protocol).toBe("modbus");
    expect(modbus.warnings.map((p) => p.message)).toEqual([
      'not given; read as modbus (it has no topics): add "protocol: modbus"',
    ]);
    const unknown = checkProfileFile(file("bacnet.yaml", "protocol: bacnet\npoints: []\n"));
    expect(unknown.errors.map((p) => `${p.path}: ${p.message}`)).toContain('protocol: must be "modbus"');
  });

  it("a YAML syntax error is named by its line", () => {
    const found = checkProfileFile(file("bad.yaml", "points: [\n  - {\n"));
    expect(found.errors.length).toBeGreaterThan(0);
    expect(found.errors[0]).toMatchObject({ path: "(yaml)", line: expect.any(Number) });
  });
});
