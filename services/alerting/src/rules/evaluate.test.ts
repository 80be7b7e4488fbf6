import { describe, expect, it } from "vitest";
import { allActionKeys, RULE_CATALOG } from "./catalog.js";
import { lookbackMs } from "./config/schema.js";
import { evaluateRules } from "./evaluate.js";
import { at, config, HOUR, input } from "./testing/fixtures.js";
import { healthySite } from "./testing/healthy-site.js";
import type { Reading, RuleResult } from "./types.js";
import { RULE_IDS } from "./types.js";

const cfg = config();
const DAYS = 9;
const week = healthySite({ days: DAYS, cloudyDays: [2, 5] });

/** evaluateRules as the engine calls it: the window the config asks for, ending at `now`. */
function evaluate(readings: Reading[], now: number): RuleResult[] {
  const from = now - lookbackMs(cfg);
  return evaluateRules(
    input(
      readings.filter((r) => r.time >= from && r.time <= now),
      now,
      { from },
    ),
    cfg,
  );
}

const describeActive = (rs: RuleResult[]) =>
  rs.filter((r) => r.active).map((r) => `${r.rule} ${r.device} ${r.summary.key}`);

describe("evaluateRules over a healthy institution", () => {
  it("raises nothing over a week of sun and clouds, judged every 5 hours (every hour of the day in turn)", () => {
    const raised: string[] = [];
    let judged = 0;
    for (let now = at(0, 0, 2); now <= at(23, 0, DAYS - 1); now += 5 * HOUR) {
      const results = evaluate(week, now);
      judged += results.length;
      raised.push(...describeActive(results).map((a) => `${new Date(now).toISOString()} ${a}`));
    }
    expect(raised).toEqual([]);
    expect(judged).toBeGreaterThan(150); // the rules did judge, they did not just stay silent
  });

  it("gives a healthy verdict for every subject at noon on the last day", () => {
    const rules = new Set(evaluate(week, at(12, 0, DAYS - 1)).map((r) => r.rule));
    for (const rule of [
      "site_silent",
      "device_silent",
      "inverter_fault",
      "pv_zero_production",
      "pv_underperformance",
      "pv_input_mismatch",
      "pv_soiling",
      "swh_overheating",
      "swh_sensor_fault",
      "swh_reverse_circulation",
      "swh_backup_only",
    ]) {
      expect(rules, rule).toContain(rule);
    }
  });
});

describe("evaluateRules with injected faults: each raises its own rule", () => {
  const last = DAYS - 1;
  const cases: {
    name: string;
    now: number;
    tamper: (r: Reading) => Reading | undefined;
    expected: string[];
  }[] = [
    {
      name: "inverter trip from 10:00",
      now: at(12, 0, last),
      tamper: (r) => (r.measurement.startsWith("pv_") && r.time >= at(10, 0, last) ? zero(r, "FAULT") : r),
      expected: ["inverter_fault", "pv_zero_production"],
    },
    {
      name: "MPPT 2 open since day 6",
      now: at(17, 0, last),
      tamper: (r) =>
        r.measurement === "pv_mppt" && r.tags.mppt === "2" && r.time >= at(0, 0, 6)
          ? { ...r, fields: { dc_power_w: 0 } }
          : r,
      expected: ["pv_input_mismatch"],
    },
    {
      name: "communication loss of the water heater",
      now: at(12, 0, last),
      tamper: (r) => (r.measurement === "hot_water" && r.time >= at(10, 0, last) ? undefined : r),
      expected: ["device_silent"],
    },
    {
      name: "gateway down",
      now: at(12, 0, last),
      tamper: (r) => (r.time >= at(11, 0, last) ? undefined : r),
      expected: ["site_silent"],
    },
    {
      name: "stuck tank-bottom sensor",
      now: at(18, 0, last),
      tamper: (r) =>
        r.measurement === "hot_water" && r.time >= at(8, 0, last)
          ? { ...r, fields: { ...r.fields, tank_bottom_temperature_c: 41.3 } }
          : r,
      expected: ["swh_sensor_fault"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const readings = healthySite({ days: DAYS, cloudyDays: [2, 5], tamper: c.tamper });
      const rules = [
        ...new Set(
          evaluate(readings, c.now)
            .filter((r) => r.active)
            .map((r) => r.rule),
        ),
      ].sort();
      expect(rules).toEqual(c.expected.sort());
    });
  }
});

describe("the message catalogue", () => {
  it("lists every rule, and every key the rules emit in these tests", () => {
    expect(Object.keys(RULE_CATALOG).sort()).toEqual([...RULE_IDS].sort());
    const results = [
      ...evaluate(week, at(12, 0, DAYS - 1)),
      ...evaluate(
        healthySite({ days: DAYS, tamper: (r) => (r.measurement.startsWith("pv_") ? zero(r, "FAULT") : r) }),
        at(12, 0, DAYS - 1),
      ),
    ];
    for (const r of results) {
      const [rule, variant] = r.summary.key.split(".");
      expect(rule).toBe(r.rule);
      expect(RULE_CATALOG[r.rule].variants, r.summary.key).toContain(variant);
      expect(allActionKeys(), r.action.key).toContain(r.action.key);
      expect(Object.keys(r.summary.params)).toEqual(expect.arrayContaining(["institution", "device"]));
      if (r.active)
        expect(Object.keys(r.summary.params)).toEqual(expect.arrayContaining(RULE_CATALOG[r.rule].params));
    }
  });
});

function zero(r: Reading, state: string): Reading {
  if (r.measurement === "pv_inverter") return { ...r, fields: { ...r.fields, power_w: 0, state } };
  return { ...r, fields: { dc_power_w: 0 } };
}
