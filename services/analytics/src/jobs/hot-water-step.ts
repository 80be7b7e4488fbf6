/**
 * Hot water in the job: read each solar water heater's series through the Store, hand them to the
 * hot-water helpers (hot-water/daily.ts, monthly.ts), and price an electric backup's avoided kWh through
 * the bill, after the PV (tariff/savings.ts `jointSavings`): the hot-water saving of a month to date is
 * bill(import + self-consumed PV + avoided) − bill(import + self-consumed PV), so that it adds up with the
 * PV's bill saving (savings_*) to the joint saving, bill(import + self-consumed + avoided) − bill(import);
 * pricing both against the actual bill does not, the brackets being selective. The avoided kWh of a day
 * are spread evenly over its hours (a time-of-use tariff then sees an average day; bracket tariffs only
 * see the month's total).
 */
import { DAY_MS, HOUR_MS, type LocalPeriod, localDay, MINUTE_MS } from "@jisr/core";
import type { HourStatsReader, Store } from "@jisr/core/store";
import { hourStatsOf } from "@jisr/core/store";
import type { Logger } from "pino";
import type { Institution } from "../config/load.js";
import { counterOptions } from "../hot-water/counter.js";
import { type HotWaterDaily, hotWaterDaily } from "../hot-water/daily.js";
import { type HotWaterMonthly, monthlyFromDays } from "../hot-water/monthly.js";
import type { HotWaterSettings } from "../hot-water/settings-schema.js";
import type { HeatMeterFields, HotWaterFields, HotWaterReadings, Sample } from "../hot-water/types.js";
import { centimes, mad } from "../tariff/money.js";
import { jointSavings, type MeteredHours } from "../tariff/savings.js";
import type { HourlyKwh } from "../tariff/types.js";
import { readSummarisedCounter } from "./counter-window.js";
import { COUNTER_BUCKET_MS, type MeteredCounter, type MeteredEnergy, sumWh } from "./metered.js";
import { readCounterWindow, readMinutes, type SeriesSource } from "./read-series.js";
import { readTemperatureMinutes, thresholdsOf } from "./temperature-window.js";

/** Longest a reading holds (settings.sampleHoldMinutes ≤ 180): read that much before the window. */
const CONTEXT_MS = 3 * HOUR_MS;

type HotWaterField = keyof HotWaterFields;
type HeatMeterField = keyof HeatMeterFields;

/** The fields hot-water/daily.ts reads with these settings: nothing else is queried. */
function neededFields(settings: HotWaterSettings, hasMeter: boolean) {
  const temperatures = new Set<HotWaterField>([
    settings.outletField,
    settings.hygiene.field ?? settings.outletField,
  ]);
  temperatures.add("mixed_outlet_temperature_c");
  const counters = new Set<HotWaterField>();
  const switches = new Set<HotWaterField>();
  const meter = new Set<HeatMeterField>();
  const source = settings.solarHeat.source;
  if (source === "auto" || source === "controller") counters.add("heat_energy_wh");
  if (hasMeter && (source === "auto" || source === "heat_meter")) meter.add("energy_wh");
  if (hasMeter && (source === "auto" || source === "flow")) {
    for (const f of ["flow_l_per_h", "supply_temperature_c", "return_temperature_c"] as const) meter.add(f);
  }
  const backup = settings.backup;
  if (backup.kind === "butane" || backup.method !== "metered") switches.add("backup_heater_on");
  if (backup.kind === "electric" && backup.method !== "rated") counters.add("backup_energy_wh");
  return { temperatures, counters, switches, meter };
}

/** The readings of every water heater of the institution over [from, to), with context on both sides. */
export async function readHotWater(
  store: Store,
  inst: Institution,
  from: number,
  to: number,
  horizonMs: number,
  log: Logger,
  /** The hour statistics to read through (default the store's own). */
  hourStatsReader?: HourStatsReader,
): Promise<HotWaterReadings[]> {
  const hw = inst.hotWater;
  if (!hw) return [];
  const meters = Object.values(hw.heatMeters);
  const need = neededFields(hw.settings, meters.length > 0);
  const src = (measurement: string, field: string, devices: readonly string[]): SeriesSource => ({
    institution: inst.id,
    measurement,
    field,
    devices,
  });
  const [a, b] = [from - CONTEXT_MS, to + CONTEXT_MS];
  const window = { contextMs: CONTEXT_MS, horizonMs, bucketMs: COUNTER_BUCKET_MS };
  const hot = new Map<HotWaterField, Map<string, Sample[]>>();
  // Hour statistics need whole hours (a zone with half-hour offsets reads every minute).
  const hourStats =
    a % HOUR_MS === 0 && b % HOUR_MS === 0 ? (hourStatsReader ?? hourStatsOf(store)) : undefined;
  for (const f of need.temperatures) {
    const source = src("hot_water", f, hw.devices);
    hot.set(
      f,
      hourStats
        ? await readTemperatureMinutes(
            store,
            hourStats,
            source,
            a,
            b,
            thresholdsOf(f, hw.settings),
            hw.settings.sampleHoldMinutes * MINUTE_MS,
          )
        : await readMinutes(store, source, a, b, "mean"),
    );
  }
  for (const f of need.switches)
    hot.set(f, await readNumericOrSkip(store, src("hot_water", f, hw.devices), a, b, log));
  for (const f of need.counters) {
    const source = src("hot_water", f, hw.devices);
    // The controller's heat counter and the electric backup's meter through hour statistics, each under
    // the rules hot-water/heat.ts reads it with (system-day.ts: the same limits and longest gap).
    const limits =
      f === "heat_energy_wh"
        ? hw.settings.solarHeat.counter
        : hw.settings.backup.kind === "electric"
          ? hw.settings.backup.counter
          : undefined;
    hot.set(
      f,
      hourStats && limits
        ? await readSummarisedCounter(
            store,
            hourStats,
            source,
            from,
            to,
            window,
            counterOptions(limits, hw.settings.maxGapDays * DAY_MS),
          )
        : await readCounterWindow(store, source, from, to, window),
    );
  }
  const heat = new Map<HeatMeterField, Map<string, Sample[]>>();
  for (const f of need.meter) {
    const source = src("heat_meter", f, meters);
    heat.set(
      f,
      f === "energy_wh"
        ? await readCounterWindow(store, source, from, to, window)
        : await readMinutes(store, source, a, b, "mean"),
    );
  }
  return hw.devices.map((device) => {
    const hotWater: HotWaterFields = {};
    for (const [f, byDevice] of hot) {
      const series = byDevice.get(device);
      if (series) hotWater[f] = series;
    }
    const readings: HotWaterReadings = { device, hotWater };
    const meter = hw.heatMeters[device];
    if (meter) {
      const heatMeter: HeatMeterFields = {};
      for (const [f, byDevice] of heat) {
        const series = byDevice.get(meter);
        if (series) heatMeter[f] = series;
      }
      readings.heatMeter = heatMeter;
    }
    return readings;
  });
}

/**
 * On/off fields as numbers (0/1, `max` per minute). The Store aggregates numeric fields only, so a gateway
 * writing booleans makes them unreadable here: logged once per run, and the minutes stay unknown.
 */
async function readNumericOrSkip(store: Store, src: SeriesSource, from: number, to: number, log: Logger) {
  try {
    return await readMinutes(store, src, from, to, "max");
  } catch (err) {
    log.debug({ err, field: src.field }, "Switch field is not numeric: write it as 0/1 to use it");
    return new Map<string, Sample[]>();
  }
}

/**
 * The hot-water days of a month up to `days` (in order, from the 1st) and the month from them: the first
 * `cached.length` days as computed before, the others from `readings`. Electric backup savings are priced
 * here through the bill (see the file comment); butane is priced by the helper.
 */
export function hotWaterMonth(
  inst: Institution,
  readings: HotWaterReadings[],
  month: LocalPeriod,
  days: readonly string[],
  cached: readonly HotWaterDaily[],
  metered: MeteredEnergy,
  timeZone: string,
): { daily: HotWaterDaily[]; monthly: HotWaterMonthly } | undefined {
  const hw = inst.hotWater;
  if (!hw) return undefined;
  const daily = [
    ...cached,
    ...days.slice(cached.length).map((day) => hotWaterDaily(readings, hw.settings, day, timeZone)),
  ];
  if (hw.settings.backup.kind === "electric") priceElectricBackup(inst, daily, month, metered, timeZone);
  return { daily, monthly: monthlyFromDays(month.label, daily, timeZone) };
}

/**
 * Sets each day's `savings_mad`: the increase of the month-to-date hot-water saving (so the days add up to
 * the month), or nothing when it cannot be computed: no avoided kWh that day, no import since the 1st, or
 * a PV plant whose self-consumption is unknown (the hot-water part is what remains after the PV's, and
 * savings_* leaves the PV's out then too).
 */
function priceElectricBackup(
  inst: Institution,
  daily: HotWaterDaily[],
  month: LocalPeriod,
  metered: MeteredEnergy,
  timeZone: string,
): void {
  const avoided: HourlyKwh[] = [];
  const memo: HoursMemo = new Map();
  let before = 0;
  for (const d of daily) {
    const day = localDay(d.day, timeZone);
    const wh = d.fields.backup_avoided_wh;
    if (wh !== undefined) {
      const hours = Math.round((day.to - day.from) / HOUR_MS);
      for (let h = 0; h < hours; h++) avoided.push({ start: day.from + h * HOUR_MS, kwh: wh / 1000 / hours });
    }
    const mtdHours = wh === undefined ? undefined : meteredHours(metered, month.from, day.to, memo);
    if (!mtdHours) {
      // A cached day keeps the object of an earlier run: drop a figure that no longer holds.
      delete d.fields.savings_mad;
      continue;
    }
    const mtd = centimes(jointSavings(mtdHours, avoided, inst.tariff, month.label).hotWater);
    d.fields.savings_mad = mad(mtd - before);
    before = mtd;
  }
}

/**
 * Import, export and PV production per hour of [from, to), as fields.ts hands them to the PV savings, or
 * undefined when a series the PV savings need is unknown. Without a PV plant nothing is self-consumed.
 */
function meteredHours(
  m: MeteredEnergy,
  from: number,
  to: number,
  memo: HoursMemo = new Map(),
): MeteredHours | undefined {
  const imported = hoursOf(m.import, m, from, to, memo);
  if (!imported) return undefined;
  if (!m.pv) return { import: imported, export: [], production: [] };
  const [exported, produced] = [hoursOf(m.export, m, from, to, memo), hoursOf(m.pv, m, from, to, memo)];
  if (!exported || !produced) return undefined;
  return { import: imported, export: exported, production: produced };
}

/**
 * Per counter, its hours from one start so far: the days of a month are priced from the 1st, each to
 * date, so each day's hours are the day before's and its own (built once, handed out as a prefix).
 */
type HoursMemo = Map<MeteredCounter, { from: number; hours: HourlyKwh[] }>;

function hoursOf(
  c: MeteredCounter | undefined,
  m: MeteredEnergy,
  from: number,
  to: number,
  memo: HoursMemo,
): HourlyKwh[] | undefined {
  if (!c || sumWh(c, m, from, to) === undefined) return undefined;
  let kept = memo.get(c);
  if (kept?.from !== from) {
    kept = { from, hours: [] };
    memo.set(c, kept);
  }
  const out = kept.hours;
  for (let t = from + out.length * HOUR_MS; t < to; t += HOUR_MS) {
    const h = Math.round((t - m.from) / HOUR_MS);
    out.push({ start: t, kwh: (c.energy.wh[h] ?? 0) / 1000 });
  }
  return out.slice(0, Math.max(0, Math.ceil((to - from) / HOUR_MS)));
}
