/** Figures for reports over the alerts that fired in a period: how many, how fast resolved, per rule. */
import type { Alert } from "./types.js";

export interface HistoryStats {
  count: number;
  resolved: number;
  acknowledged: number;
  mean_time_to_resolve_s: number | null;
  median_time_to_resolve_s: number | null;
  mean_time_to_acknowledge_s: number | null;
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const seconds = (x: number | null) => (x === null ? null : Math.round(x / 1000));

/** Alerts that never fired (still pending) are left out: nobody was told of them. */
export function historyStats(alerts: readonly Alert[]): HistoryStats {
  const fired = alerts.filter((a) => a.firingSince !== null);
  const toResolve = fired.flatMap((a) =>
    a.resolvedAt === null ? [] : [a.resolvedAt - (a.firingSince ?? 0)],
  );
  const toAck = fired.flatMap((a) => (a.ack === null ? [] : [Math.max(0, a.ack.at - (a.firingSince ?? 0))]));
  return {
    count: fired.length,
    resolved: toResolve.length,
    acknowledged: toAck.length,
    mean_time_to_resolve_s: seconds(mean(toResolve)),
    median_time_to_resolve_s: seconds(median(toResolve)),
    mean_time_to_acknowledge_s: seconds(mean(toAck)),
  };
}

export function historyByRule(alerts: readonly Alert[]): Array<HistoryStats & { rule: string }> {
  const rules = [...new Set(alerts.map((a) => a.rule))].sort();
  return rules.map((rule) => ({ rule, ...historyStats(alerts.filter((a) => a.rule === rule)) }));
}
