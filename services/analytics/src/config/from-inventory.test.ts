import { loadInventory } from "@jisr/core/inventory";
import { DEPLOY_INVENTORY, LEGACY_INSTITUTIONS } from "@jisr/core/testing";
import { describe, expect, it } from "vitest";
import { institutionsFromInventory, loadInstitutionsFromInventory } from "./from-inventory.js";
import { loadInstitutions } from "./load.js";

describe("the analytics institutions from an inventory", () => {
  it("are what the pre-inventory institutions file gave, deep-equal (tariff parsed, settings defaulted)", () => {
    const fromFile = loadInstitutions(LEGACY_INSTITUTIONS);
    const fromInventory = loadInstitutionsFromInventory(DEPLOY_INVENTORY);
    expect({ ...fromInventory, source: "" }).toEqual({ ...fromFile, source: "" });
    expect(fromInventory.institutions[0]?.hotWater?.settings.outletField).toBe("tank_top_temperature_c");
  });

  it("take every hot-water setting in snake_case and give the service's camelCase", () => {
    const inventory = loadInventory(DEPLOY_INVENTORY);
    const [site] = inventory.institutions;
    if (!site?.hot_water) throw new Error("the deploy inventory has hot water");
    site.hot_water = {
      ...site.hot_water,
      heaters: [{ device: "swh-1", heat_meter: "grid-meter-1" }],
      demand_windows: [{ start: "05:30", end: "08:00" }],
      backup: { kind: "butane", burner_power_kw: 18, prices: [{ from: "2024-01-01", retail_mad: 50 }] },
      butane_co2_kg_per_kg: 3,
    };
    site.grid_meter = undefined;
    const [inst] = institutionsFromInventory(inventory).institutions;
    expect(inst?.hotWater?.heatMeters).toEqual({ "swh-1": "grid-meter-1" });
    expect(inst?.hotWater?.settings.demandWindows).toEqual([{ start: "05:30", end: "08:00" }]);
    expect(inst?.hotWater?.settings.backup).toMatchObject({
      kind: "butane",
      burnerPowerKw: 18,
      prices: [{ from: "2024-01-01", retailMad: 50 }],
    });
    expect(inst?.hotWater?.settings.co2).toEqual({ gridKgPerKwh: 0.7, butaneKgPerKg: 3 });
  });

  it("are refused with the service's own message when a setting is out of its range", () => {
    const inventory = loadInventory(DEPLOY_INVENTORY);
    const [site] = inventory.institutions;
    if (!site?.hot_water) throw new Error("the deploy inventory has hot water");
    site.hot_water.demand_windows = [
      { start: "06:00", end: "09:00" },
      { start: "08:00", end: "10:00" },
    ];
    expect(() => institutionsFromInventory(inventory)).toThrow(/demandWindows\.1: overlaps another window/);
  });
});
