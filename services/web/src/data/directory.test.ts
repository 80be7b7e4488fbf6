import { fileURLToPath } from "node:url";
import { institutionsFromInventory } from "@jisr/analytics";
import { deriveDirectory, type Inventory, loadInventory } from "@jisr/core/inventory";
import { describe, expect, it } from "vitest";
import { deviceName } from "../routes/alerts/text.js";
import { Directory } from "./directory.js";

const DEPLOY = fileURLToPath(new URL("../../../../deploy/inventory", import.meta.url));

/** The compose inventory with the inverter renamed, and a second inverter without names. */
function inventory(): Inventory {
  const inv = loadInventory(DEPLOY);
  const [inst] = inv.institutions;
  if (!inst) throw new Error("the deploy inventory has no institution");
  const inverter = inst.devices.find((d) => d.id === "inverter-1");
  if (!inverter) throw new Error("the deploy inventory has no inverter-1");
  inverter.names = { fr: "Onduleur toiture nord", ar: "عاكس السطح الشمالي" };
  return inv;
}

describe("web directory from the inventory", () => {
  it("names devices as the inventory does, in the page's language, and falls back to kind and number", () => {
    const inv = inventory();
    const dir = new Directory(institutionsFromInventory(inv), deriveDirectory(inv));
    const inst = dir.get("demo-ben-guerir");
    expect(inst?.devices.find((d) => d.id === "inverter-1")?.names).toEqual({
      fr: "Onduleur toiture nord",
      ar: "عاكس السطح الشمالي",
    });
    expect(deviceName(inst, "inverter-1", "fr")).toBe("Onduleur toiture nord");
    expect(deviceName(inst, "inverter-1", "ar")).toBe("عاكس السطح الشمالي");
    // No English name given: the kind's name, as without an inventory.
    expect(deviceName(inst, "inverter-1", "en")).toBe("Inverter");
    expect(deviceName(inst, "grid-meter-1", "en")).toBe("Grid meter");
    expect(deviceName(inst, "unknown-device", "fr")).toBe("unknown-device");
  });

  it("without an inventory, devices are named by kind as before", () => {
    const inv = inventory();
    const inst = new Directory(institutionsFromInventory(inv)).get("demo-ben-guerir");
    expect(inst?.devices.every((d) => d.names === undefined)).toBe(true);
    expect(deviceName(inst, "inverter-1", "fr")).toBe("Onduleur");
  });
});
