/**
 * The simulated institutions of the demo: three sites of different sizes around Ben Guerir, described
 * in the demo's inventory (demo/inventory/, the same format as a real programme's: docs/inventory.md).
 * The simulators are sized from it, and the analytics read it (run-demo.ts), so the two cannot differ.
 */
import { fileURLToPath } from "node:url";
import type { Inventory } from "@jisr/core/inventory";
import { loadInventory } from "@jisr/core/inventory";

/** The demo's inventory folder; named through src/ because the build (dist/) copies only code. */
export const DEMO_INVENTORY_DIR = fileURLToPath(new URL("../../src/demo/inventory", import.meta.url));

export interface DemoInstitution {
  id: string;
  name: string;
  /** PV peak power of the inverter, kWp. */
  kwp: number;
  /** What backs the solar water heater up: an electric element (default) or a butane burner of this output. */
  backup?: { kind: "butane"; burnerKw: number };
}

/** The demo's sites from an inventory: largest plant first, as the demo's table lists them. */
export function demoInstitutionsOf(inventory: Inventory): DemoInstitution[] {
  return inventory.institutions
    .map((inst) => {
      const backup = inst.hot_water?.backup;
      return {
        id: inst.id,
        name: inst.names.fr,
        kwp: (inst.pv?.arrays ?? []).reduce((sum, a) => sum + a.kwp, 0),
        ...(backup?.kind === "butane" && {
          backup: { kind: "butane" as const, burnerKw: backup.burner_power_kw },
        }),
      };
    })
    .sort((a, b) => b.kwp - a.kwp);
}

export const DEMO_INVENTORY: Inventory = loadInventory(DEMO_INVENTORY_DIR);
export const DEMO_INSTITUTIONS: readonly DemoInstitution[] = demoInstitutionsOf(DEMO_INVENTORY);
