import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectProfileFile, loadProfile, ProfileError } from "./load.js";
import { profileJsonSchema } from "./schema.js";

const dir = mkdtempSync(join(tmpdir(), "jisr-profile-check-"));

const HEAD = `
products: [{ brand: Acme, models: [X1] }]
description: { en: An inverter., fr: Un onduleur., ar: عاكس. }
protocol: modbus
defaults: { measurement: pv_inverter }
`;

/** Writes a profile (HEAD + `body`) and returns what loading it finds, as "path: message" lines. */
function inspect(body: string, name = "p.yaml", head = HEAD): { errors: string[]; warnings: string[] } {
  const file = join(dir, name);
  writeFileSync(file, `${head}${body}`);
  const found = inspectProfileFile(file);
  return {
    errors: found.errors.map((p) => `${p.path}: ${p.message}`),
    warnings: found.warnings.map((p) => `${p.path}: ${p.message}`),
  };
}

describe("profile checks", () => {
  it("accepts a correct profile, with no warnings", () => {
    const found = inspect(`
points:
  - { name: power, address: 10, type: int32, scale: 0.1, unit: W, field: power_w } # Active power
  - { name: state, address: 12, type: uint16, field: state, enum: { 1: RUNNING } } # Status
`);
    expect(found).toEqual({ errors: [], warnings: [] });
  });

  it("names overlapping points, an unknown scale register and a 32-bit point that cannot fit a request", () => {
    const found = inspect(`
read: { max_registers: 1 }
points:
  - { name: power, address: 10, type: int32, unit: W, field: power_w } # Active power
  - { name: voltage, address: 11, type: uint16, scale_register: v_sf, unit: V, field: ac_voltage_v } # Voltage
`);
    expect(found.errors).toEqual([
      'points.1.address: holding 11 overlaps points.0 ("power", holding 10-11)',
      "points.0: a int32 of 2 registers cannot be read in one request: read.max_registers is 1, and a value is never split across requests",
      'points.1.scale_register: unknown scale register "v_sf": no point has that name',
    ]);
  });

  it("refuses a scale register too far from its value to share one request", () => {
    const found = inspect(`
points:
  - { name: w, address: 0, type: int16, scale_register: w_sf, unit: W, field: power_w } # W
  - { name: w_sf, address: 200, type: int16 } # W_SF
`);
    expect(found.errors).toEqual([
      'points.0.scale_register: "w_sf" (holding 200) is too far from this point (holding 0) to be read in the same request: 201 registers, at most 125',
    ]);
  });

  it("explains keys that do not go with the type: enum on a float, word order on 16 bits, scale on a string", () => {
    const found = inspect(`
points:
  - { name: a, address: 0, type: float32, field: state, enum: { 1: ON } } # A
  - { name: b, address: 2, type: uint16, word_order: little, unit: V, field: b_v } # B
  - { name: c, address: 3, type: string, length: 2, scale: 0.1, field: serial } # C
  - { name: d, address: 0, table: coil, type: uint16, unit: W, field: d_w } # D
  - { name: e, address: 5, type: string, field: model } # E
`);
    expect(found.errors).toEqual([
      "points.0.enum: enum on a float32: enum needs an integer type (uint16, uint32, ...)",
      "points.1.word_order: uint16 is one register: word order only applies to 32- and 64-bit types",
      "points.2.scale: a string cannot be scaled",
      "points.3.type: a coil is one bit: use type bool (uint16 needs holding or input registers)",
      "points.4.length: a string needs its length in registers (2 characters each)",
    ]);
  });

  it("checks names against the data model: unit suffixes, tag sets, one writer per field", () => {
    const found = inspect(`
points:
  - { name: p, address: 0, type: uint16, unit: W, field: power_kw } # P
  - { name: q, address: 1, type: uint16, unit: V, measurement: pv_string, field: dc_voltage_v } # Q
  - { name: r, address: 2, type: uint16, unit: W, field: dc_power_w } # R
  - { name: s, address: 3, type: uint16, unit: W, field: dc_power_w } # S
  - { name: t, address: 4, type: uint16, field: temperature_c } # T
`);
    expect(found.errors).toEqual([
      "points.0.field: power_kw holds W: its name must end in _w",
      "points.4.unit: field temperature_c needs a unit (one of: W Wh var VA V A Hz °C K Ω % L/h L m³ W/m² m/s bar s h)",
      "points.1.tags: pv_string takes exactly the tag(s) string",
      "points.3.field: points.2 already writes dc_power_w of pv_inverter",
    ]);
  });

  it("reports schema mistakes by path: unknown keys, missing translations, bad values", () => {
    const found = inspect(
      `
points:
  - { name: Power, address: 70000, type: int24, adress: 3 } # P
`,
      "schema.yaml",
      HEAD.replace("ar: عاكس. ", ""),
    );
    expect(found.errors).toEqual([
      "description.ar: is required",
      "points.0.name: must be snake_case: a lower-case letter, then a-z, 0-9 or _",
      "points.0.address: must be between 0 and 65535",
      "points.0.type: must be one of: int16, uint16, int32, uint32, float32, int64, uint64, string, bool",
      "points.0.adress: unknown key: did you mean `address`? (known keys are: name, address, table, type, length, word_order, scale, scale_register, unit, measurement, field, raw_field, tags, sentinels, enum, bitfield)",
    ]);
  });

  it("reports a misspelt top-level key together with the key it should have been", () => {
    const found = inspect("points: []\n", "typo.yaml", HEAD.replace("products:", "product:"));
    expect(found.errors).toEqual([
      "product: unknown key: did you mean `products`? (known keys are: products, description, requirements, caveats, protocol, extends, identify, read, defaults, points)",
      "products: is required",
      "points: must list at least one point",
    ]);
  });

  it("warns about an address without its vendor comment and a point read for nothing", () => {
    const found = inspect(`
points:
  - { name: power, address: 0, type: uint16, unit: W, field: power_w }
  - { name: spare, address: 1, type: uint16 } # Reserved
`);
    expect(found.errors).toEqual([]);
    expect(found.warnings).toEqual([
      "points.0.address: no trailing comment naming the vendor's register (e.g. `address: 32080 # Active power`)",
      'points.1: "spare" is read but never stored (no field) nor used as a scale register',
    ]);
  });

  it("merges what a profile extends, names problems in the file they come from, and finds cycles", () => {
    writeFileSync(
      join(dir, "_block.yaml"),
      `defaults: { table: input, measurement: pv_inverter }
points:
  - { name: power, address: 0, type: uint16, unit: W, field: power_w } # Power
  - { name: volts, address: 1, type: uint16, unit: V, field: ac_voltage_v } # Voltage
`,
    );
    const ok = inspect(
      `extends: _block.yaml
points:
  - { name: volts, address: 5, type: uint16, scale: 0.1, unit: V, field: ac_voltage_v } # Voltage (moved)
  - { name: freq, address: 6, type: uint16, scale: 0.01, unit: Hz, field: frequency_hz } # Frequency
`,
      "child.yaml",
    );
    expect(ok).toEqual({ errors: [], warnings: [] });
    const child = loadProfile("child.yaml", dir);
    expect(child.points.map((p) => [p.name, p.table, p.address])).toEqual([
      ["power", "input", 0],
      ["volts", "input", 5],
      ["freq", "input", 6],
    ]);

    const clash = inspect(
      `extends: _block.yaml
points:
  - { name: other, address: 1, type: uint16, unit: W, field: dc_power_w } # Other
`,
      "clash.yaml",
    );
    expect(clash.errors).toEqual([
      'points.0.address: input 1 overlaps _block.yaml: points.1 ("volts", input 1)',
    ]);

    writeFileSync(join(dir, "loop-a.yaml"), "extends: loop-b.yaml\n");
    writeFileSync(join(dir, "loop-b.yaml"), "extends: loop-a.yaml\n");
    expect(inspect("extends: loop-a.yaml\npoints: []\n", "loop.yaml").errors[0]).toBe(
      "loop-b.yaml: extends: extends itself: loop-a.yaml -> loop-b.yaml -> loop-a.yaml",
    );
  });

  it("throws a ProfileError listing every problem, and an unknown name lists the built-in ones", () => {
    expect(() => loadProfile("huawei-sun3000")).toThrow(ProfileError);
    expect(() => loadProfile("huawei-sun3000")).toThrow(
      /unknown profile "huawei-sun3000"; built-in profiles: sunspec, .*huawei-sun2000/,
    );
    writeFileSync(join(dir, "bad.yaml"), `${HEAD}points: [{ name: a, address: 0, type: bool, unit: W }]\n`);
    expect(() => loadProfile("bad.yaml", dir)).toThrow(/points\.0\.unit: a bool has no unit/);
  });

  it("exports a JSON Schema in which every key is described", () => {
    const schema = profileJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const [key, field] of Object.entries(schema.properties)) expect(field.description, key).toBeTruthy();
  });
});
