import { loadInstitutions } from "@jisr/analytics/config/load";
import { describe, expect, it } from "vitest";
import { DEMO_INSTITUTIONS } from "./institutions.js";
import { DEMO_INSTITUTIONS_FILE } from "./run-demo.js";

describe("the demo's institutions", () => {
  it("are the analytics' institutions, with the water-heater backup the simulators run", () => {
    const analytics = loadInstitutions(DEMO_INSTITUTIONS_FILE).institutions;
    expect(analytics.map((i) => i.id)).toEqual(DEMO_INSTITUTIONS.map((i) => i.id));
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
});
