/**
 * Inverter fault: the latest pv_inverter reading has a fault state (SunSpec St FAULT, Huawei
 * SHUTDOWN_FAULT) or event/alarm names (SunSpec Evt1 in `events`, Huawei alarm registers in `alarms`),
 * named in the evidence (DOMAIN.md §5.1 "Inverter event bits", §6.3-6.4). Each name has its severity in
 * the config; the worst one is the alert's.
 */
import type { RulesConfig } from "../config/schema.js";
import { byDevice, names, num } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import type { Evidence, Reading, RuleInput, RuleResult, Severity } from "../types.js";

const RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

export function worst(severities: Severity[]): Severity | undefined {
  return severities.reduce<Severity | undefined>(
    (w, s) => (w === undefined || RANK[s] > RANK[w] ? s : w),
    undefined,
  );
}

interface Finding {
  fault: boolean;
  state: string | undefined;
  events: string[];
}

export function inverterFault(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.inverter_fault;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const [id, list] of byDevice(input.readings, "pv_inverter")) {
    const last = list.at(-1);
    if (!last || last.time < input.now - c.max_age_min * 60_000) continue;
    const finding = findingOf(last, config);
    const evidence = evidenceOf(last, finding);
    const severities: Severity[] = finding.events.map((e) => c.event_severity[e] ?? c.default_event_severity);
    if (finding.fault) severities.push(c.fault_severity);
    const severity = worst(severities);
    if (severity === undefined) {
      out.push(okResult(input, "inverter_fault", id, c.fault_severity, evidence));
      continue;
    }
    out.push(
      makeResult(input, "inverter_fault", {
        device: id,
        severity,
        active: true,
        variant: finding.fault ? "fault_state" : "events",
        evidence,
        action: actionFor(finding, config),
        params: { state: finding.state ?? "", events: finding.events.join(", ") },
        since: sinceOf(list, finding, config),
      }),
    );
  }
  return out;
}

function findingOf(r: Reading, config: RulesConfig): Finding {
  const c = config.inverter_fault;
  const state = typeof r.fields.state === "string" ? r.fields.state : undefined;
  const events = [...new Set([...names(r, "events"), ...names(r, "alarms")])].filter(
    (e) => !c.ignored_events.includes(e),
  );
  return { fault: state !== undefined && c.fault_states.includes(state), state, events };
}

/** The first reading of the unbroken run, up to the latest, that shows the same fault or events. */
function sinceOf(list: Reading[], finding: Finding, config: RulesConfig): number {
  let since = (list.at(-1) as Reading).time;
  for (let i = list.length - 2; i >= 0; i--) {
    const r = list[i] as Reading;
    const f = findingOf(r, config);
    const same = (finding.fault && f.fault) || finding.events.some((e) => f.events.includes(e));
    if (!same) break;
    since = r.time;
  }
  return since;
}

/** Safety first (earth, insulation, arc), then the grid, then a generic "read the display". */
function actionFor(finding: Finding, config: RulesConfig): string {
  const c = config.inverter_fault;
  if (finding.events.some((e) => (c.event_severity[e] ?? c.default_event_severity) === "critical")) {
    return "inspect_insulation_and_earthing";
  }
  if (finding.events.length > 0 && finding.events.every((e) => /GRID|^AC_|FREQUENCY|ISLANDING/.test(e))) {
    return "check_grid_connection";
  }
  return finding.fault ? "read_inverter_display_and_restart" : "read_inverter_events";
}

function evidenceOf(r: Reading, f: Finding): Record<string, Evidence> {
  const out: Record<string, Evidence> = {};
  if (f.state !== undefined) out.state = ev(f.state);
  const code = num(r, "state_code");
  if (code !== undefined) out.state_code = ev(code, "", 0);
  out.events = ev(f.events);
  const bits = num(r, "event_bits");
  if (bits !== undefined) out.event_bits = ev(bits, "", 0);
  const power = num(r, "power_w");
  if (power !== undefined) out.power_w = ev(power, "W", 0);
  out.reading_time = ev(r.time, "time", 0);
  return out;
}
