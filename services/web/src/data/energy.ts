/**
 * Where the energy goes, for a local day, week (Monday to Sunday), month or year: PV production,
 * self-consumed, exported, grid import, the building's consumption, self-consumption and
 * self-sufficiency, and for hot water the solar heat against the backup's; the same figures for the
 * previous period and the same period a year before; and the PV yield expected on clear days from the
 * plant's size and core's sun model, with the shortfall in kWh and MAD.
 *
 * Figures are sums of the analytics job's daily results (docs/analytics-results.md), so they agree with
 * the dashboards and the reports; a figure without any daily result is null, never 0.
 */
import { DAY_MS, localDay, localDayOf, localMonth, MINUTE_MS } from "@jisr/core";
import { defaultPvArray, pvOperatingPoint } from "@jisr/core/solar";
import type { Store } from "@jisr/core/store";
import type { WebInstitution } from "./directory.js";
import { periodsWithData } from "./periods.js";

export const PERIOD_KINDS = ["day", "week", "month", "year"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface LocalRange {
  kind: PeriodKind;
  /** "2026-11-20", "2026-W47" shown as its Monday "2026-11-16", "2026-11", "2026". */
  label: string;
  /** First local day, "2026-11-16". */
  first: string;
  from: number;
  to: number;
}

/** A day string moved by `n` days (calendar arithmetic on the date, not on instants). */
function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

/** The local period of `kind` containing `day`. */
export function rangeOf(kind: PeriodKind, day: string, timeZone: string): LocalRange {
  if (kind === "day") {
    const r = localDay(day, timeZone);
    return { kind, label: day, first: day, from: r.from, to: r.to };
  }
  if (kind === "week") {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    const monday = addDays(day, -((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7));
    return {
      kind,
      label: monday,
      first: monday,
      from: localDay(monday, timeZone).from,
      to: localDay(addDays(monday, 7), timeZone).from,
    };
  }
  if (kind === "month") {
    const month = day.slice(0, 7);
    const r = localMonth(month, timeZone);
    return { kind, label: month, first: `${month}-01`, from: r.from, to: r.to };
  }
  const year = day.slice(0, 4);
  return {
    kind,
    label: year,
    first: `${year}-01-01`,
    from: localDay(`${year}-01-01`, timeZone).from,
    to: localDay(`${Number(year) + 1}-01-01`, timeZone).from,
  };
}

/** A range as the API shows it: its instants in UTC, its first and last local day. */
export function periodJson(r: LocalRange, timeZone: string) {
  return {
    kind: r.kind,
    label: r.label,
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    first_day: r.first,
    last_day: localDayOf(r.to - 1, timeZone),
  };
}

/** The period just before, and the same period a year before. */
export function previousOf(r: LocalRange, timeZone: string): LocalRange {
  if (r.kind === "day") return rangeOf("day", addDays(r.first, -1), timeZone);
  if (r.kind === "week") return rangeOf("week", addDays(r.first, -7), timeZone);
  if (r.kind === "month") return rangeOf("month", `${addMonths(r.label, -1)}-01`, timeZone);
  return rangeOf("year", `${Number(r.label) - 1}-01-01`, timeZone);
}

export function lastYearOf(r: LocalRange, timeZone: string): LocalRange {
  const [y, rest] = [Number(r.first.slice(0, 4)) - 1, r.first.slice(4)];
  // 29 February a year back is 28 February.
  const day = rest === "-02-29" ? `${y}-02-28` : `${y}${rest}`;
  return rangeOf(r.kind, day, timeZone);
}

export interface Flow {
  pv_kwh: number | null;
  self_consumed_kwh: number | null;
  export_kwh: number | null;
  import_kwh: number | null;
  consumption_kwh: number | null;
  /** Self-consumed / PV × 100. */
  self_consumption_pct: number | null;
  /** Self-consumed / consumption × 100: the share of the building's needs the sun covered. */
  self_sufficiency_pct: number | null;
  solar_heat_kwh: number | null;
  backup_heat_kwh: number | null;
  /** Solar heat / (solar heat + backup) × 100. */
  solar_fraction_pct: number | null;
  savings_mad: number | null;
  /** The electricity part of the savings (PV), MAD. */
  electricity_savings_mad: number | null;
  /** Days of the period with a daily energy result. */
  days_with_data: number;
}

const round = (x: number | null, digits: number) => (x === null ? null : Number(x.toFixed(digits)));
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b <= 0 ? null : (a / b) * 100;

/** The daily results a flow is made of: key → [measurement, field]. */
const FLOW_FIELDS = {
  pv: ["energy_daily", "pv_energy_wh"],
  self: ["energy_daily", "self_consumed_wh"],
  exp: ["energy_daily", "export_wh"],
  imp: ["energy_daily", "import_wh"],
  cons: ["energy_daily", "consumption_wh"],
  solar: ["hot_water_daily", "solar_heat_wh"],
  backup: ["hot_water_daily", "backup_energy_wh"],
  savings: ["savings_daily", "savings_mad"],
  hwSavings: ["hot_water_daily", "savings_mad"],
} as const;
type FlowKey = keyof typeof FLOW_FIELDS;

/** A daily result field summed over a period: null without any daily result; `days` with one. */
export interface Summed {
  sum: number | null;
  days: number;
}
export type FlowSums = Record<FlowKey, Summed>;

const NONE: Summed = { sum: null, days: 0 };

/**
 * Sum of each daily result field over the range, per institution, for the institutions of `ids` (day
 * buckets; every point of the range is added once). One query per field whatever the number of
 * institutions, so the programme's forty cost what one costs.
 */
export async function sumsOf(
  store: Store,
  ids: readonly string[],
  r: LocalRange,
): Promise<Map<string, FlowSums>> {
  const keys = Object.keys(FLOW_FIELDS) as FlowKey[];
  const one = ids.length === 1 ? ids[0] : undefined;
  const answers = await Promise.all(
    keys.map((key) =>
      store.aggregate({
        measurement: FLOW_FIELDS[key][0],
        field: FLOW_FIELDS[key][1],
        fn: "sum",
        from: r.from,
        to: r.to,
        everyMs: DAY_MS,
        ...(one === undefined ? { groupBy: ["institution"] } : { where: { institution: one } }),
      }),
    ),
  );
  const wanted = new Set(ids);
  const out = new Map<string, FlowSums>(
    ids.map((id) => [id, Object.fromEntries(keys.map((k) => [k, NONE])) as FlowSums]),
  );
  keys.forEach((key, k) => {
    for (const series of answers[k] ?? []) {
      const id = one ?? series.tags.institution ?? "";
      const sums = out.get(id);
      if (!wanted.has(id) || !sums || series.points.length === 0) continue;
      const before = sums[key];
      sums[key] = {
        sum: (before.sum ?? 0) + series.points.reduce((a, p) => a + p.value, 0),
        days: before.days + series.points.length,
      };
    }
  });
  return out;
}

/** The flow from its sums (pure): kWh at 3 decimals, shares at 1, money at 2. */
export function flowFromSums(s: FlowSums): Flow {
  const kwh = (x: Summed) => (x.sum === null ? null : x.sum / 1000);
  const { pv, self, exp, imp, cons, solar, backup, savings, hwSavings } = s;
  // The building's consumption: the job's own figure, else import + self-consumed when both are known.
  const consumption =
    kwh(cons) ?? (imp.sum !== null && self.sum !== null ? (imp.sum + self.sum) / 1000 : null);
  const money = [savings.sum, hwSavings.sum].filter((x): x is number => x !== null);
  return {
    pv_kwh: round(kwh(pv), 3),
    self_consumed_kwh: round(kwh(self), 3),
    export_kwh: round(kwh(exp), 3),
    import_kwh: round(kwh(imp), 3),
    consumption_kwh: round(consumption, 3),
    self_consumption_pct: round(ratio(kwh(self), kwh(pv)), 1),
    self_sufficiency_pct: round(ratio(kwh(self), consumption), 1),
    solar_heat_kwh: round(kwh(solar), 3),
    backup_heat_kwh: round(kwh(backup), 3),
    solar_fraction_pct: round(
      ratio(kwh(solar), solar.sum !== null && backup.sum !== null ? (solar.sum + backup.sum) / 1000 : null),
      1,
    ),
    savings_mad: money.length
      ? round(
          money.reduce((a, b) => a + b, 0),
          2,
        )
      : null,
    electricity_savings_mad: round(savings.sum, 2),
    days_with_data: pv.days,
  };
}

export async function flowOf(store: Store, id: string, r: LocalRange): Promise<Flow> {
  const sums = (await sumsOf(store, [id], r)).get(id);
  return flowFromSums(
    sums ?? (Object.fromEntries(Object.keys(FLOW_FIELDS).map((k) => [k, NONE])) as FlowSums),
  );
}

/**
 * PV energy a clear sky would give the plant over [from, to), kWh: core's sun model (position, clear-sky
 * irradiance, plane of array, module temperature, clipping) every 15 minutes. The plant's DC size is
 * `kwp`; without it in the institutions file, the inverters' maximum AC power × 1.1 (the DC/AC ratio of
 * core's default array).
 */
export function clearSkyKwh(inst: WebInstitution, from: number, to: number): number | null {
  if (!inst.hasPv || inst.pvMaxPowerW === null) return null;
  const kwp = (inst.pvMaxPowerW * 1.1) / 1000;
  const cfg = { ...defaultPvArray(kwp), latDeg: inst.latitude, lonDeg: inst.longitude };
  const step = 15 * MINUTE_MS;
  let wh = 0;
  for (let t = from + step / 2; t < to; t += step) wh += pvOperatingPoint(t, cfg).acW * (step / 3_600_000);
  return wh / 1000;
}

export interface EnergyJson {
  period: { kind: PeriodKind; label: string; from: string; to: string; first_day: string; last_day: string };
  /** The institution's first local day with results, null before any: why a period has no figures. */
  data_since: string | null;
  flow: Flow;
  previous: { label: string; flow: Flow };
  last_year: { label: string; flow: Flow };
  expected: {
    /** "clear_sky": an upper bound (no clouds, no dust), over the days with a PV result. */
    basis: "clear_sky";
    kwp: number | null;
    pv_kwh: number | null;
    shortfall_kwh: number | null;
    /** The shortfall at the period's saving per PV kWh (what each missing kWh would have saved). */
    shortfall_mad: number | null;
  };
}

export async function energyReport(
  store: Store,
  inst: WebInstitution,
  kind: PeriodKind,
  day: string,
  timeZone: string,
  now: number = Date.now(),
): Promise<EnergyJson> {
  const r = rangeOf(kind, day, timeZone);
  const prev = previousOf(r, timeZone);
  const ly = lastYearOf(r, timeZone);
  const [flow, previous, lastYear, since] = await Promise.all([
    flowOf(store, inst.id, r),
    flowOf(store, inst.id, prev),
    flowOf(store, inst.id, ly),
    periodsWithData(store, { one: inst.id }, now, timeZone),
  ]);
  // Expected over the days that have a PV result only, so a period still running (or a gap in the data)
  // is not counted as lost production.
  const days = await store.aggregate({
    measurement: "energy_daily",
    field: "pv_energy_wh",
    fn: "count",
    from: r.from,
    to: r.to,
    everyMs: DAY_MS,
    where: { institution: inst.id },
  });
  let expected: number | null = null;
  for (const p of days.flatMap((s) => s.points)) {
    const d = localDay(localDayOf(p.time + DAY_MS - 1, timeZone), timeZone);
    const e = clearSkyKwh(inst, d.from, d.to);
    if (e !== null) expected = (expected ?? 0) + e;
  }
  const shortfall = expected === null || flow.pv_kwh === null ? null : Math.max(0, expected - flow.pv_kwh);
  const perKwh =
    flow.electricity_savings_mad !== null && flow.pv_kwh ? flow.electricity_savings_mad / flow.pv_kwh : null;
  return {
    period: periodJson(r, timeZone),
    data_since: since.first_day,
    flow,
    previous: { label: prev.label, flow: previous },
    last_year: { label: ly.label, flow: lastYear },
    expected: {
      basis: "clear_sky",
      kwp: inst.pvMaxPowerW === null ? null : round((inst.pvMaxPowerW * 1.1) / 1000, 2),
      pv_kwh: round(expected, 3),
      shortfall_kwh: round(shortfall, 3),
      shortfall_mad: shortfall === null || perKwh === null ? null : round(shortfall * perKwh, 2),
    },
  };
}
