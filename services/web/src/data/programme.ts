/**
 * The ministry's overview: per institution the headline figures of its page, and the programme's totals.
 * The month's results are read for every institution at once (grouped by institution), so forty
 * institutions cost a handful of queries; only today's energy falls back to the counters, one institution
 * at a time, where the analytics job has not yet written it.
 */
import type { Store } from "@jisr/core/store";
import { iso } from "../schemas/common.js";
import type { ProgrammeSummaryJson } from "../schemas/programme.js";
import type { Directory } from "./directory.js";
import { latestSum } from "./read.js";
import {
  energyToday,
  institutionJson,
  monthFigures,
  POWER_NOW_LOOKBACK_MS,
  periodsAt,
  readMonth,
} from "./summary.js";

type Row = ProgrammeSummaryJson["institutions"][number];

const round = (x: number | null, digits: number) => (x === null ? null : Number(x.toFixed(digits)));

function sumKnown(rows: readonly Row[], key: keyof Omit<Row, "institution">, digits: number): number | null {
  const known = rows.map((r) => r[key]).filter((x): x is number => x !== null);
  return known.length === 0
    ? null
    : round(
        known.reduce((a, b) => a + b, 0),
        digits,
      );
}

export async function programmeSummary(
  store: Store,
  dir: Directory,
  now: number,
  openAlerts: ReadonlyMap<string, number> | null,
): Promise<ProgrammeSummaryJson> {
  const p = periodsAt(now, dir.timeZone);
  const scope = { some: dir.ids() };
  const [month, power] = await Promise.all([
    readMonth(store, p, scope),
    latestSum(store, "pv_inverter", "power_w", now, POWER_NOW_LOOKBACK_MS, scope),
  ]);
  let available = 0;
  let withData = 0;
  const rows: Row[] = [];
  for (const inst of dir.all) {
    const f = monthFigures(month, inst.id, p);
    const energy = await energyToday(store, inst.id, p, f.energyTodayWh);
    if (f.availableMinutes !== null && f.unavailableMinutes !== null) {
      available += f.availableMinutes;
      withData += f.availableMinutes + f.unavailableMinutes;
    }
    rows.push({
      institution: institutionJson(inst),
      power_now_w: round(power.get(inst.id)?.value ?? null, 1),
      energy_today_kwh: round(energy.wh === null ? null : energy.wh / 1000, 3),
      energy_month_kwh: round(f.energyMonthWh === null ? null : f.energyMonthWh / 1000, 3),
      savings_month_mad: round(f.savingsMad, 2),
      availability_month_pct: round(f.availabilityMonthPct, 1),
      open_alerts: openAlerts ? (openAlerts.get(inst.id) ?? 0) : null,
    });
  }
  const reporting = rows.filter((r) =>
    [r.power_now_w, r.energy_today_kwh, r.energy_month_kwh, r.savings_month_mad].some((x) => x !== null),
  ).length;
  return {
    at: iso(now),
    time_zone: dir.timeZone,
    today: p.today,
    month: p.month,
    institutions: rows,
    totals: {
      institutions: rows.length,
      reporting,
      power_now_w: sumKnown(rows, "power_now_w", 1),
      energy_today_kwh: sumKnown(rows, "energy_today_kwh", 3),
      energy_month_kwh: sumKnown(rows, "energy_month_kwh", 3),
      savings_month_mad: sumKnown(rows, "savings_month_mad", 2),
      availability_month_pct: withData > 0 ? round((available / withData) * 100, 1) : null,
      open_alerts: openAlerts ? sumKnown(rows, "open_alerts", 0) : null,
    },
  };
}
