/**
 * One institution's page: power now, energy today and this month, savings this month (electricity and
 * hot water), the tanks against the service temperature, hot-water availability, and the series the
 * charts draw. Figures come from the analytics results where the job computes them (so the page, the
 * dashboards, `jisr savings` and the reports agree), from the raw readings where it does not (power now,
 * tank temperatures). A figure without data is null, never 0.
 */
import { formatLocal, HOUR_MS, localDay, localDayOf, localMonth, MINUTE_MS } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { iso } from "../schemas/common.js";
import type { InstitutionJson, SummaryJson } from "../schemas/institutions.js";
import type { Directory, WebInstitution } from "./directory.js";
import { periodsWithData } from "./periods.js";
import {
  addUp,
  counterRise,
  deviceBuckets,
  latestByDevice,
  latestSum,
  type ResultTable,
  readResults,
  resultAt,
} from "./read.js";

/** Inverter power older than this is not "now" (the Grafana panel uses the same 15 minutes). */
export const POWER_NOW_LOOKBACK_MS = 15 * MINUTE_MS;
export const TANK_NOW_LOOKBACK_MS = HOUR_MS;

/** Today and this month, local, as UTC instants. */
export interface Periods {
  now: number;
  today: string;
  day: { from: number; to: number };
  month: string;
  monthRange: { from: number; to: number };
}

export function periodsAt(now: number, timeZone: string): Periods {
  const today = localDayOf(now, timeZone);
  const month = today.slice(0, 7);
  return { now, today, day: localDay(today, timeZone), month, monthRange: localMonth(month, timeZone) };
}

/** Every third local hour of the day, and its end ("24:00"), labelled in local time. */
export function dayTicks(p: Periods, timeZone: string): Array<{ time: string; label: string }> {
  const ticks: Array<{ time: string; label: string }> = [];
  for (let t = p.day.from; t < p.day.to; t += 3 * HOUR_MS)
    ticks.push({ time: iso(t), label: formatLocal(t, timeZone).slice(11) });
  ticks.push({ time: iso(p.day.to), label: "24:00" });
  return ticks;
}

/**
 * The demand window running at local time `hhmm`, else the next one (tomorrow's first after the last):
 * what the page says while today's availability has no figure yet ("next hot-water window at 18:00").
 */
export function nextWindow(
  windows: ReadonlyArray<{ start: string; end: string }>,
  hhmm: string,
): { start: string; end: string; open: boolean; tomorrow: boolean } | null {
  const sorted = [...windows].sort((a, b) => a.start.localeCompare(b.start));
  const running = sorted.find((w) => w.start <= hhmm && hhmm < w.end);
  if (running) return { ...running, open: true, tomorrow: false };
  const later = sorted.find((w) => w.start > hhmm);
  if (later) return { ...later, open: false, tomorrow: false };
  const first = sorted[0];
  return first ? { ...first, open: false, tomorrow: true } : null;
}

export function institutionJson(i: WebInstitution): InstitutionJson {
  return {
    id: i.id,
    name: i.name,
    commune: i.commune,
    has_pv: i.hasPv,
    has_hot_water: i.hasHotWater,
    devices: i.devices,
  };
}

const round = (x: number | null, digits: number) => (x === null ? null : Number(x.toFixed(digits)));
const kwh = (wh: number | null) => round(wh === null ? null : wh / 1000, 3);
function addKnown(...xs: Array<number | null>): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

/** The month's results of one or several institutions, read once. */
export interface MonthResults {
  energyDaily: ResultTable;
  energyMonthly: ResultTable;
  savingsDaily: ResultTable;
  savingsMonthly: ResultTable;
  hotWaterDaily: ResultTable;
  hotWaterMonthly: ResultTable;
}

export async function readMonth(
  store: Store,
  p: Periods,
  scope: Parameters<typeof readResults>[5],
): Promise<MonthResults> {
  const { from, to } = p.monthRange;
  const first = { from, to: from + HOUR_MS };
  const [energyDaily, energyMonthly, savingsDaily, savingsMonthly, hotWaterDaily, hotWaterMonthly] =
    await Promise.all([
      readResults(store, "energy_daily", ["pv_energy_wh"], from, to, scope),
      readResults(store, "energy_monthly", ["pv_energy_wh", "completeness"], first.from, first.to, scope),
      readResults(store, "savings_daily", ["savings_mad"], from, to, scope),
      readResults(store, "savings_monthly", ["savings_mad"], first.from, first.to, scope),
      readResults(store, "hot_water_daily", ["savings_mad", "availability_pct"], from, to, scope),
      readResults(
        store,
        "hot_water_monthly",
        ["savings_mad", "availability_pct", "available_minutes", "unavailable_minutes"],
        first.from,
        first.to,
        scope,
      ),
    ]);
  return { energyDaily, energyMonthly, savingsDaily, savingsMonthly, hotWaterDaily, hotWaterMonthly };
}

/** The month's headline figures of one institution from its results. */
export function monthFigures(r: MonthResults, id: string, p: Periods) {
  const m = p.monthRange.from;
  const electricity = resultAt(r.savingsMonthly, id, m, "savings_mad");
  const hotWater = resultAt(r.hotWaterMonthly, id, m, "savings_mad");
  return {
    energyTodayWh: resultAt(r.energyDaily, id, p.day.from, "pv_energy_wh"),
    energyMonthWh: resultAt(r.energyMonthly, id, m, "pv_energy_wh"),
    completeness: resultAt(r.energyMonthly, id, m, "completeness"),
    electricityMad: electricity,
    hotWaterMad: hotWater,
    savingsMad: addKnown(electricity, hotWater),
    availabilityTodayPct: resultAt(r.hotWaterDaily, id, p.day.from, "availability_pct"),
    availabilityMonthPct: resultAt(r.hotWaterMonthly, id, m, "availability_pct"),
    availableMinutes: resultAt(r.hotWaterMonthly, id, m, "available_minutes"),
    unavailableMinutes: resultAt(r.hotWaterMonthly, id, m, "unavailable_minutes"),
  };
}

/** Today's energy: the job's figure, else the counters' rise since midnight. */
export async function energyToday(
  store: Store,
  id: string,
  p: Periods,
  fromResults: number | null,
): Promise<{ wh: number | null; source: "analytics" | "counters" | null }> {
  if (fromResults !== null) return { wh: fromResults, source: "analytics" };
  const wh = await counterRise(store, id, p.day.from, Math.min(p.day.to, p.now + 1));
  return { wh, source: wh === null ? null : "counters" };
}

/** Today's Legionella verdict (a boolean field: aggregates do not take it, the latest point does). */
async function hygieneToday(store: Store, id: string, p: Periods): Promise<boolean | null> {
  const rows = await store.latest({
    measurement: "hot_water_daily",
    where: { institution: id },
    groupBy: ["institution"],
    now: p.day.from,
    lookbackMs: 1,
  });
  const value = rows.find((r) => r.time === p.day.from)?.fields.hygiene_ok;
  return typeof value === "boolean" ? value : null;
}

function savingsSeries(
  r: MonthResults,
  id: string,
  timeZone: string,
): SummaryJson["series"]["savings_month"] {
  const times = new Set([
    ...(r.savingsDaily.get(id)?.keys() ?? []),
    ...(r.hotWaterDaily.get(id)?.keys() ?? []),
  ]);
  return [...times]
    .sort((a, b) => a - b)
    .map((t) => {
      const electricity = resultAt(r.savingsDaily, id, t, "savings_mad");
      const hotWater = resultAt(r.hotWaterDaily, id, t, "savings_mad");
      return { t, electricity, hotWater, total: addKnown(electricity, hotWater) };
    })
    .filter((d) => d.total !== null)
    .map((d) => ({
      day: localDayOf(d.t, timeZone),
      electricity_mad: round(d.electricity, 2),
      hot_water_mad: round(d.hotWater, 2),
      total_mad: round(d.total, 2) as number,
    }));
}

export async function institutionSummary(
  store: Store,
  dir: Directory,
  inst: WebInstitution,
  now: number,
  openAlerts: number | null,
): Promise<SummaryJson> {
  const p = periodsAt(now, dir.timeZone);
  const scope = { one: inst.id };
  const end = Math.min(p.day.to, now + 1);
  const tankField = inst.tankField ?? "outlet_temperature_c";
  const [month, power, powerBuckets, tanks, tankBuckets, hygiene, since] = await Promise.all([
    readMonth(store, p, scope),
    latestSum(store, "pv_inverter", "power_w", now, POWER_NOW_LOOKBACK_MS, scope),
    deviceBuckets(store, "pv_inverter", "power_w", "mean", inst.id, p.day.from, end),
    latestByDevice(store, "hot_water", tankField, inst.id, now, TANK_NOW_LOOKBACK_MS),
    deviceBuckets(store, "hot_water", tankField, "mean", inst.id, p.day.from, end),
    hygieneToday(store, inst.id, p),
    periodsWithData(store, scope, now, dir.timeZone),
  ]);
  const f = monthFigures(month, inst.id, p);
  const energy = await energyToday(store, inst.id, p, f.energyTodayWh);
  const powerNow = power.get(inst.id);
  const threshold = inst.serviceTemperatureC;
  return {
    institution: institutionJson(inst),
    at: iso(now),
    time_zone: dir.timeZone,
    today: p.today,
    day: { from: iso(p.day.from), to: iso(p.day.to), ticks: dayTicks(p, dir.timeZone) },
    month: p.month,
    first_day: since.first_day,
    power_now_w: round(powerNow?.value ?? null, 1),
    power_at: powerNow ? iso(powerNow.time) : null,
    power_at_local: powerNow ? formatLocal(powerNow.time, dir.timeZone).slice(11) : null,
    energy_today_kwh: kwh(energy.wh),
    energy_today_source: energy.source,
    energy_month_kwh: kwh(f.energyMonthWh),
    savings_month_mad: round(f.savingsMad, 2),
    savings_month_electricity_mad: round(f.electricityMad, 2),
    savings_month_hot_water_mad: round(f.hotWaterMad, 2),
    completeness_month: round(f.completeness, 3),
    tank: {
      threshold_c: threshold,
      devices: tanks.map((t) => ({
        device: t.device,
        temperature_c: round(t.value, 1) as number,
        at: iso(t.time),
        below_threshold: threshold === null ? null : t.value < threshold,
      })),
    },
    hot_water: {
      availability_today_pct: round(f.availabilityTodayPct, 1),
      availability_month_pct: round(f.availabilityMonthPct, 1),
      hygiene_ok_today: hygiene,
      next_window: inst.hasHotWater
        ? nextWindow(inst.demandWindows, formatLocal(now, dir.timeZone).slice(11, 16))
        : null,
    },
    open_alerts: openAlerts,
    series: {
      power_today: addUp(powerBuckets).map((b) => ({ time: iso(b.time), w: round(b.value, 1) as number })),
      savings_month: savingsSeries(month, inst.id, dir.timeZone),
      tank_today: [...tankBuckets.entries()].map(([device, points]) => ({
        device,
        points: points.map((b) => ({ time: iso(b.time), c: round(b.value, 1) as number })),
      })),
    },
  };
}
