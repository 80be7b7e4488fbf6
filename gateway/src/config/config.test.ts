import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";
import { loadGatewayConfig, parseGatewayConfig } from "./load.js";
import { gatewayConfigJsonSchema } from "./schema.js";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const env = { JISR_GATEWAY_TOKEN: "from-env" };

/** The problems of a config that must fail, as "path: message" lines. */
function problemsOf(text: string, options: Parameters<typeof parseGatewayConfig>[1] = { env }): string[] {
  try {
    parseGatewayConfig(text, options);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error("config was accepted");
}

const minimal = `
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:8080" }
devices:
  - { id: inv-1, profile: sunspec, host: 192.168.1.50 }
`;

describe("gateway config", () => {
  it("loads every shipped example, with the defaults it documents", () => {
    const files = readdirSync(examples).filter((f) => f.endsWith(".yaml"));
    expect(files).toContain("gateway.yaml");
    for (const file of files) expect(() => loadGatewayConfig(join(examples, file), env), file).not.toThrow();

    const config = loadGatewayConfig(join(examples, "gateway.yaml"), env);
    expect(config.institution).toBe("ehpad-ben-guerir");
    expect(config.gateway_id).toBe("gateway");
    expect(config.uplink).toEqual({
      url: "https://jisr.example.org",
      token: "from-env",
      batch_max_points: 5000,
      flush_interval: 5000,
      timeout: 30_000,
      retry_max_delay: 30_000,
      max_queued_points: 100_000,
    });
    expect(config.devices[0]).toEqual({
      id: "inv-1",
      profile: "sunspec",
      host: "192.168.1.50",
      port: 502,
      unit: 1,
      interval: 10_000,
      timeout: 2000,
      retries: 1,
      offline_retry_max: 300_000,
    });
    expect(config.devices[1]).toMatchObject({ id: "inv-2", unit: 2, interval: 30_000 });
  });

  it("reports every mistake at once, each by its path", () => {
    const text = `
institution: Ehpad Ben Guerir
uplink:
  url: ftp://example.org
  batch_max_points: 0
devices:
  - { id: inv-1, profile: sunspec, host: 10.0.0.5, interval: 10 }
  - { id: inv-2, profile: modbus, host: 10.0.0.6, port: 70000 }
  - { id: inv-3, host: 10.0.0.7, timeout: "5 seconds" }
`;
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^institution: must be lower-case letters/),
        expect.stringMatching(/^uplink\.url: must be an http\(s\):\/\/ URL/),
        "uplink.batch_max_points: must be between 1 and 100000",
        'devices.0.interval: expected a duration such as "30s", not the number 10: give its unit, e.g. "10s"',
        "devices.1.port: must be between 1 and 65535",
        "devices.2.profile: is required",
        'devices.2.timeout: must be a duration with a unit: "500ms", "10s", "2m" or "1h"',
        expect.stringMatching(/^devices\.1\.profile: unknown profile "modbus"; built-in profiles: sunspec, /),
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it("refuses an unknown key, naming it and the keys that exist", () => {
    const problems = problemsOf(minimal.replace("host: 192.168.1.50", "host: 192.168.1.50, intervall: 5s"));
    expect(problems).toEqual([
      "devices.0.intervall: unknown key: did you mean `interval`? (known keys are: id, profile, host, serial, port, unit, interval, timeout, retries, offline_retry_max)",
    ]);
    expect(problemsOf(`${minimal}\nlog_level: debug\n`)).toEqual([
      // The list grows with the schema's sections: its start is enough here.
      expect.stringMatching(
        /^log_level: unknown key; known keys are: institution, gateway_id, uplink, data_dir, /,
      ),
    ]);
  });

  it("refuses duplicate device ids and two devices on one Modbus address, with other mistakes", () => {
    const text = `
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:8080" }
devices:
  - { id: inv-1, profile: sunspec, host: 10.0.0.5 }
  - { id: inv-2, profile: sunspec, host: 10.0.0.5, port: 502, unit: 1 }
  - { id: inv-1, profile: sunspec, host: 10.0.0.9 }
  - { id: inv-4, profile: sunspec, host: 10.0.0.9, retries: 99 }
`;
    // devices.3 has a wrong retries and shares devices.2's address: both are reported in the same pass.
    expect(problemsOf(text)).toEqual([
      "devices.3.retries: must be between 0 and 5",
      'devices.2.id: "inv-1" is already the id of devices.0',
      "devices.1: same host, port and unit as devices.0 (10.0.0.5:502 unit 1): one device would be read twice",
      "devices.3: same host, port and unit as devices.2 (10.0.0.9:502 unit 1): one device would be read twice",
    ]);
  });

  it("resolves the token from the config, a file, or the environment, and says so when none is given", () => {
    expect(problemsOf(minimal, { env: {} })).toEqual([
      "uplink.token: is missing: set uplink.token or uplink.token_file, or the JISR_GATEWAY_TOKEN environment variable",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "jisr-gw-config-"));
    writeFileSync(join(dir, "gw.token"), "from-file\n");
    const withFile = minimal.replace(
      'url: "http://127.0.0.1:8080"',
      'url: "http://127.0.0.1:8080", token_file: gw.token',
    );
    expect(parseGatewayConfig(withFile, { baseDir: dir, env }).uplink.token).toBe("from-file");
    const inline = minimal.replace(
      'url: "http://127.0.0.1:8080"',
      'url: "http://127.0.0.1:8080", token: abc',
    );
    expect(parseGatewayConfig(inline, { env }).uplink.token).toBe("abc");
    expect(parseGatewayConfig(minimal, { env }).uplink.token).toBe("from-env");
    expect(problemsOf(withFile.replace("gw.token", "missing.token"), { baseDir: dir, env })).toEqual([
      `uplink.token_file: cannot read "${join(dir, "missing.token")}": no such file`,
    ]);
  });

  it("names the line of a YAML syntax error", () => {
    expect(problemsOf("institution: x\n  devices: [\n")[0]).toMatch(/^\(yaml line \d+, column \d+\): /);
  });

  it("exports a JSON Schema with descriptions and the documented defaults", () => {
    const schema = gatewayConfigJsonSchema() as {
      additionalProperties: boolean;
      properties: {
        devices: { items: { properties: Record<string, { default?: unknown; description?: string }> } };
      };
    };
    expect(schema.additionalProperties).toBe(false);
    const device = schema.properties.devices.items.properties;
    expect(device.interval?.default).toBe("10s");
    expect(device.port?.default).toBe(502);
    for (const [key, field] of Object.entries(device)) expect(field.description, key).toBeTruthy();
  });

  it("checks each MQTT device's profile with the same loader: a name, a file, the right protocol", () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-gw-mqtt-profiles-"));
    writeFileSync(join(dir, "broken.yaml"), "protocol: mqtt\nroles: [grid_meter]\n");
    writeFileSync(
      join(dir, "meter.yaml"),
      "protocol: modbus\npoints: [{ name: p, address: 0, type: int16, field: power_w, unit: W }]\n",
    );
    const text = `
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:8080" }
devices:
  - { id: inv-1, profile: broken.yaml, host: 10.0.0.5 }
mqtt:
  url: mqtt://127.0.0.1:1883
  devices:
    - { id: grid, profile: shelly-gen2, topic: shellypro3em-1 }
    - { id: plug, profile: tasmotta, topic: tasmota_1 }
    - { id: b, profile: broken.yaml, topic: b }
    - { id: m, profile: meter.yaml, topic: m }
`;
    expect(problemsOf(text, { baseDir: dir, env })).toEqual([
      `devices.0.profile: profile "${join(dir, "broken.yaml")}": this is an MQTT payload profile (protocol: mqtt): give it to a device under mqtt.devices, or give this device a Modbus profile`,
      'mqtt.devices.1.profile: unknown profile "tasmotta": did you mean "tasmota"? built-in MQTT profiles: opendtu, shelly-gen2, tasmota (or give a .yaml file)',
      `mqtt.devices.2.profile: profile "${join(dir, "broken.yaml")}" is not valid: products: is required`,
      `mqtt.devices.2.profile: profile "${join(dir, "broken.yaml")}" is not valid: description: is required`,
      `mqtt.devices.2.profile: profile "${join(dir, "broken.yaml")}" is not valid: topics: is required`,
      `mqtt.devices.3.profile: profile "${join(dir, "meter.yaml")}": this is a Modbus profile (protocol: modbus): give it to a device under devices, or give this MQTT device an MQTT payload profile`,
    ]);
  });

  it("checks each device's profile: a built-in name, or a file relative to the config", () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-gw-profiles-"));
    writeFileSync(join(dir, "broken.yaml"), "protocol: modbus\npoints: []\n");
    const text = `
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:8080" }
devices:
  - { id: inv-1, profile: huawei-sun2000, host: 10.0.0.5 }
  - { id: inv-2, profile: huawai-sun2000, host: 10.0.0.6 }
  - { id: meter-1, profile: missing.yaml, host: 10.0.0.7 }
  - { id: meter-2, profile: broken.yaml, host: 10.0.0.8 }
`;
    const problems = problemsOf(text, { baseDir: dir, env });
    expect(problems).toEqual([
      expect.stringMatching(
        /^devices\.1\.profile: unknown profile "huawai-sun2000": did you mean "huawei-sun2000"\? built-in profiles: sunspec, .*huawei-sun2000.* \(or give a \.yaml file\)$/,
      ),
      `devices.2.profile: cannot read "${join(dir, "missing.yaml")}": no such file`,
      `devices.3.profile: profile "${join(dir, "broken.yaml")}" is not valid: products: is required`,
      `devices.3.profile: profile "${join(dir, "broken.yaml")}" is not valid: description: is required`,
      `devices.3.profile: profile "${join(dir, "broken.yaml")}" is not valid: points: must list at least one point`,
    ]);

    const sdm = join(
      dirname(fileURLToPath(import.meta.url)),
      "../../profiles/modbus/meter/eastron-sdm630.yaml",
    );
    writeFileSync(join(dir, "meter.yaml"), `extends: ${JSON.stringify(sdm)}\n`);
    const good = `
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:8080" }
devices:
  - { id: inv-1, profile: huawei-sun2000, host: 10.0.0.5 }
  - { id: meter-1, profile: meter.yaml, host: 10.0.0.9 }
`;
    const ok = parseGatewayConfig(good, { baseDir: dir, env });
    expect(ok.devices.map((d) => d.profile)).toEqual(["huawei-sun2000", join(dir, "meter.yaml")]);
  });

  it("parses and formats durations", () => {
    expect(["500ms", "10s", "2m", "1h", "1.5s"].map(parseDuration)).toEqual([
      500, 10_000, 120_000, 3_600_000, 1500,
    ]);
    expect(parseDuration("10")).toBeUndefined();
    expect([500, 10_000, 120_000, 1500].map(formatDuration)).toEqual(["500ms", "10s", "2m", "1.5s"]);
  });
});
