import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "@jisr/core/errors";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { loadRulesConfig, parseRulesConfig } from "./load.js";
import { defaultRulesConfig, lookbackMs, rulesConfigJsonSchema, rulesConfigSchema } from "./schema.js";

const EXAMPLE = fileURLToPath(new URL("../../../rules.example.yaml", import.meta.url));
const DAY = 86_400_000;

/** The object schema under defaults, prefaults, optionals and pipes, if there is one. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s = schema as unknown as {
    _zod: { def: { type: string; innerType?: unknown; in?: unknown; shape?: unknown } };
  };
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def;
    if (def.type === "object") return def.shape as Record<string, z.ZodType>;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    s = inner as typeof s;
  }
  return undefined;
}

/** Keys of the schema that the YAML does not show, as dotted paths. */
function missingKeys(schema: z.ZodType, yaml: unknown, at: string[] = []): string[] {
  const shape = objectShape(schema);
  if (!shape) return [];
  const obj = (yaml ?? {}) as Record<string, unknown>;
  return Object.entries(shape).flatMap(([k, sub]) =>
    k in obj ? missingKeys(sub, obj[k], [...at, k]) : [[...at, k].join(".")],
  );
}

function problemsOf(text: string): string[] {
  try {
    parseRulesConfig(text);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe("rules.example.yaml", () => {
  it("loads, and is exactly the defaults (it documents them)", () => {
    expect(loadRulesConfig(EXAMPLE)).toEqual(defaultRulesConfig());
  });

  it("shows every key of the schema", () => {
    expect(missingKeys(rulesConfigSchema, parse(readFileSync(EXAMPLE, "utf8")))).toEqual([]);
  });

  it("cites its source in every section: a DOMAIN.md section, or the gateway code for the data path", () => {
    const text = readFileSync(EXAMPLE, "utf8");
    const sections = text.split(/\n(?=[a-z_]+:\n)/).filter((s) => /^[a-z_]+:\n/.test(s));
    expect(sections).toHaveLength(Object.keys(defaultRulesConfig()).length);
    const uncited = sections.filter((s) => !/§\d|gateway\/src\//.test(s)).map((s) => s.split(":")[0]);
    expect(uncited).toEqual([]);
  });
});

describe("parseRulesConfig", () => {
  it("gives every default for an empty file, and merges a partial one", () => {
    expect(parseRulesConfig("")).toEqual(defaultRulesConfig());
    const c = parseRulesConfig(
      "pv_soiling:\n  price_mad_per_kwh: 1.6\ninverter_fault:\n  event_severity: { OVER_TEMP: critical }\n",
    );
    expect(c.pv_soiling.price_mad_per_kwh).toBe(1.6);
    expect(c.pv_soiling.window_days).toBe(30);
    expect(c.inverter_fault.event_severity.OVER_TEMP).toBe("critical");
    expect(c.inverter_fault.event_severity.GROUND_FAULT).toBe("critical");
  });

  it("reports every problem at once, by path", () => {
    const problems = problemsOf(
      [
        "site_silent: { after_minutes: 20 }",
        "pv_zero_production: { for_min: two }",
        "pv_underperformance: { major_below_pct: 90 }",
        "swh_tank_cold: { service_temperature_c: 90, fields: [] }",
        "hot_water: { demand_windows: [{ start: '22:00', end: '06:00' }] }",
        "swh_sensor_fault: { controller_error_pattern: '(' }",
        "pv_typo: {}",
      ].join("\n"),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "site_silent.after_minutes: unknown key: did you mean `after_min`? (known keys are: enabled, after_min, severity)",
        "pv_zero_production.for_min: must be a number",
        "swh_tank_cold.service_temperature_c: must be at most 70 °C",
        "swh_tank_cold.fields: must list at least one field",
        "hot_water.demand_windows.0.end: must end after it starts (a window cannot cross midnight: split it in two)",
        "swh_sensor_fault.controller_error_pattern: must be a regular expression",
      ]),
    );
    expect(problems.some((p) => p.startsWith("pv_typo: unknown key"))).toBe(true);
    // Cross-field: major must not be above minor (checked once the fields are valid).
    expect(problemsOf("pv_underperformance: { major_below_pct: 90 }")).toEqual([
      "pv_underperformance.major_below_pct: must not be above minor_below_pct (80)",
    ]);
  });

  it("names YAML syntax errors and unreadable files", () => {
    expect(problemsOf("site_silent: [")[0]).toMatch(/^\(yaml\): /);
    const dir = mkdtempSync(join(tmpdir(), "jisr-rules-"));
    expect(() => loadRulesConfig(join(dir, "absent.yaml"))).toThrow(/cannot read/);
    writeFileSync(join(dir, "rules.yaml"), "device_silent: { after_min: 45 }\n");
    expect(loadRulesConfig(join(dir, "rules.yaml")).device_silent.after_min).toBe(45);
  });
});

describe("lookbackMs and the JSON Schema", () => {
  it("reaches back as far as the longest enabled rule needs", () => {
    const c = defaultRulesConfig();
    expect(lookbackMs(c)).toBe(31 * DAY); // soiling: 30 days and one for the day boundary
    c.pv_soiling.enabled = false;
    expect(lookbackMs(c)).toBe(15 * DAY); // underperformance: 14 + 1
  });

  it("exports a JSON Schema with every section, for editors", () => {
    const json = rulesConfigJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(json.properties)).toContain("swh_backup_only");
    expect(Object.keys(json.properties)).toHaveLength(Object.keys(defaultRulesConfig()).length);
  });
});
