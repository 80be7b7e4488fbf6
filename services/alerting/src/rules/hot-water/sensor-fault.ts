/**
 * Temperature sensor faults (DOMAIN.md §5.2, B): an open or shorted sensor shows as an impossible value
 * or a sentinel (−999, 3276.7...), or the controller names it in `errors` (S1_OPEN...), or the field
 * vanishes while the device keeps reporting (the gateway drops a profile's sentinel, 0x7FFF / 0x8000, so
 * the field is simply absent). A stuck sensor repeats exactly the same value for hours while what drives
 * it moved (stuck-sensor.ts). The controller may run the pump blind on a bad collector sensor.
 */
import type { RulesConfig } from "../config/schema.js";
import { heaterDevices } from "../lib/hot-water.js";
import { names, num, readingsOf, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";
import { stuckValue } from "./stuck-sensor.js";

type Kind = "out_of_range" | "controller_error" | "missing" | "stuck";

interface Fault {
  sensor: string;
  kind: Kind;
  value?: number;
}

export function swhSensorFault(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.swh_sensor_fault;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const id of heaterDevices(input)) {
    const all = readingsOf(input.readings, "hot_water", id);
    const recent = within(all, input.now - c.missing_after_min * 60_000, input.now);
    // A device that sends nothing is the silence rule's business.
    if (recent.length === 0) continue;
    const faults = [
      ...controllerFaults(recent, config),
      ...c.fields.flatMap((f) => fieldFault(input, config, id, all, recent, f) ?? []),
    ];
    const evidence: Record<string, Evidence> = {
      faulty_sensors: ev(faults.map(describe)),
      ...Object.fromEntries(
        faults.flatMap((f) => (f.value !== undefined ? [[f.sensor, ev(f.value, "°C", 1)]] : [])),
      ),
    };
    if (faults.length === 0) {
      out.push(okResult(input, "swh_sensor_fault", id, c.severity, evidence));
      continue;
    }
    const onlyStuck = faults.every((f) => f.kind === "stuck");
    out.push(
      makeResult(input, "swh_sensor_fault", {
        device: id,
        severity: onlyStuck ? c.stuck_severity : c.severity,
        active: true,
        variant: onlyStuck ? "stuck" : (faults.find((f) => f.kind !== "stuck") as Fault).kind,
        evidence,
        action: onlyStuck ? "check_sensor_placement_and_wiring" : "replace_or_reconnect_sensor",
        params: { sensors: [...new Set(faults.map((f) => f.sensor))].join(", ") },
      }),
    );
  }
  return out;
}

function describe(f: Fault): string {
  const what = f.kind.replaceAll("_", " ");
  return f.value !== undefined ? `${f.sensor}: ${what} (${f.value})` : `${f.sensor}: ${what}`;
}

function controllerFaults(recent: Reading[], config: RulesConfig): Fault[] {
  const pattern = new RegExp(config.swh_sensor_fault.controller_error_pattern);
  const last = recent.at(-1) as Reading;
  return names(last, "errors")
    .filter((n) => pattern.test(n))
    .map((n) => ({ sensor: n, kind: "controller_error" }));
}

function fieldFault(
  input: RuleInput,
  config: RulesConfig,
  device: string,
  all: Reading[],
  recent: Reading[],
  field: string,
): Fault | undefined {
  const c = config.swh_sensor_fault;
  if (!all.some((r) => r.fields[field] !== undefined)) return undefined; // the heater has no such sensor
  const values = recent.flatMap((r) => num(r, field) ?? []);
  const last = values.at(-1);
  if (last === undefined) return { sensor: field, kind: "missing" };
  const range = c.collector_fields.includes(field) ? c.collector_range : c.water_range;
  if (c.sentinels.includes(last) || last < range.min_c || last > range.max_c) {
    return { sensor: field, kind: "out_of_range", value: last };
  }
  const stuck = stuckValue(input, config, device, all, field);
  return stuck === undefined ? undefined : { sensor: field, kind: "stuck", value: stuck };
}
