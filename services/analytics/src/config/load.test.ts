import { fileURLToPath } from "node:url";
import { ValidationError } from "@jisr/core/errors";
import { describe, expect, it } from "vitest";
import { loadInstitutions, parseInstitutions } from "./load.js";
import { institutionsJsonSchema } from "./schema.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/institutions.yaml", import.meta.url));
const TARIFF = fileURLToPath(new URL("../../tariffs/srm-bt-domestic.yaml", import.meta.url));

const minimal = (extra = "") => `
institutions:
  site-a:
    name: { fr: Site A, ar: الموقع أ }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: ${TARIFF}
    pv: { inverters: [inv-1], max_power_w: 8000 }
${extra}`;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("institutions file", () => {
  it("loads the demo's three institutions, tariffs and hot-water settings included", () => {
    const config = loadInstitutions(EXAMPLE);
    expect(config.timeZone).toBe("Africa/Casablanca");
    expect(config.institutions.map((i) => i.id)).toEqual([
      "foyer-ben-guerir",
      "maison-enfants-skhour",
      "centre-handicap-sidi-bouathmane",
    ]);
    const foyer = config.institutions[0];
    expect(foyer?.tariff.id).toBe("srm-bt-domestic");
    expect(foyer?.pv).toEqual({
      inverters: ["inverter-1"],
      counter: { maxPowerW: 20000, toleranceWh: 100, jitterWh: 10, rolloverAtWh: 2 ** 32 },
    });
    expect(foyer?.readingIntervalMs).toBe(60_000);
    expect(config.gapMs).toBe(15 * 60_000);
    expect(config.maxGapMs).toBe(45 * 86_400_000);
    expect(foyer?.hotWater?.settings.serviceTemperatureC).toBe(45);
    // The institution's CO2 factor is the hot-water settings' default, so one figure serves both.
    expect(foyer?.hotWater?.settings.co2.gridKgPerKwh).toBe(0.7);
    expect(config.institutions[1]?.hotWater?.settings.backup.kind).toBe("butane");
  });

  it("applies defaults and per-institution overrides", () => {
    const config = parseInstitutions(
      minimal("    co2: { grid_factor_kg_per_kwh: 0.62, source: test }\n    reading_interval: 10s"),
      { baseDir: "/" },
    );
    const inst = config.institutions[0];
    expect(inst?.co2).toEqual({ gridFactorKgPerKwh: 0.62, source: "test" });
    expect(inst?.readingIntervalMs).toBe(10_000);
    expect(inst?.gridMeter).toBeUndefined();
  });

  it("reports every problem at once, by path", () => {
    const text = `
co2: { grid_factor_kg_per_kwh: 0.7 }
gap: soon
institutions:
  Bad_Id:
    name: { fr: X, ar: Y }
    location: { commune: X, latitude: 32, longitude: -7 }
    tariff: t.yaml
  site-b:
    name: { fr: X }
    location: { commune: X, latitude: 50, longitude: -7 }
    tariff: t.yaml
    pv: { inverters: [inv-1], max_power_w: 8000, max_powr_w: 1 }
    grid_meter: { device: inv-1, max_power_w: 1000 }
`;
    const problems = problemsOf(() => parseInstitutions(text, { baseDir: "/" }));
    expect(problems).toEqual(
      expect.arrayContaining([
        "co2.source: is required",
        'gap: must be a duration such as "30s", "1m", "15m", "2h" or "40d"',
        expect.stringMatching(/^institutions\.Bad_Id: is not a valid id: must be lower-case letters/),
        "institutions.site-b.name.ar: is required",
        expect.stringMatching(/^institutions\.site-b\.location\.latitude: Too big/),
        expect.stringMatching(
          /^institutions\.site-b\.pv\.max_powr_w: unknown key: did you mean `max_power_w`\? \(known keys are: inverters, /,
        ),
      ]),
    );
  });

  it("refuses a device in two roles and a heat meter for an unknown heater", () => {
    const problems = problemsOf(() =>
      parseInstitutions(
        minimal(`    grid_meter: { device: inv-1, max_power_w: 1000 }
    hot_water: { devices: [swh-1], heat_meters: { swh-2: hm-1 } }`),
        { baseDir: "/" },
      ),
    );
    expect(problems).toEqual([
      "institutions.site-a.grid_meter.device: is already the PV inverter",
      "institutions.site-a.hot_water.heat_meters.swh-2: is not one of hot_water.devices",
    ]);
  });

  it("names the tariff file and its problem, and hot-water settings problems by path", () => {
    const problems = problemsOf(() =>
      parseInstitutions(
        `
institutions:
  site-a:
    name: { fr: A, ar: A }
    location: { commune: X, latitude: 32, longitude: -7 }
    tariff: no-such-tariff.yaml
    hot_water: { devices: [swh-1], settings: { serviceTemperatureC: 90 } }
`,
        { baseDir: "/tmp" },
      ),
    );
    expect(problems).toEqual([
      "institutions.site-a.tariff: /tmp/no-such-tariff.yaml: (file): cannot read: no such file",
      "institutions.site-a.hot_water.settings.serviceTemperatureC: must be at most 70 °C",
    ]);
  });

  it("exports a JSON Schema for editors", () => {
    const schema = institutionsJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["time_zone", "co2", "institutions", "reading_interval"]),
    );
  });
});
