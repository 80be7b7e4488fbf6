/**
 * Today's PV production as the gateway sees it, for the local page (issue 13, "weeks alone"): the rise
 * of each inverter's lifetime counter (pv_inverter energy_wh) since its first reading of the local day
 * (Africa/Casablanca by default), summed, and the last AC power of each. Pure apart from what it is fed.
 */
import type { Point } from "@jisr/core";
import { localParts } from "@jisr/core";

export interface PvToday {
  /** Local day, YYYY-MM-DD. */
  day: string;
  energy_wh: number;
  power_w: number;
  inverters: number;
}

export class TodayPv {
  readonly #timeZone: string;
  #day = "";
  readonly #first = new Map<string, number>();
  readonly #last = new Map<string, number>();
  readonly #power = new Map<string, number>();

  constructor(timeZone = "Africa/Casablanca") {
    this.#timeZone = timeZone;
  }

  record(points: readonly Point[]): void {
    for (const p of points) {
      if (p.measurement !== "pv_inverter") continue;
      const device = p.tags.device ?? "";
      // A reading of an earlier day (sent late) is not today's production.
      if (this.#rollOver(p.time) < this.#day) continue;
      const energy = p.fields.energy_wh;
      if (typeof energy === "number") {
        if (!this.#first.has(device)) this.#first.set(device, energy);
        this.#last.set(device, energy);
      }
      const power = p.fields.power_w;
      if (typeof power === "number") this.#power.set(device, power);
    }
  }

  summary(now: number): PvToday {
    this.#rollOver(now);
    let energy = 0;
    for (const [device, first] of this.#first)
      energy += Math.max(0, (this.#last.get(device) ?? first) - first);
    let power = 0;
    for (const w of this.#power.values()) power += w;
    return { day: this.#day, energy_wh: energy, power_w: power, inverters: this.#power.size };
  }

  /** The local day of `time`; a later day than the current one starts from zero. */
  #rollOver(time: number): string {
    const { year, month, day } = localParts(time, this.#timeZone);
    const today = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    if (today <= this.#day) return today;
    this.#day = today;
    this.#first.clear();
    this.#last.clear();
    this.#power.clear();
    return today;
  }
}
