import { describe, expect, it } from "vitest";
import { checkInventory, formatInventoryProblems, type InventoryFile } from "./check.js";
import { checkInventoryDir, loadInventory } from "./load.js";
import { DEPLOY_INVENTORY } from "./testing/paths.js";

const PROGRAMME = `time_zone: Africa/Casablanca
reading_interval: 10s
`;

const GOOD = `id: site-a
names: { fr: Site A, ar: الموقع أ }
location: { latitude: 32.2, longitude: -7.9, commune: Ben Guerir }
tariff: { file: tariff.yaml }
devices:
  - id: inv-1
    protocol: modbus_tcp
    profile: sunspec
    host: 10.0.0.5
pv:
  arrays: [{ kwp: 5, inverters: [inv-1] }]
  max_power_w: 7000
`;

function check(files: Record<string, string>, existing: string[] = ["/inv/tariff.yaml"]) {
  const list: InventoryFile[] = Object.entries(files).map(([name, text]) => ({ path: `/inv/${name}`, text }));
  return checkInventory("/inv", list, { fileExists: (p) => existing.includes(p) });
}

describe("checkInventory", () => {
  it("accepts a good inventory and returns it typed", () => {
    const result = check({ "programme.yaml": PROGRAMME, "site-a.yaml": GOOD });
    expect(result.problems).toEqual([]);
    expect(result.inventory?.institutions[0]?.gateway.id).toBe("gateway");
    expect(result.inventory?.programme.alerts).toEqual({ notify_roles: [], min_severity: "major" });
  });

  it("reports every problem at once, each with its file and line", () => {
    const bad = GOOD.replace("kwp: 5", "kwp: -5, tilt: 30")
      .replace("max_power_w: 7000", "max_power_w: 7000\ngrid_meter: { device: meter-9, max_power_w: 1 }")
      .replace("    host: 10.0.0.5", "    host: 10.0.0.5\n    intervall: 10s");
    const dup = GOOD.replace("tariff.yaml", "missing.yaml");
    const result = check({ "programme.yaml": PROGRAMME, "site-a.yaml": bad, "site-b.yaml": dup });
    const text = formatInventoryProblems(result.problems);
    expect(result.inventory).toBeUndefined();
    // Schema errors: a negative kWp and two typos, with the key they were meant to be.
    expect(text).toContain(
      "/inv/site-a.yaml:12: pv.arrays.0.tilt: unknown key: did you mean `tilt_deg`? (known keys are: kwp, tilt_deg, azimuth_deg, inverters, ac_rating_w, inputs)",
    );
    expect(text).toMatch(/\/inv\/site-a\.yaml:12: pv\.arrays\.0\.kwp: must be positive/);
    expect(text).toContain(
      "/inv/site-a.yaml:10: devices.0.intervall: unknown key: did you mean `interval`? (known keys are: protocol, id, names, profile, host, port, unit, interval, timeout, retries, offline_retry_max)",
    );
    // The second file: named after another institution, with a tariff that is not there.
    expect(text).toContain('/inv/site-b.yaml:1: id: must be the file\'s name: "site-a" is in site-b.yaml');
    expect(text).toContain('/inv/site-b.yaml:1: id: "site-a" is already the id of /inv/site-a.yaml');
    expect(text).toContain("/inv/site-b.yaml:4: tariff.file: /inv/missing.yaml does not exist");
    expect(result.problems).toHaveLength(6);
  });

  it("gives each of several unknown keys of one object its own line and its own suggestion", () => {
    const bad = GOOD.replace("    host: 10.0.0.5", "    host: 10.0.0.5\n    prot: 502\n    colour: blue");
    const lines = formatInventoryProblems(
      check({ "programme.yaml": PROGRAMME, "site-a.yaml": bad }).problems,
    );
    expect(lines).toContain("/inv/site-a.yaml:10: devices.0.prot: unknown key: did you mean `port`?");
    expect(lines).toMatch(
      /\/inv\/site-a\.yaml:11: devices\.0\.colour: unknown key; known keys are: .*\bhost\b/,
    );
  });

  it("names devices that are referenced but not defined, and devices in two roles", () => {
    const text = GOOD.replace(
      "max_power_w: 7000",
      "max_power_w: 7000\ngrid_meter: { device: inv-2, max_power_w: 1 }\nhot_water:\n  heaters: [{ device: inv-1 }]",
    );
    const result = check({ "programme.yaml": PROGRAMME, "site-a.yaml": text });
    expect(formatInventoryProblems(result.problems).split("\n")).toEqual([
      '/inv/site-a.yaml:13: grid_meter.device: device "inv-2" is not defined in devices (did you mean "inv-1"?)',
      '/inv/site-a.yaml:15: hot_water.heaters.0.device: "inv-1" is already the PV inverter',
    ]);
  });

  it("reports a missing programme, YAML syntax errors and wrong protocols", () => {
    const result = check({
      "site-a.yaml": "id: [unclosed\n",
      "site-b.yaml": GOOD.replace("id: site-a", "id: site-b").replace("modbus_tcp", "bacnet"),
    });
    const text = formatInventoryProblems(result.problems);
    expect(text).toContain("/inv/programme.yaml: (file): is missing");
    expect(text).toMatch(/\/inv\/site-a\.yaml:\d+: \(yaml\): /);
    expect(text).toContain(
      '/inv/site-b.yaml:7: devices.0.protocol: protocol must be "modbus_tcp", "modbus_rtu" or "mqtt"',
    );
  });

  it("says where a required key is missing: on the line of the object that lacks it", () => {
    const result = check({
      "programme.yaml": PROGRAMME,
      "site-a.yaml": GOOD.replace(", commune: Ben Guerir", ""),
    });
    expect(formatInventoryProblems(result.problems)).toBe(
      "/inv/site-a.yaml:3: location.commune: is required",
    );
  });

  it("the repository's inventory is valid", () => {
    expect(checkInventoryDir(DEPLOY_INVENTORY).problems).toEqual([]);
    expect(loadInventory(DEPLOY_INVENTORY).institutions.map((i) => i.id)).toEqual(["demo-ben-guerir"]);
  });

  it("a folder that cannot be read is one problem", () => {
    expect(() => loadInventory("/nonexistent/inventory")).toThrow(/cannot read/);
  });
});
