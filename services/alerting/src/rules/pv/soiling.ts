/**
 * Soiling (DOMAIN.md §5.1: Ben Guerir modules lose up to 30 % on a bad day and 13-15 % of a year's energy
 * uncleaned; Kimber's rate 0.15 %/day). Dust is a SLOW loss that a cleaning or a rain takes away at once,
 * so the signature is a daily ratio that drifts down and jumps back up.
 *
 * Heuristic (a simplified RdTools SRR): over the clear days of the window (lib/daily-pv.ts), the last jump
 * up by recovery_step_pct marks the last cleaning. A line is fitted to the clear-day ratios since then;
 * its value on that day is the clean reference, its value yesterday the current level. Soiling when the
 * loss (reference − current) / reference reaches min_loss_pct, growing at min_loss_rate_pct_per_day or
 * more, with no drop bigger than max_step_down_pct between clear days (that would be a fault, not dust).
 *
 * kWh lost since the cleaning: each covered day's energy × loss/(1 − loss) at that day's fitted loss
 * (days without data are left out, so it is a floor). MAD: kWh × price_mad_per_kwh, an ESTIMATE at an
 * average price; the savings job bills with the institution's real tariff.
 */
import { localDay } from "@jisr/core";
import type { RulesConfig } from "../config/schema.js";
import { dailyPv, type PvDay } from "../lib/daily-pv.js";
import { fitLine, mean } from "../lib/readings.js";
import { ev, makeResult, okResult, round } from "../lib/result.js";
import type { Evidence, RuleInput, RuleResult } from "../types.js";

interface Point {
  x: number;
  day: PvDay & { ratio: number };
}

export function pvSoiling(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.pv_soiling;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const id of Object.keys(input.site.inverters)) {
    const r = judge(input, config, id, dailyPv(input, id, config, c.window_days));
    if (r) out.push(r);
  }
  return out;
}

function judge(input: RuleInput, config: RulesConfig, id: string, days: PvDay[]): RuleResult | undefined {
  const c = config.pv_soiling;
  const clear: Point[] = days.flatMap((day, x) =>
    day.clear === true && day.ratio !== undefined ? [{ x, day: { ...day, ratio: day.ratio } }] : [],
  );
  const cleanedAt = lastRecovery(clear, c.recovery_step_pct / 100);
  const segment = clear.slice(cleanedAt ?? 0);
  const cleaned = cleanedAt === undefined ? undefined : (clear[cleanedAt] as Point).day.day;
  const base: Record<string, Evidence> = {
    last_cleaning: ev(cleaned ?? "none in window"),
    clear_days: ev(segment.length, "days", 0),
  };
  if (segment.length < c.min_clear_days) {
    // Too few clear days since a cleaning: the panels are clean; with no cleaning seen, we cannot tell.
    return cleaned ? okResult(input, "pv_soiling", id, c.severity, base) : undefined;
  }
  const drop = largestDrop(segment);
  const fit = fitLine(segment.map((p) => ({ x: p.x, y: p.day.ratio })));
  const first = (segment[0] as Point).x;
  const reference = fit.intercept + fit.slope * first;
  const current = fit.intercept + fit.slope * (days.length - 1);
  const lossAt = (x: number) => Math.max(0, (reference - (fit.intercept + fit.slope * x)) / reference);
  const loss = lossAt(days.length - 1);
  const ratePerDay = reference > 0 ? -fit.slope / reference : 0;
  const { lostWh, perDayWh } = energyLost(days, first, lossAt);
  const price = c.price_mad_per_kwh;
  const evidence: Record<string, Evidence> = {
    ...base,
    clean_ratio_pct: ev(100 * reference, "%", 0),
    current_ratio_pct: ev(100 * current, "%", 0),
    loss_pct: ev(100 * loss, "%", 1),
    loss_rate_pct_per_day: ev(100 * ratePerDay, "%/day", 2),
    largest_drop_pct: ev(100 * drop, "% points", 1),
    lost_since_cleaning_kwh: ev(lostWh / 1000, "kWh", 1),
    lost_since_cleaning_mad: ev((lostWh / 1000) * price, "MAD", 0),
    lost_per_day_kwh: ev(perDayWh / 1000, "kWh", 2),
    lost_per_month_mad: ev((30 * perDayWh * price) / 1000, "MAD", 0),
    price_mad_per_kwh: ev(price, "MAD/kWh", 2),
    mad_is_estimate: ev(true),
  };
  const soiled =
    loss >= c.min_loss_pct / 100 &&
    ratePerDay >= c.min_loss_rate_pct_per_day / 100 &&
    drop <= c.max_step_down_pct / 100;
  if (!soiled) return okResult(input, "pv_soiling", id, c.severity, evidence);
  return makeResult(input, "pv_soiling", {
    device: id,
    severity: loss >= c.major_loss_pct / 100 ? c.major_severity : c.severity,
    active: true,
    variant: "soiled",
    evidence,
    action: "clean_modules",
    params: {
      loss_pct: round(100 * loss, 0),
      lost_per_month_mad: Math.round((30 * perDayWh * price) / 1000),
      lost_since_cleaning_kwh: round(lostWh / 1000, 0),
    },
    since: localDay((segment[0] as Point).day.day, input.site.timeZone).from,
  });
}

/**
 * Energy lost since the cleaning (each covered day's energy × loss/(1 − loss): days without data are
 * left out, so a floor), and per day now (the last week's mean energy at today's loss).
 */
function energyLost(days: PvDay[], first: number, lossAt: (x: number) => number) {
  const covered = (d: PvDay) => d.ratio !== undefined;
  const lostWh = days.reduce(
    (sum, d, x) => (x >= first && covered(d) ? sum + (d.actualWh * lossAt(x)) / (1 - lossAt(x)) : sum),
    0,
  );
  const recentWh = mean(days.slice(-7).flatMap((d) => (covered(d) ? [d.actualWh] : []))) ?? 0;
  const loss = lossAt(days.length - 1);
  return { lostWh, perDayWh: (recentWh * loss) / (1 - loss) };
}

/** Index (in `clear`) of the last clear day whose ratio jumped up by `step` from the clear day before. */
function lastRecovery(clear: Point[], step: number): number | undefined {
  let at: number | undefined;
  for (let i = 1; i < clear.length; i++) {
    if ((clear[i] as Point).day.ratio - (clear[i - 1] as Point).day.ratio >= step) at = i;
  }
  return at;
}

/** Largest fall of the ratio between consecutive clear days (0 if it never falls). */
function largestDrop(segment: Point[]): number {
  let drop = 0;
  for (let i = 1; i < segment.length; i++) {
    drop = Math.max(drop, (segment[i - 1] as Point).day.ratio - (segment[i] as Point).day.ratio);
  }
  return drop;
}
