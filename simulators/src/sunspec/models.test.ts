import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DCEVT_BIT,
  EVT1_BIT,
  fixedSize,
  MODEL_COMMON,
  MODEL_INVERTER_3P,
  MODEL_MPPT,
  type ModelDef,
  OPERATING_STATE,
  repeatSize,
} from "./models.js";

/** The official SunSpec model definitions, vendored with their licence (vendor/README.md). */
const OFFICIAL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../vendor/sunspec-models");

interface OfficialPoint {
  name: string;
  type: string;
  size: number;
  sf?: string;
  units?: string;
  symbols?: { name: string; value: number }[];
}
interface OfficialGroup {
  name: string;
  points: OfficialPoint[];
  groups?: OfficialGroup[];
}

function official(id: number): OfficialGroup {
  return (
    JSON.parse(readFileSync(join(OFFICIAL_DIR, `model_${id}.json`), "utf8")) as { group: OfficialGroup }
  ).group;
}

const shape = (
  points: readonly { name: string; type: string; size: number; sf?: string; units?: string }[],
) => points.map((p) => ({ name: p.name, type: p.type, size: p.size, sf: p.sf, units: p.units }));

/** Offset of every point from the model's ID register. */
function offsets(points: readonly { name: string; size: number }[]): Record<string, number> {
  const result: Record<string, number> = {};
  let at = 0;
  for (const p of points) {
    result[p.name] = at;
    at += p.size;
  }
  return result;
}

function symbols(group: OfficialGroup, point: string): Record<string, number> {
  const p = group.points.find((x) => x.name === point);
  return Object.fromEntries((p?.symbols ?? []).map((s) => [s.name, s.value]));
}

describe("our SunSpec layouts", () => {
  it("have the lengths of the specification: L = 66, 50 and 8 + 20 × N", () => {
    expect(fixedSize(MODEL_COMMON) - 2).toBe(66);
    expect(fixedSize(MODEL_INVERTER_3P) - 2).toBe(50);
    expect(fixedSize(MODEL_MPPT) - 2).toBe(8);
    expect(repeatSize(MODEL_MPPT)).toBe(20);
  });

  it("put model 103 W at offset 14 and WH at 24 (addresses 40084, 40094 after a 66-register common)", () => {
    expect(offsets(MODEL_INVERTER_3P.points).W).toBe(14);
    expect(offsets(MODEL_INVERTER_3P.points).WH).toBe(24);
    expect(offsets(MODEL_INVERTER_3P.points).St).toBe(38);
  });
});

describe("our SunSpec layouts vs the official definitions (vendor/sunspec-models)", () => {
  const cases: [number, ModelDef][] = [
    [1, MODEL_COMMON],
    [103, MODEL_INVERTER_3P],
    [160, MODEL_MPPT],
  ];
  it.each(cases)("model %i matches point by point (name, type, size, sf, units, offset)", (id, ours) => {
    const off = official(id);
    expect(shape(ours.points)).toEqual(shape(off.points));
    expect(offsets(ours.points)).toEqual(offsets(off.points));
    expect(ours.id).toBe(id);
    expect(off.points[0]).toMatchObject({ name: "ID" });
  });

  it("model 160's repeating module group matches", () => {
    const group = official(160).groups?.find((g) => g.name === "module");
    expect(group).toBeDefined();
    expect(MODEL_MPPT.repeating?.name).toBe("module");
    expect(shape(MODEL_MPPT.repeating?.points ?? [])).toEqual(shape(group?.points ?? []));
  });

  it("uses the official St, Evt1 and DCEvt symbol values", () => {
    const inv = official(103);
    expect(symbols(inv, "St")).toEqual(OPERATING_STATE);
    expect(symbols(inv, "Evt1")).toEqual(EVT1_BIT);
    const module = official(160).groups?.find((g) => g.name === "module");
    const dcEvt = symbols(module as OfficialGroup, "DCEvt");
    for (const [name, bit] of Object.entries(DCEVT_BIT)) expect(dcEvt[name]).toBe(bit);
  });
});
