/**
 * `jisr gateway check-config` in one pass: a file with problems of every kind (a bare number for a
 * duration, a misspelt key, two devices on one address, a duplicate id, an unknown profile, a device
 * with neither host nor serial, a port out of range) reports them all at once, in the order of the file,
 * each with its line, the device it is about and, where it can, a suggestion.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGatewayConfigFile, formatConfigCheck, runConfigCheck } from "./check.js";

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "jisr-check-config-")), "gateway.yaml");
  writeFileSync(path, text);
  return path;
}

const env = { JISR_GATEWAY_TOKEN: "t0ken" };

const BROKEN = `institution: ehpad-ben-guerir
uplink:
  url: "http://127.0.0.1:8080"
  flush_intervall: 5s
devices:
  - id: inv-1
    profile: sunspec
    host: 10.0.0.5
    interval: 30
  - id: inv-2
    profile: huawei-sun200
    host: 10.0.0.5
  - id: inv-1
    profile: sunspec
    port: 70000
`;

describe("gateway check-config", () => {
  it("reports every problem of every kind in one pass, with its line, its device and a suggestion", () => {
    const { problems, config } = checkGatewayConfigFile(file(BROKEN), env);
    expect(config).toBeUndefined();
    expect(problems.map((p) => ({ line: p.line, name: p.name, path: p.path }))).toEqual([
      { line: 4, name: undefined, path: "uplink.flush_intervall" },
      { line: 9, name: 'device "inv-1"', path: "devices.0.interval" },
      { line: 10, name: 'device "inv-2"', path: "devices.1" },
      { line: 11, name: 'device "inv-2"', path: "devices.1.profile" },
      { line: 13, name: 'device "inv-1"', path: "devices.2.host" },
      { line: 13, name: 'device "inv-1"', path: "devices.2.id" },
      { line: 15, name: 'device "inv-1"', path: "devices.2.port" },
    ]);
    const message = (path: string) => problems.find((p) => p.path === path)?.message;
    // A misspelt key: the key it was meant to be.
    expect(message("uplink.flush_intervall")).toMatch(/^unknown key: did you mean `flush_interval`\?/);
    // A bare number where a duration goes: what to write instead, not zod's "expected string".
    expect(message("devices.0.interval")).toBe(
      'expected a duration such as "30s", not the number 30: give its unit, e.g. "30s"',
    );
    expect(message("devices.1")).toBe(
      "same host, port and unit as devices.0 (10.0.0.5:502 unit 1): one device would be read twice",
    );
    expect(message("devices.1.profile")).toMatch(
      /^unknown profile "huawei-sun200": did you mean "huawei-sun2000"\?/,
    );
    // The third device has a wrong port AND no host AND a duplicate id: all three at once.
    expect(message("devices.2.host")).toBe(
      "give either host (Modbus TCP) or serial (Modbus RTU), not both and not neither",
    );
    expect(message("devices.2.id")).toBe('"inv-1" is already the id of devices.0');
    expect(message("devices.2.port")).toBe("must be between 1 and 65535");
  });

  it("prints each problem with the file and line to go to, and the count", () => {
    const path = file(BROKEN);
    const text = formatConfigCheck(path, checkGatewayConfigFile(path, env).problems);
    expect(text.startsWith(`gateway config ${path} is not valid:\n`)).toBe(true);
    expect(text).toContain(
      '  - devices.0.interval: expected a duration such as "30s", not the number 30: give its unit, e.g. "30s"\n' +
        `    at ${path}:9, device "inv-1"\n`,
    );
    expect(text.endsWith("(7 problems)\n")).toBe(true);
  });

  it("reports a missing token and a missing key beside the schema's problems", () => {
    const path = file(
      "institution: Ehpad\nuplink:\n  url: http://x\ndevices:\n  - { id: a, profile: sunspec, host: h, unit: 300 }\n",
    );
    const { problems } = checkGatewayConfigFile(path, {});
    expect(problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^1 institution: must be lower-case letters/),
      expect.stringMatching(/^2 uplink\.token: is missing: set uplink\.token or uplink\.token_file/),
      "5 devices.0.unit: must be between 0 and 255",
    ]);
  });

  it("checks MQTT devices in the same pass: a duplicate id beside a wrong value elsewhere", () => {
    const path = file(`institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:8080", token: abc }
mqtt:
  url: mqtt://127.0.0.1:1883
  client_id: 42
  devices:
    - { id: plug-1, profile: tasmota, topic: tasmota_1, role: grid_meter }
    - { id: plug-1, profile: tasmota, topic: tasmota_2, role: grid_meter }
`);
    const { problems } = checkGatewayConfigFile(path, env);
    expect(problems.map((p) => `${p.line} ${p.path}`)).toEqual(
      expect.arrayContaining(["5 mqtt.client_id", "8 mqtt.devices.1.id"]),
    );
    expect(problems.find((p) => p.path === "mqtt.devices.1.id")).toMatchObject({
      message: '"plug-1" is already the id of mqtt.devices.0',
      name: 'device "plug-1"',
    });
  });

  it("names a YAML syntax error by its line, and nothing else", () => {
    const { problems } = checkGatewayConfigFile(file("institution: a\nuplink: [\ndevices:\n"), env);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.path === "(yaml)" && typeof p.line === "number")).toBe(true);
  });

  it("says OK with the devices of a valid file, exit 0; 2 on problems", () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
    };
    const good = file(
      'institution: ehpad-ben-guerir\nuplink: { url: "http://127.0.0.1:8080", token: abc }\n' +
        "devices:\n  - { id: inv-1, profile: sunspec, host: 10.0.0.5 }\n",
    );
    expect(runConfigCheck(good, io)).toBe(0);
    expect(out.join("")).toBe(`OK: ${good}: institution "ehpad-ben-guerir", 1 device(s): inv-1\n`);
    expect(runConfigCheck(join(tmpdir(), "no-such-gateway.yaml"), io)).toBe(2);
    expect(err.join("")).toContain("  - (file): cannot read: no such file\n");
  });
});
