import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type LaidOutPoint, loadModelFile, loadSunspecModels, ModelMapError } from "./models.js";

/** The official SunSpec model definitions of the ids we map, vendored with their licence (vendor/README.md). */
const OFFICIAL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../vendor/sunspec-models");
const REQUIRED_IDS = [1, 101, 102, 103, 111, 112, 113, 120, 160, 201, 202, 203, 204];

interface OfficialPoint {
  name: string;
  type: string;
  size: number;
  sf?: string | number;
  units?: string;
  symbols?: Array<{ name: string; value: number }>;
}
interface OfficialGroup {
  name: string;
  label?: string;
  points: OfficialPoint[];
  groups?: OfficialGroup[];
}

/**
 * Known upstream slips we deliberately do not copy. model_111.json names the St symbols "ggOFF",
 * "ggMPPT", ... while 101-103 and 112-113 use "OFF", "MPPT", ...
 */
function officialSymbolName(modelId: number, point: string, name: string): string {
  return modelId === 111 && point === "St" ? name.replace(/^gg/, "") : name;
}

function comparable(points: readonly LaidOutPoint[]) {
  return points.map((p) => ({
    name: p.name,
    offset: p.offset,
    size: p.size,
    type: p.type,
    sf: p.sf,
    units: p.units,
    symbols: p.symbols,
  }));
}

function officialComparable(modelId: number, points: readonly OfficialPoint[], start: number) {
  let offset = 0;
  const out = [];
  for (const p of points) {
    const at = offset;
    offset += p.size;
    if (at < start) continue; // ID and L: implicit in our maps
    out.push({
      name: p.name,
      offset: at,
      size: p.size,
      type: p.type,
      sf: p.sf === undefined ? undefined : String(p.sf),
      units: p.units,
      symbols: p.symbols
        ? Object.fromEntries(p.symbols.map((s) => [officialSymbolName(modelId, p.name, s.name), s.value]))
        : undefined,
    });
  }
  return out;
}

function official(id: number): OfficialGroup {
  return (
    JSON.parse(readFileSync(join(OFFICIAL_DIR, `model_${id}.json`), "utf8")) as { group: OfficialGroup }
  ).group;
}

describe("our SunSpec register maps", () => {
  const registry = loadSunspecModels();

  it("cover every model the gateway reads", () => {
    expect([...registry.keys()].sort((a, b) => a - b)).toEqual(REQUIRED_IDS);
  });

  it("give every exported field a unit-suffixed snake_case name", () => {
    const fields = [...registry.values()].flatMap((m) =>
      [...m.points, ...(m.group?.points ?? [])].flatMap((p) => [p.field, p.rawField]),
    );
    const named = fields.filter((f): f is string => f !== undefined);
    expect(named).toContain("power_w");
    for (const f of named) expect(f).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe("our maps match the official SunSpec JSON (vendor/sunspec-models)", () => {
  const registry = loadSunspecModels();

  for (const id of REQUIRED_IDS) {
    describe(`model ${id}`, () => {
      const ours = registry.get(id);
      const theirs = official(id);

      it("has the official name and label", () => {
        expect(ours?.name).toBe(theirs.name);
        expect(ours?.label).toBe(theirs.label?.trim());
      });

      it("starts with ID and L as the official model does", () => {
        expect(theirs.points.slice(0, 2).map((p) => [p.name, p.type, p.size])).toEqual([
          ["ID", "uint16", 1],
          ["L", "uint16", 1],
        ]);
      });

      it("has every point at the official offset, size, type, sf, units and symbols", () => {
        expect(comparable(ours?.points ?? [])).toEqual(officialComparable(id, theirs.points, 2));
      });

      it("has the official repeating group", () => {
        const theirGroup = theirs.groups?.[0];
        expect(ours?.group?.name).toBe(theirGroup?.name);
        if (!theirGroup || !ours?.group) return;
        expect(comparable(ours.group.points)).toEqual(officialComparable(id, theirGroup.points, 0));
        const count = theirs.points.find((p) => p.name === ours.group?.count);
        expect(count?.type).toBe("count");
      });
    });
  }
});

describe("loading a register map", () => {
  const dir = mkdtempSync(join(tmpdir(), "jisr-sunspec-maps-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("names the file and the path of a wrong offset", () => {
    const path = write(
      "bad-offset.yaml",
      `models: [{ id: 64900, name: test, label: Test }]
points:
  - { name: W, offset: 2, type: int16, sf: W_SF, units: W }
  - { name: W_SF, offset: 4, type: sunssf }
`,
    );
    expect(() => loadModelFile(path)).toThrow(ModelMapError);
    expect(() => loadModelFile(path)).toThrow(`${path}: points.1.offset: W_SF is at offset 3`);
  });

  it("rejects a scale factor that names no sunssf point, and unknown keys", () => {
    const path = write(
      "bad-sf.yaml",
      `models: [{ id: 64901, name: test, label: Test }]
points:
  - { name: W, type: int16, sf: WSF, units: W, scale: 2 }
`,
    );
    expect(() => loadModelFile(path)).toThrow(/points\.0: Unrecognized key: "scale"/);
    writeFileSync(
      path,
      `models: [{ id: 64901, name: test, label: Test }]\npoints:\n  - { name: W, type: int16, sf: WSF }\n`,
    );
    expect(() => loadModelFile(path)).toThrow(`points.0.sf: "WSF" is not a sunssf point`);
  });

  it("rejects one field exported by two points without combine", () => {
    const path = write(
      "bad-field.yaml",
      `models: [{ id: 64902, name: test, label: Test }]
measurement: pv_inverter
points:
  - { name: A, type: uint16, field: current_a }
  - { name: B, type: uint16, field: current_a }
`,
    );
    expect(() => loadModelFile(path)).toThrow("field current_a is exported twice without combine");
  });

  it("lays points out by order and size, strings by their declared size", () => {
    const path = write(
      "ok.yaml",
      `models: [{ id: 64903, name: test, label: Test }]
points:
  - { name: Name, type: string, size: 4 }
  - { name: E, type: acc32 }
  - { name: V, type: uint16 }
`,
    );
    const [map] = loadModelFile(path);
    expect(map?.points.map((p) => [p.name, p.offset, p.size])).toEqual([
      ["Name", 2, 4],
      ["E", 6, 2],
      ["V", 8, 1],
    ]);
    expect(map?.fixedLength).toBe(7);
  });
});
