/** Builders shared by the engine's tests: conditions, timings and a sequence of ids. */
import type { Condition, RuleTiming, Severity } from "../types.js";

export const MIN = 60_000;
export const HOUR = 3_600_000;
/** 2026-11-29 10:00 UTC (11:00 in Ben Guerir). */
export const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);

export function condition(
  over: Partial<Condition> & { active?: boolean; severity?: Severity } = {},
): Condition {
  return {
    rule: "inverter_fault",
    institution: "ehpad-ben-guerir",
    device: "inv-1",
    subject: "",
    severity: "major",
    active: true,
    evidence: { state: { value: "FAULT", unit: "" }, power_w: { value: 0, unit: "W" } },
    summary: {
      key: "inverter_fault.fault_state",
      params: { institution: "ehpad-ben-guerir", state: "FAULT" },
    },
    action: { key: "read_inverter_display_and_restart", params: {} },
    ...over,
  };
}

export function fixedTiming(t: Partial<RuleTiming> = {}): (rule: string) => RuleTiming {
  const timing = { forMs: 10 * MIN, keepFiringForMs: 0, repeatIntervalMs: 4 * HOUR, ...t };
  return () => timing;
}

/** alt_1, alt_2, ... (per prefix): predictable ids for assertions. */
export function sequentialIds(): (prefix: string) => string {
  const counters = new Map<string, number>();
  return (prefix) => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return `${prefix}_${n}`;
  };
}
