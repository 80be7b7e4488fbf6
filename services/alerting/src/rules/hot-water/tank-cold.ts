/**
 * Tank below the service temperature during a demand window (DOMAIN.md §3.1, D: 45 °C at the outlet
 * gives 41-43 °C after the mixer; windows 06-09 and 18-22 local by default): residents get lukewarm
 * water now, whatever the cause (solar loop, backup heater, a thermostat set too low).
 *
 * Judged only inside a window. Outside, there is no verdict (no result), so an alert raised in the
 * morning is not "resolved" at 09:00 just because the window closed; the next window confirms or clears.
 */
import type { RulesConfig } from "../config/schema.js";
import { COLLECTOR, demandWindowAt, eachHeater } from "../lib/hot-water.js";
import { bool, num, readingsOf, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";

export function swhTankCold(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.swh_tank_cold;
  if (!c.enabled) return [];
  const window = demandWindowAt(input.now, input.site.timeZone, config.hot_water.demand_windows);
  if (!window) return [];
  return eachHeater(input, (id) => judge(input, config, id, window));
}

function judge(
  input: RuleInput,
  config: RulesConfig,
  id: string,
  w: NonNullable<ReturnType<typeof demandWindowAt>>,
): RuleResult | undefined {
  const c = config.swh_tank_cold;
  const all = readingsOf(input.readings, "hot_water", id);
  const field = c.fields.find((f) => all.some((r) => num(r, f) !== undefined));
  if (!field) return undefined;
  const inWindow = within(all, w.start, input.now).filter((r) => num(r, field) !== undefined);
  const last = inWindow.at(-1);
  if (!last) return undefined;
  const temp = (r: Reading) => num(r, field) as number;
  const recent = inWindow.filter((r) => r.time >= input.now - c.for_min * 60_000);
  const backup = bool(last, "backup_heater_on");
  const collector = num(last, COLLECTOR);
  const evidence: Record<string, Evidence> = {
    temperature_c: ev(temp(last), "°C", 1),
    lowest_in_window_c: ev(Math.min(...inWindow.map(temp)), "°C", 1),
    service_temperature_c: ev(c.service_temperature_c, "°C", 0),
    field: ev(field),
    demand_window: ev(`${w.window.start}-${w.window.end}`),
    ...(backup !== undefined && { backup_heater_on: ev(backup) }),
    ...(collector !== undefined && { collector_c: ev(collector, "°C", 1) }),
  };
  if (temp(last) >= c.service_temperature_c)
    return okResult(input, "swh_tank_cold", id, c.severity, evidence);
  const coldLongEnough =
    input.now - w.start >= c.for_min * 60_000 &&
    recent.length > 0 &&
    (recent[0] as Reading).time <= input.now - c.for_min * 60_000 + config.hot_water.max_gap_min * 60_000 &&
    recent.every((r) => temp(r) < c.service_temperature_c);
  if (!coldLongEnough) return undefined;
  let since = last.time;
  for (let i = inWindow.length - 1; i >= 0 && temp(inWindow[i] as Reading) < c.service_temperature_c; i--) {
    since = (inWindow[i] as Reading).time;
  }
  return makeResult(input, "swh_tank_cold", {
    device: id,
    severity: c.severity,
    active: true,
    variant: "cold",
    evidence,
    action: backup === false ? "check_backup_heater_and_thermostat" : "check_solar_loop_and_backup",
    params: {
      temperature_c: Math.round(temp(last)),
      service_temperature_c: c.service_temperature_c,
      demand_window: `${w.window.start}-${w.window.end}`,
    },
    since,
  });
}
