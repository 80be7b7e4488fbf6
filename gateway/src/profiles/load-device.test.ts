/**
 * The one loader and the one schema of device profiles: both protocols by built-in name or path, a file
 * without `protocol` read by its keys, and a profile of the wrong protocol refused in one sentence.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { runProfileList } from "./check-command.js";
import { loadDeviceProfile, loadMqttProfile, loadProfile } from "./load.js";
import { deviceProfileSchema, inferProtocol } from "./schema.js";

const dir = mkdtempSync(join(tmpdir(), "jisr-device-profile-"));
writeFileSync(
  join(dir, "plug.yaml"),
  `products: [{ brand: Test, models: [Plug] }]
description: { en: A test plug., fr: Une prise de test., ar: مقبس اختبار. }
roles: [grid_meter]
topics:
  - topic: "{topic}/state"
    fields: [{ path: p, field: power_w, unit: W }]
`,
);
writeFileSync(
  join(dir, "meter.yaml"),
  `products: [{ brand: Acme, models: [M1] }]
description: { en: A meter., fr: Un compteur., ar: عداد. }
defaults: { table: input, measurement: grid_meter }
points:
  - { name: power, address: 0, type: float32, unit: W, field: power_w } # Total power
`,
);

describe("device profiles: one loader, one schema", () => {
  it("loads both protocols by built-in name", () => {
    expect(loadDeviceProfile("tasmota")).toMatchObject({ protocol: "mqtt", profile: { name: "tasmota" } });
    const modbus = loadDeviceProfile("huawei-sun2000");
    expect(modbus.protocol).toBe("modbus");
    expect(modbus.protocol === "modbus" && modbus.profile.points.length).toBeGreaterThan(0);
  });

  it("reads a file without protocol as its keys say (topics: MQTT, else Modbus)", () => {
    expect(inferProtocol({ topics: [] })).toEqual({ protocol: "mqtt", given: false });
    expect(inferProtocol({ points: [] })).toEqual({ protocol: "modbus", given: false });
    expect(inferProtocol({ protocol: "mqtt", points: [] })).toEqual({ protocol: "mqtt", given: true });
    expect(loadDeviceProfile("plug.yaml", { baseDir: dir })).toMatchObject({
      protocol: "mqtt",
      profile: { spec: { protocol: "mqtt", roles: ["grid_meter"] } },
    });
    expect(loadMqttProfile("plug.yaml", dir).spec.topics).toHaveLength(1);
    expect(loadProfile("meter.yaml", dir).spec.protocol).toBe("modbus");
  });

  it("refuses a profile of the other protocol in one sentence", () => {
    expect(() => loadProfile("plug.yaml", dir)).toThrow(ValidationError);
    try {
      loadProfile("plug.yaml", dir);
    } catch (err) {
      expect((err as ValidationError).problems).toEqual([
        {
          path: "protocol",
          message:
            "this is an MQTT payload profile (protocol: mqtt): give it to a device under mqtt.devices, or give this device a Modbus profile",
        },
      ]);
    }
    expect(() => loadMqttProfile("meter.yaml", dir)).toThrow(/this is a Modbus profile \(protocol: modbus\)/);
    // A built-in name is looked up among the expected protocol's profiles only.
    expect(() => loadMqttProfile("huawei-sun2000")).toThrow(ValidationError);
    expect(() => loadProfile("tasmota")).toThrow(/unknown profile "tasmota"/);
  });

  it("lists the built-in profiles of both protocols", () => {
    let out = "";
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } };
    expect(runProfileList(io as unknown as Parameters<typeof runProfileList>[0])).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines.find((l) => l.startsWith("huawei-sun2000 "))).toMatch(/\s+inverter\s+19\s+Huawei/);
    expect(lines.find((l) => l.startsWith("tasmota "))).toMatch(/^tasmota\s+mqtt\s+-\s+\S/);
    expect(lines.filter((l) => / mqtt /.test(l)).map((l) => l.split(/\s+/)[0])).toEqual([
      "opendtu",
      "shelly-gen2",
      "tasmota",
    ]);
  });

  it("has one schema whose protocol tells the two kinds apart", () => {
    const wrong = deviceProfileSchema.safeParse({ protocol: "bacnet" });
    expect(wrong.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["protocol", 'must be "modbus" or "mqtt"'],
    ]);
    const mqtt = deviceProfileSchema.safeParse({ protocol: "mqtt", roles: [] });
    expect(mqtt.error?.issues.map((i) => i.path[0])).toEqual(
      expect.arrayContaining(["products", "description", "roles", "topics"]),
    );
  });
});
