/**
 * Underperformance (DOMAIN.md §5.1, the AC-only rule set of 1,000+ systems): major when the daily ratio
 * actual / expected stays below 60 % on 3 clear days in a row, minor below 80 % on 7. Cloudy days are
 * skipped (they neither count nor break the run); lib/daily-pv.ts computes the ratio and picks the clear
 * days (irradiance sensor where present, else the shape of the day against the clear-sky curve).
 */
import { localDay } from "@jisr/core";
import type { RulesConfig } from "../config/schema.js";
import { dailyPv, type PvDay } from "../lib/daily-pv.js";
import { median } from "../lib/readings.js";
import { ev, makeResult, okResult, round } from "../lib/result.js";
import type { Evidence, RuleInput, RuleResult } from "../types.js";

type JudgedDay = PvDay & { ratio: number };

export function pvUnderperformance(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.pv_underperformance;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const id of Object.keys(input.site.inverters)) {
    const days = dailyPv(input, id, config, c.lookback_days);
    const clear = days.filter((d): d is JudgedDay => d.clear === true && d.ratio !== undefined);
    const r = judge(input, config, id, clear);
    if (r) out.push(r);
  }
  return out;
}

function judge(
  input: RuleInput,
  config: RulesConfig,
  id: string,
  clear: JudgedDay[],
): RuleResult | undefined {
  const c = config.pv_underperformance;
  const run = (n: number, belowPct: number) => {
    const lastN = clear.slice(-n);
    return lastN.length === n && lastN.every((d) => d.ratio < belowPct / 100) ? lastN : undefined;
  };
  const major = run(c.major_days, c.major_below_pct);
  const minor = major ? undefined : run(c.minor_days, c.minor_below_pct);
  const latest = clear.at(-1);
  if (!major && !minor) {
    const fine = latest !== undefined && latest.ratio >= c.minor_below_pct / 100;
    const enough = clear.length >= c.minor_days;
    if (!fine && !enough) return undefined;
    return okResult(
      input,
      "pv_underperformance",
      id,
      c.minor_severity,
      evidenceOf(clear.slice(-c.minor_days)),
    );
  }
  const judged = (major ?? minor) as JudgedDay[];
  return makeResult(input, "pv_underperformance", {
    device: id,
    severity: major ? c.major_severity : c.minor_severity,
    active: true,
    variant: major ? "major" : "minor",
    evidence: evidenceOf(judged),
    action: major ? "inspect_inverter_strings_and_breakers" : "inspect_soiling_shading_and_strings",
    params: {
      days: judged.length,
      median_ratio_pct: round(100 * (median(judged.map((d) => d.ratio)) ?? 0), 0),
      threshold_pct: major ? c.major_below_pct : c.minor_below_pct,
    },
    since: localDay((judged[0] as JudgedDay).day, input.site.timeZone).from,
  });
}

function evidenceOf(days: JudgedDay[]): Record<string, Evidence> {
  const actual = days.reduce((a, d) => a + d.actualWh, 0);
  const expected = days.reduce((a, d) => a + d.expectedWh, 0);
  return {
    method: ev(days[0]?.method ?? "clear_sky"),
    clear_days: ev(days.length, "days", 0),
    daily_ratios_pct: ev(days.map((d) => `${d.day}: ${Math.round(100 * d.ratio)} %`)),
    median_ratio_pct: ev(100 * (median(days.map((d) => d.ratio)) ?? 0), "%", 0),
    worst_ratio_pct: ev(days.length > 0 ? 100 * Math.min(...days.map((d) => d.ratio)) : 0, "%", 0),
    actual_kwh: ev(actual / 1000, "kWh", 1),
    expected_kwh: ev(expected / 1000, "kWh", 1),
    lost_kwh: ev(Math.max(expected - actual, 0) / 1000, "kWh", 1),
  };
}
