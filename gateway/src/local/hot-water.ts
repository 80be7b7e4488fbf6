/**
 * The hot water as the local page shows it: the latest temperatures of each solar water heater
 * (measurement hot_water, fields of gateway/profiles/modbus/solar-water-heater/), as read.
 */
import type { Point } from "@jisr/core";

export interface HotWaterView {
  device: string;
  /** Tank top (or outlet) temperature: the water the residents get, °C. */
  tank_top_c?: number;
  collector_c?: number;
  pump_on?: boolean;
  backup_heater_on?: boolean;
  time: number;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown) => (typeof v === "boolean" ? v : undefined);

export class HotWater {
  readonly #latest = new Map<string, HotWaterView>();

  record(points: readonly Point[]): void {
    for (const p of points) {
      if (p.measurement !== "hot_water" || p.tags.device === undefined) continue;
      const before = this.#latest.get(p.tags.device);
      if (before && p.time < before.time) continue;
      const f = p.fields;
      const top = num(f.tank_top_temperature_c) ?? num(f.outlet_temperature_c);
      const collector = num(f.collector_temperature_c);
      const pump = bool(f.pump_on);
      const backup = bool(f.backup_heater_on);
      this.#latest.set(p.tags.device, {
        device: p.tags.device,
        ...(top !== undefined && { tank_top_c: top }),
        ...(collector !== undefined && { collector_c: collector }),
        ...(pump !== undefined && { pump_on: pump }),
        ...(backup !== undefined && { backup_heater_on: backup }),
        time: p.time,
      });
    }
  }

  summary(): HotWaterView[] {
    return [...this.#latest.values()].sort((a, b) => a.device.localeCompare(b.device));
  }
}
