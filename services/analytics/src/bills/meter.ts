/**
 * What our meters measured over a bill's reading period, read through the Store with the job's own
 * counter code (jobs/metered.ts): grid import from the grid meter, PV production and export, hour by
 * hour, and how complete the readings are.
 *
 * A reading period runs from local midnight of the opening reading's date to local midnight of the
 * closing reading's date (Africa/Casablanca): consecutive bills then tile time without overlap or hole,
 * and a 25-hour day (the switch to GMT for Ramadan) counts its 25 hours. The utility reads the meter at
 * some hour of those days that no bill prints: the assumption is stated in every reconciliation
 * (`READING_TIME_ASSUMPTION`), and its size is at most a day's consumption at each end.
 */
import { HOUR_MS, localDay } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import type { Institution, InstitutionsConfig } from "../config/load.js";
import { completeness } from "../energy/hourly.js";
import { coveredAt, readMetered, selfConsumption } from "../jobs/metered.js";
import type { HourlyKwh } from "../tariff/types.js";

export const READING_TIME_ASSUMPTION =
  "readings are taken as at local midnight (00:00 Africa/Casablanca) at the start of the reading dates; " +
  "the real reading hour is not on the bill, so each end may shift up to one day's consumption between bills";

export interface PeriodMetering {
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  hours: number;
  gridMeter?: string;
  inverters: string[];
  /** Metered grid import, kWh; undefined without a grid meter or without any reading. */
  importKwh?: number;
  /** Hourly import, for time-of-use periods (hours with no data left out). */
  hourlyImport: HourlyKwh[];
  /** Hours of the period reached by a grid-meter increment, and the share of expected readings. */
  importHours: number;
  importCompleteness: number;
  /** PV used on site, PV produced and exported over the hours where PV and export are both known. */
  selfKwh?: number;
  pvKwh?: number;
  exportKwh?: number;
  /** Hours where self-consumption is known, and where consumption (import + self) is. */
  selfHours: number;
}

/** [local midnight of `from`, local midnight of `to`) as UTC instants. */
export function readingBounds(from: string, to: string, timeZone: string): { fromMs: number; toMs: number } {
  return { fromMs: localDay(from, timeZone).from, toMs: localDay(to, timeZone).from };
}

export async function meterPeriod(
  store: Store,
  inst: Institution,
  cfg: Pick<InstitutionsConfig, "gapMs" | "maxGapMs" | "timeZone">,
  from: string,
  to: string,
): Promise<PeriodMetering> {
  const { fromMs, toMs } = readingBounds(from, to, cfg.timeZone);
  const m = await readMetered(store, inst, cfg, fromMs, toMs);
  const out: PeriodMetering = {
    from,
    to,
    fromMs,
    toMs,
    hours: m.hours,
    inverters: inst.pv?.inverters ?? [],
    hourlyImport: [],
    importHours: 0,
    importCompleteness: 0,
    selfHours: 0,
  };
  if (inst.gridMeter) out.gridMeter = inst.gridMeter.device;
  if (m.import) {
    let wh = 0;
    for (let h = 0; h < m.hours; h++) {
      if (!coveredAt(m.import, h)) continue;
      out.importHours++;
      const v = m.import.energy.wh[h] as number;
      wh += v;
      out.hourlyImport.push({ start: fromMs + h * HOUR_MS, kwh: v / 1000 });
    }
    if (out.importHours > 0) out.importKwh = wh / 1000;
    out.importCompleteness = completeness(m.import.counts, m.import.devices, 0, m.hours, m.readingIntervalMs);
  }
  const self = selfConsumption(m, fromMs, toMs);
  if (self) {
    out.selfKwh = self.selfWh / 1000;
    out.pvKwh = self.pvWh / 1000;
    out.exportKwh = self.exportWh / 1000;
    for (let h = 0; h < m.hours; h++) if (coveredAt(m.pv, h) && coveredAt(m.export, h)) out.selfHours++;
  }
  return out;
}
