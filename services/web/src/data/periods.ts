/**
 * Which report periods have data: the months for which the analytics job wrote a monthly result (energy,
 * savings or hot water) for the institution or the programme, and the first day with a daily result, so
 * the reports page offers only periods with figures and says when the data begins.
 */
import { DAY_MS, localDayOf } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import type { Scope } from "./read.js";

/** Far enough back for any installation of the programme. */
const SINCE = Date.UTC(2020, 0, 1);

const MONTHLY = [
  ["energy_monthly", "pv_energy_wh"],
  ["savings_monthly", "savings_mad"],
  ["hot_water_monthly", "savings_mad"],
] as const;
const DAILY = [
  ["energy_daily", "pv_energy_wh"],
  ["savings_daily", "savings_mad"],
  ["hot_water_daily", "savings_mad"],
] as const;

/**
 * Local days of the result points of these measurements. Day buckets are aligned on UTC midnight while a
 * result sits at local midnight (23:00Z or 00:00Z in Morocco): the bucket's last instant is always on the
 * point's local day, whichever the offset.
 */
async function resultDays(
  store: Store,
  pairs: ReadonlyArray<readonly [string, string]>,
  scope: Scope,
  now: number,
  timeZone: string,
): Promise<string[]> {
  const answers = await Promise.all(
    pairs.map(([measurement, field]) =>
      store.aggregate({
        measurement,
        field,
        fn: "count",
        from: SINCE,
        to: now + 1,
        everyMs: DAY_MS,
        groupBy: ["institution"],
        ...("one" in scope ? { where: { institution: scope.one } } : {}),
      }),
    ),
  );
  const days = new Set<string>();
  for (const series of answers.flat()) {
    const inst = series.tags.institution ?? "";
    if ("some" in scope && !scope.some.has(inst)) continue;
    for (const p of series.points) if (p.value > 0) days.add(localDayOf(p.time + DAY_MS - 1, timeZone));
  }
  return [...days].sort();
}

export interface PeriodsWithData {
  /** "2026-11", newest first. */
  months: string[];
  /** The first local day with a daily result, "2026-11-05"; null without any. */
  first_day: string | null;
}

export async function periodsWithData(
  store: Store,
  scope: Scope,
  now: number,
  timeZone: string,
): Promise<PeriodsWithData> {
  const [monthly, daily] = await Promise.all([
    resultDays(store, MONTHLY, scope, now, timeZone),
    resultDays(store, DAILY, scope, now, timeZone),
  ]);
  const months = [...new Set(monthly.map((d) => d.slice(0, 7)))].sort().reverse();
  return { months, first_day: daily[0] ?? null };
}
