/**
 * What the web page needs to know about each institution, taken from the institutions file once
 * (services/analytics/src/config/): names in three languages, and how its hot water is judged (which
 * tank field is the outlet, the service temperature the tank is compared with).
 */
import type { InstitutionsConfig } from "@jisr/analytics";
import type { Names } from "../schemas/common.js";

export interface WebInstitution {
  id: string;
  name: Names;
  commune: string;
  /** Outlet temperature at or above this means hot water is available, °C. */
  serviceTemperatureC: number | null;
  /** `hot_water` field read as the tank (outlet) temperature. */
  tankField: string | null;
  hasPv: boolean;
  hasHotWater: boolean;
  latitude: number;
  longitude: number;
  /** The inverters' maximum AC power, W (the PV counters' limit); null without PV. */
  pvMaxPowerW: number | null;
  /** When residents need hot water, local time ("06:00"–"09:00"), from the hot-water settings. */
  demandWindows: Array<{ start: string; end: string }>;
  /**
   * Devices by kind, in the file's order (the page names them "Onduleur 1", "Onduleur 2"...), with their
   * friendly names from the inventory when the service was started on one.
   */
  devices: Array<{
    id: string;
    kind: "inverter" | "grid_meter" | "water_heater";
    n: number;
    names?: DeviceNames;
  }>;
}

/** A device's friendly names, any language optional. */
export type DeviceNames = { fr?: string; ar?: string; en?: string };

/** Per institution, per device: the friendly names an inventory gives (core/src/inventory deriveDirectory). */
export type InventoryNames = ReadonlyArray<{
  id: string;
  devices: ReadonlyArray<{ id: string; names: DeviceNames }>;
}>;

function devicesOf(i: InstitutionsConfig["institutions"][number]): WebInstitution["devices"] {
  const list = (ids: readonly string[], kind: WebInstitution["devices"][number]["kind"]) =>
    ids.map((id, k) => ({ id, kind, n: k + 1 }));
  return [
    ...list(i.pv?.inverters ?? [], "inverter"),
    ...list(i.gridMeter ? [i.gridMeter.device] : [], "grid_meter"),
    ...list(i.hotWater?.devices ?? [], "water_heater"),
  ];
}

export class Directory {
  readonly timeZone: string;
  readonly all: readonly WebInstitution[];
  readonly #byId: Map<string, WebInstitution>;

  constructor(config: InstitutionsConfig, inventory?: InventoryNames) {
    this.timeZone = config.timeZone;
    const named = new Map(
      (inventory ?? []).map((e) => [e.id, new Map(e.devices.map((d) => [d.id, d.names]))] as const),
    );
    this.all = config.institutions.map((i) => ({
      id: i.id,
      name: { fr: i.name.fr, ar: i.name.ar, en: i.name.en ?? i.name.fr },
      commune: i.location.commune,
      serviceTemperatureC: i.hotWater?.settings.serviceTemperatureC ?? null,
      tankField: i.hotWater?.settings.outletField ?? null,
      hasPv: i.pv !== undefined,
      hasHotWater: i.hotWater !== undefined,
      devices: devicesOf(i).map((d) => {
        const names = named.get(i.id)?.get(d.id);
        return names && Object.keys(names).length > 0 ? { ...d, names } : d;
      }),
      latitude: i.location.latitude,
      longitude: i.location.longitude,
      pvMaxPowerW: i.pv?.counter.maxPowerW ?? null,
      demandWindows: i.hotWater?.settings.demandWindows.map((w) => ({ start: w.start, end: w.end })) ?? [],
    }));
    this.#byId = new Map(this.all.map((i) => [i.id, i]));
  }

  get(id: string): WebInstitution | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  ids(): Set<string> {
    return new Set(this.#byId.keys());
  }
}
