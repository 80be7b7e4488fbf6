/**
 * Inventory → the analytics institutions file (services/analytics/src/config/schema.ts), as an object in
 * the form that file is written (snake_case keys, durations as strings, the hot-water settings in their
 * camelCase keys). The analytics service parses it with its own loader, so its defaults and its checks
 * (tariff zone, overlapping windows...) stay its own. Keys the inventory leaves out are left out.
 */
import { isAbsolute, resolve } from "node:path";
import { isProvisionalSource } from "../provisional.js";
import type { Inventory, InventoryInstitution } from "./schema.js";

export interface AnalyticsInstitutionsInput {
  time_zone: string;
  co2?: { grid_factor_kg_per_kwh: number; source: string };
  reading_interval?: string;
  gap?: string;
  max_gap?: string;
  institutions: Record<string, Record<string, unknown>>;
}

export function deriveAnalytics(inventory: Inventory): AnalyticsInstitutionsInput {
  const p = inventory.programme;
  return {
    time_zone: p.time_zone,
    ...(p.co2 && { co2: co2Of(p.co2) }),
    ...(p.reading_interval !== undefined && { reading_interval: p.reading_interval }),
    ...(p.gap !== undefined && { gap: p.gap }),
    ...(p.max_gap !== undefined && { max_gap: p.max_gap }),
    institutions: Object.fromEntries(
      inventory.institutions.map((inst) => [inst.id, institutionOf(inst, inventory.dir)]),
    ),
  };
}

/**
 * The analytics config marks a provisional factor by the confidence tag leading its source ("U: ...",
 * which the reports turn into a neutral "provisional factor" note): `provisional: true` in the inventory
 * adds the tag when the source text does not already carry one.
 */
function co2Of(c: { grid_factor_kg_per_kwh: number; source: string; provisional?: boolean }) {
  const source = c.provisional && !isProvisionalSource(c.source) ? `U: ${c.source}` : c.source;
  return { grid_factor_kg_per_kwh: c.grid_factor_kg_per_kwh, source };
}

/** The tariff file, absolute: the derived config does not live beside the inventory. */
export function tariffPath(inst: InventoryInstitution, dir: string): string {
  return isAbsolute(inst.tariff.file) ? inst.tariff.file : resolve(dir, inst.tariff.file);
}

/** Counter limits as written, only the keys given. */
function counterOf(c: {
  max_power_w: number;
  tolerance_wh?: number;
  jitter_wh?: number;
  rollover_wh?: number;
}) {
  return {
    max_power_w: c.max_power_w,
    ...(c.tolerance_wh !== undefined && { tolerance_wh: c.tolerance_wh }),
    ...(c.jitter_wh !== undefined && { jitter_wh: c.jitter_wh }),
    ...(c.rollover_wh !== undefined && { rollover_wh: c.rollover_wh }),
  };
}

function institutionOf(inst: InventoryInstitution, dir: string): Record<string, unknown> {
  const { heaters, tank: _tank, butane_co2_kg_per_kg, ...settings } = inst.hot_water ?? { heaters: [] };
  const heatMeters = heaters.flatMap((h) => (h.heat_meter ? [[h.device, h.heat_meter] as const] : []));
  const hotWaterSettings = camelKeys(settings) as Record<string, unknown>;
  if (butane_co2_kg_per_kg !== undefined) hotWaterSettings.co2 = { butaneKgPerKg: butane_co2_kg_per_kg };
  return {
    name: inst.names,
    location: inst.location,
    tariff: tariffPath(inst, dir),
    ...(inst.pv && {
      pv: { inverters: inst.pv.arrays.flatMap((a) => a.inverters), ...counterOf(inst.pv) },
    }),
    ...(inst.grid_meter && { grid_meter: { device: inst.grid_meter.device, ...counterOf(inst.grid_meter) } }),
    ...(inst.hot_water && {
      hot_water: {
        devices: heaters.map((h) => h.device),
        heat_meters: Object.fromEntries(heatMeters),
        settings: hotWaterSettings,
      },
    }),
    ...(inst.co2 && { co2: co2Of(inst.co2) }),
    ...(inst.reading_interval !== undefined && { reading_interval: inst.reading_interval }),
  };
}

/**
 * snake_case keys → camelCase, deeply (the hot-water settings' own spelling): `burner_power_kw` →
 * `burnerPowerKw`. Values are left alone ("tank_top_temperature_c" stays a field name).
 */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), camelKeys(v)]),
  );
}
