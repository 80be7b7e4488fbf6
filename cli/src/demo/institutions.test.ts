import { fileURLToPath } from "node:url";
import { institutionsFromInventory, loadInstitutions } from "@jisr/analytics";
import { describe, expect, it } from "vitest";
import { DEMO_INSTITUTIONS, DEMO_INVENTORY } from "./institutions.js";

/** The analytics' own example (their default --institutions): the demo's sites, in the former format. */
const ANALYTICS_EXAMPLE = fileURLToPath(
  new URL("../../../services/analytics/examples/institutions.yaml", import.meta.url),
);

describe("the demo's institutions", () => {
  it("are built from the demo's inventory, with the water-heater backup the analytics price", () => {
    const analytics = institutionsFromInventory(DEMO_INVENTORY).institutions;
    expect(DEMO_INSTITUTIONS.map((i) => i.id)).toEqual([
      "foyer-ben-guerir",
      "maison-enfants-skhour",
      "centre-handicap-sidi-bouathmane",
    ]);
    expect(DEMO_INSTITUTIONS.map((i) => i.kwp)).toEqual([15, 10, 6]);
    for (const demo of DEMO_INSTITUTIONS) {
      const backup = analytics.find((i) => i.id === demo.id)?.hotWater?.settings.backup;
      // What the analytics prices (burner rating × burner-on time) must be what the simulator heats with.
      const simulated = demo.backup
        ? { kind: "butane", burnerPowerKw: demo.backup.burnerKw }
        : { kind: "electric" };
      expect(backup, demo.id).toMatchObject(simulated);
    }
    expect(DEMO_INSTITUTIONS.some((i) => i.backup?.kind === "butane")).toBe(true);
  });

  it("give the analytics what their example institutions file gives, institution by institution", () => {
    const fromInventory = institutionsFromInventory(DEMO_INVENTORY);
    const fromFile = loadInstitutions(ANALYTICS_EXAMPLE);
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(fromInventory.institutions)).toEqual(byId(fromFile.institutions));
    expect({ ...fromInventory, source: "", institutions: [] }).toEqual({
      ...fromFile,
      source: "",
      institutions: [],
    });
  });
});
