import { describe, expect, it } from "vitest";
import { defaultModels, type SunspecDiscovery } from "../../sunspec/index.js";
import { planReads } from "./read-models.js";

/** A chain laid out as a device announces it: each block (ID, L, body) right after the previous one. */
function chain(models: Array<[id: number, length: number]>, base = 40000): SunspecDiscovery {
  let address = base + 2;
  return {
    base,
    models: models.map(([id, length]) => {
      const ref = { id, address, length };
      address += length + 2;
      return ref;
    }),
  };
}

describe("planReads", () => {
  const registry = defaultModels();

  it("skips the models that yield no reading and joins the rest into one request", () => {
    // The simulator's chain: common (1), inverter (103), MPPT (160) with two modules.
    const plan = planReads(
      chain([
        [1, 66],
        [103, 50],
        [160, 48],
      ]),
      registry,
    );
    expect(plan).toEqual([
      {
        address: 40070,
        length: 102,
        models: [expect.objectContaining({ id: 103 }), expect.objectContaining({ id: 160 })],
      },
    ]);
  });

  it("reads across the blocks of skipped or unmapped models between two it needs, within 125 registers", () => {
    // 103, nameplate 120 (no reading), an unmapped 64001, then 160: one span from 103's ID to 160's end.
    const plan = planReads(
      chain([
        [1, 66],
        [103, 50],
        [120, 26],
        [64001, 10],
        [160, 8],
      ]),
      registry,
    );
    expect(plan.map((r) => [r.address, r.length, r.models.map((m) => m.id)])).toEqual([
      [40070, 52 + 28 + 12 + 10, [103, 160]],
    ]);
  });

  it("starts a new request where the span would pass 125 registers, and keeps a long block alone", () => {
    const plan = planReads(
      chain([
        [103, 50],
        [160, 68],
        [203, 105],
        [160, 200],
      ]),
      registry,
    );
    expect(plan.map((r) => [r.address, r.length, r.models.map((m) => m.id)])).toEqual([
      [40002, 52 + 70, [103, 160]],
      [40124, 107, [203]],
      [40231, 202, [160]],
    ]);
    expect(plan.every((r) => r.length <= 125 || r.models.length === 1)).toBe(true);
  });

  it("still reads a device whose models yield no reading, so that its silence shows", () => {
    const plan = planReads(
      chain([
        [1, 66],
        [120, 26],
        [64001, 10],
      ]),
      registry,
    );
    expect(plan.map((r) => [r.address, r.length, r.models.map((m) => m.id)])).toEqual([
      [40002, 68 + 28, [1, 120]],
    ]);
  });

  it("honours a smaller per-request limit", () => {
    const plan = planReads(
      chain([
        [103, 50],
        [160, 48],
      ]),
      registry,
      60,
    );
    expect(plan.map((r) => r.models.map((m) => m.id))).toEqual([[103], [160]]);
  });
});
