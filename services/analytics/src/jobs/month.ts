/**
 * One institution, one local month: read its raw series once, then compute every result point of the
 * month's days (energy, savings, hot water) and of the month itself. Savings are month-to-date (bills are
 * monthly), so a month is always computed from its 1st; only the days asked for (and the earlier days a
 * counter's gap ties to them) are returned as daily points, and the monthly point always covers the month
 * so far.
 */
import type { Point } from "@jisr/core";
import { daysOfMonth, HOUR_MS, type LocalPeriod, localDay, localDayOf, localMonth } from "@jisr/core";
import type { HourStatsReader, Store } from "@jisr/core/store";
import type { Logger } from "pino";
import type { Institution, InstitutionsConfig } from "../config/load.js";
import type { DeviceEvent } from "../energy/hourly.js";
import type { HotWaterDaily } from "../hot-water/daily.js";
import type { YearBefore } from "../tariff/savings.js";
import { energyFields, monthToDate, savingsDailyFields, savingsMonthlyFields } from "./fields.js";
import { hotWaterMonth, readHotWater } from "./hot-water-step.js";
import {
  coveredAt,
  gapStartAcross,
  hourRange,
  leavesOutHours,
  type MeteredEnergy,
  meteredCompleteness,
  readMetered,
} from "./metered.js";
import { type CachedDay, cachedDay, type MonthCache, withCachedDays } from "./month-cache.js";
import { MEASUREMENTS, resultPoint } from "./points.js";

export interface JobContext {
  store: Store;
  config: InstitutionsConfig;
  log: Logger;
  /** Complete days kept between runs (the scheduler's): the days before `firstDay` are not read again. */
  cache?: MonthCache;
  /**
   * The hour statistics to read through (the job's: kept in the store, core's kept-hour-stats.ts); default
   * the store's own, read from the raw readings each time.
   */
  hourStats?: HourStatsReader;
}

export interface MonthResult {
  points: Point[];
  events: DeviceEvent[];
}

export interface MonthDays {
  /**
   * Daily points are returned for the days in [firstDay, lastDay], and for the earlier days of the month
   * that were recomputed and share a counter gap's energy with firstDay (their points are out of date).
   */
  firstDay: string;
  lastDay: string;
  /** The month is computed through this day (its last day, or today): the monthly point covers it. */
  through: string;
  /** The year's earlier months, when the caller read them for every institution at once (readYearsBefore). */
  yearBefore?: YearBefore;
}

/** Results of `month` for `inst`: the daily points asked for and the monthly point. */
export async function computeMonth(
  ctx: JobContext,
  inst: Institution,
  month: string,
  { firstDay, lastDay, through, yearBefore: known }: MonthDays,
): Promise<MonthResult> {
  const tz = ctx.config.timeZone;
  const period = localMonth(month, tz);
  const days = daysOfMonth(month).filter((d) => d <= through);
  if (days.length === 0) return { points: [], events: [] };
  const to = localDay(days.at(-1) as string, tz).to;
  let cached = cachedPrefix(ctx.cache, inst.id, days, firstDay);
  let readFrom = localDay(days[cached.length] as string, tz).from;
  let fresh = await readMetered(ctx.store, inst, ctx.config, readFrom, to, ctx.hourStats);
  let metered = withCachedDays(period.from, cached, fresh);
  // A gap that ended since those days were cached spreads energy over them: recompute them (each round
  // drops cached days, so this ends).
  for (let stale = staleFrom(metered, fresh, readFrom); stale !== undefined; ) {
    cached = cached.slice(0, stale < period.from ? 0 : days.indexOf(localDayOf(stale, tz)));
    readFrom = localDay(days[cached.length] as string, tz).from;
    fresh = await readMetered(ctx.store, inst, ctx.config, readFrom, to, ctx.hourStats);
    metered = withCachedDays(period.from, cached, fresh);
    stale = staleFrom(metered, fresh, readFrom);
  }
  const yearBefore = known ?? (await readYearBefore(ctx.store, inst.id, month, tz));
  const points: Point[] = [];
  const writeFrom = sharingGapFrom(fresh, firstDay, days[cached.length] as string, tz);
  const wanted = (day: string) => day >= writeFrom && day <= lastDay;
  const factor = inst.co2.gridFactorKgPerKwh;
  let before: ReturnType<typeof monthToDate> | undefined;
  let mtd: ReturnType<typeof monthToDate> = {};
  for (const day of days) {
    const p = localDay(day, tz);
    mtd = monthToDate(metered, inst.tariff, period, p.to, yearBefore);
    if (wanted(day)) {
      points.push(
        resultPoint(MEASUREMENTS.energyDaily, inst.id, p.from, energyFields(metered, p.from, p.to, factor)),
      );
      const savings = savingsDailyFields(
        mtd,
        before,
        meteredCompleteness(metered, p.from, p.to),
        leavesOutHours(metered, p.from, p.to),
      );
      if (savings) points.push(resultPoint(MEASUREMENTS.savingsDaily, inst.id, p.from, savings));
    }
    before = mtd;
  }
  const monthFields = energyFields(metered, period.from, to, factor);
  points.push(resultPoint(MEASUREMENTS.energyMonthly, inst.id, period.from, monthFields));
  const savings = savingsMonthlyFields(
    mtd,
    meteredCompleteness(metered, period.from, to),
    leavesOutHours(metered, period.from, to),
  );
  if (savings) points.push(resultPoint(MEASUREMENTS.savingsMonthly, inst.id, period.from, savings));
  const hotWater = await hotWaterDays(ctx, inst, period, days, cached, readFrom, to, metered);
  if (hotWater) {
    for (const d of hotWater.daily) {
      if (wanted(d.day))
        points.push(resultPoint(MEASUREMENTS.hotWaterDaily, inst.id, localDay(d.day, tz).from, d.fields));
    }
    points.push(resultPoint(MEASUREMENTS.hotWaterMonthly, inst.id, period.from, hotWater.monthly.fields));
  }
  keepCompleteDays(ctx.cache, inst.id, days, metered, hotWater?.daily, tz);
  const events = [
    ...(metered.pv?.energy.events ?? []),
    ...(metered.import?.energy.events ?? []),
    ...(metered.export?.energy.events ?? []),
  ];
  return { points, events };
}

/**
 * The start of the earliest gap that ends in the freshly read window and spreads energy over cached hours
 * that have none of it (hours no increment reached: they were cached before the gap ended), or undefined.
 * The scheduler already recomputes from a gap's start when the gap starts within its window
 * (fingerprint.ts); this catches older gaps. Hours another device of the same counter reached (one of
 * several inverters silent for longer than the window) are not told apart.
 */
function staleFrom(merged: MeteredEnergy, fresh: MeteredEnergy, readFrom: number): number | undefined {
  if (merged.from === readFrom) return undefined;
  let stale: number | undefined;
  for (const [c, f] of [
    [merged.pv, fresh.pv],
    [merged.import, fresh.import],
    [merged.export, fresh.export],
  ] as const) {
    // A frozen counter's catch-up spread back over cached hours: those hours had readings, so they are
    // covered, yet their energy changed.
    for (const [from, to] of f?.refills ?? []) {
      if (from < readFrom && to > readFrom && (stale === undefined || from < stale)) stale = from;
    }
    for (const [from, to] of f?.gaps ?? []) {
      if (from >= readFrom || to <= readFrom || (stale !== undefined && from >= stale)) continue;
      const first = Math.max(0, Math.floor((from - merged.from) / HOUR_MS));
      const last = Math.round((readFrom - merged.from) / HOUR_MS);
      for (let h = first; h < last; h++) {
        if (!coveredAt(c, h)) {
          stale = from;
          break;
        }
      }
    }
  }
  return stale;
}

/**
 * The first day to write: `firstDay`, or an earlier recomputed day (from `recomputedFrom` on) whose energy
 * comes in part from a counter gap that also spans firstDay's start (a meter back from an outage): its
 * stored points were computed before the gap ended.
 */
function sharingGapFrom(fresh: MeteredEnergy, firstDay: string, recomputedFrom: string, tz: string): string {
  const start = gapStartAcross(fresh, localDay(firstDay, tz).from);
  if (start === undefined) return firstDay;
  const day = localDayOf(start, tz);
  return day < recomputedFrom ? recomputedFrom : day < firstDay ? day : firstDay;
}

/** The cached days at the start of the month, all before `firstDay` (the days asked for are recomputed). */
function cachedPrefix(
  cache: MonthCache | undefined,
  institution: string,
  days: readonly string[],
  firstDay: string,
): CachedDay[] {
  const out: CachedDay[] = [];
  for (const day of days) {
    const hit = day < firstDay ? cache?.get(institution, day) : undefined;
    if (!hit) break;
    out.push(hit);
  }
  // The last day is always read: a month is never served from the cache alone.
  return out.length === days.length ? out.slice(0, -1) : out;
}

/** Caches every computed day but the last one (today, or the month's last day, may still grow). */
function keepCompleteDays(
  cache: MonthCache | undefined,
  institution: string,
  days: readonly string[],
  m: MeteredEnergy,
  hotWater: readonly HotWaterDaily[] | undefined,
  tz: string,
): void {
  if (!cache) return;
  for (const [i, day] of days.slice(0, -1).entries()) {
    const p = localDay(day, tz);
    const [first, last] = hourRange(m, p.from, p.to);
    cache.set(institution, day, cachedDay(m, first, last, hotWater?.[i]));
  }
}

/** Hot-water days of the month so far: cached ones as they were, the others from readings since `readFrom`. */
async function hotWaterDays(
  ctx: JobContext,
  inst: Institution,
  period: LocalPeriod,
  days: string[],
  cached: readonly CachedDay[],
  readFrom: number,
  to: number,
  metered: MeteredEnergy,
) {
  if (!inst.hotWater) return undefined;
  const kept = cached.map((d) => d.hotWater);
  if (kept.some((d) => d === undefined)) throw new RangeError("cached day without its hot-water result");
  const readings = await readHotWater(
    ctx.store,
    inst,
    readFrom,
    to,
    ctx.config.maxGapMs,
    ctx.log,
    ctx.hourStats,
  );
  return hotWaterMonth(inst, readings, period, days, kept as HotWaterDaily[], metered, ctx.config.timeZone);
}

/**
 * PV produced and exported in the calendar year before `month`, from the `energy_monthly` points already
 * written (the job runs months in order, so earlier months of a run are there): the export cap of law
 * 82-21 is yearly.
 */
export async function readYearBefore(
  store: Store,
  institution: string,
  month: string,
  tz: string,
): Promise<YearBefore> {
  const from = localMonth(`${month.slice(0, 4)}-01`, tz).from;
  const to = localMonth(month, tz).from;
  if (to <= from) return { producedKwh: 0, exportedKwh: 0 };
  const total = async (field: string) => {
    const series = await store.aggregate({
      measurement: MEASUREMENTS.energyMonthly,
      field,
      fn: "sum",
      from,
      to,
      everyMs: to - from,
      where: { institution },
    });
    return series.flatMap((s) => s.points).reduce((sum, p) => sum + p.value, 0) / 1000;
  };
  return { producedKwh: await total("pv_energy_wh"), exportedKwh: await total("export_wh") };
}

/**
 * readYearBefore for every institution at once: two queries per month of a run instead of two per
 * institution-month. Institutions without an earlier month are absent (their year before is 0).
 */
export async function readYearsBefore(
  store: Store,
  month: string,
  tz: string,
): Promise<Map<string, YearBefore>> {
  const out = new Map<string, YearBefore>();
  const from = localMonth(`${month.slice(0, 4)}-01`, tz).from;
  const to = localMonth(month, tz).from;
  if (to <= from) return out;
  for (const [field, key] of [
    ["pv_energy_wh", "producedKwh"],
    ["export_wh", "exportedKwh"],
  ] as const) {
    const series = await store.aggregate({
      measurement: MEASUREMENTS.energyMonthly,
      field,
      fn: "sum",
      from,
      to,
      everyMs: to - from,
      groupBy: ["institution"],
    });
    for (const s of series) {
      const id = s.tags.institution ?? "";
      const year = out.get(id) ?? { producedKwh: 0, exportedKwh: 0 };
      year[key] = s.points.reduce((sum, p) => sum + p.value, 0) / 1000;
      out.set(id, year);
    }
  }
  return out;
}
