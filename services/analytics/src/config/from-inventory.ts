/**
 * The analytics institutions config from an inventory (core/src/inventory): derived there into the
 * institutions file's own form, then read by this service's loader, so its defaults and checks hold.
 */
import type { Inventory } from "@jisr/core/inventory";
import { deriveAnalytics, loadInventory } from "@jisr/core/inventory";
import { stringify } from "yaml";
import { type InstitutionsConfig, parseInstitutions } from "./load.js";

export function institutionsFromInventory(inventory: Inventory): InstitutionsConfig {
  // Tariff paths come out absolute, so the base folder only names the source.
  return parseInstitutions(stringify(deriveAnalytics(inventory)), {
    source: `inventory ${inventory.dir}`,
    baseDir: inventory.dir,
  });
}

export function loadInstitutionsFromInventory(dir: string): InstitutionsConfig {
  return institutionsFromInventory(loadInventory(dir));
}

/** `--inventory DIR` when given, else `--institutions FILE`: what every command reads. */
export function loadInstitutionsFrom(
  o: { inventory?: string; institutions: string },
  loadFile: (path: string) => InstitutionsConfig,
): InstitutionsConfig {
  return o.inventory !== undefined ? loadInstitutionsFromInventory(o.inventory) : loadFile(o.institutions);
}
