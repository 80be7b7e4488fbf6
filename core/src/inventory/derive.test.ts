import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deriveAlerting } from "./derive-alerting.js";
import { camelKeys, deriveAnalytics } from "./derive-analytics.js";
import { deriveGateway, InventoryLookupError } from "./derive-gateway.js";
import { deriveDirectory, deviceName } from "./derive-web.js";
import { loadInventory } from "./load.js";
import type { Inventory } from "./schema.js";
import { DEPLOY_INVENTORY, LEGACY_GATEWAY } from "./testing/paths.js";

const inventory = (): Inventory => loadInventory(DEPLOY_INVENTORY);

describe("derivations from the inventory", () => {
  it("the gateway config is the compose stack's gateway file, key for key", () => {
    const legacy = parse(readFileSync(LEGACY_GATEWAY, "utf8"));
    expect(deriveGateway(inventory(), "demo-ben-guerir")).toEqual(legacy);
  });

  it("MQTT devices go under mqtt with the institution's broker; Modbus RTU devices keep their line", () => {
    const inv = inventory();
    const [site] = inv.institutions;
    if (!site) throw new Error("one institution");
    site.gateway.mqtt_broker = { embedded: { port: 1884 } };
    site.devices.push(
      {
        id: "shelly-1",
        protocol: "mqtt",
        profile: "shelly-gen2",
        topic: "shellypro3em-abc",
        role: "grid_meter",
      },
      {
        id: "rtu-1",
        protocol: "modbus_rtu",
        profile: "eastron-sdm630",
        serial: { path: "/dev/ttyUSB0" },
        unit: 3,
      },
    );
    const gw = deriveGateway(inv, "demo-ben-guerir");
    expect(gw.mqtt).toEqual({
      embedded: { port: 1884 },
      devices: [{ id: "shelly-1", profile: "shelly-gen2", topic: "shellypro3em-abc", role: "grid_meter" }],
    });
    expect(gw.devices.at(-1)).toEqual({
      id: "rtu-1",
      profile: "eastron-sdm630",
      serial: { path: "/dev/ttyUSB0" },
      unit: 3,
    });
  });

  it("a gateway needs an ingestion URL, and an institution that is in the inventory", () => {
    const inv = inventory();
    inv.programme.gateways = undefined;
    expect(() => deriveGateway(inv, "demo-ben-guerir")).toThrow(/no ingestion URL/);
    expect(() => deriveGateway(inv, "nowhere")).toThrow(InventoryLookupError);
  });

  it("a provisional CO2 factor reaches the reports as one: its source tagged U unless already tagged", () => {
    const inv = inventory();
    inv.programme.co2 = { grid_factor_kg_per_kwh: 0.72, source: "ONEE 2024", provisional: true };
    expect(deriveAnalytics(inv).co2).toEqual({ grid_factor_kg_per_kwh: 0.72, source: "U: ONEE 2024" });
    inv.programme.co2 = { grid_factor_kg_per_kwh: 0.72, source: "ONEE 2024", provisional: false };
    expect(deriveAnalytics(inv).co2?.source).toBe("ONEE 2024");
    inv.programme.co2 = { grid_factor_kg_per_kwh: 0.72, source: "C: AMEE, to confirm", provisional: true };
    expect(deriveAnalytics(inv).co2?.source).toBe("C: AMEE, to confirm");
  });

  it("the analytics file names every device by its role and keeps the programme's figures", () => {
    const derived = deriveAnalytics(inventory());
    expect(derived).toMatchObject({ time_zone: "Africa/Casablanca", reading_interval: "10s", gap: "15m" });
    expect(derived.co2).toEqual({ grid_factor_kg_per_kwh: 0.7, source: expect.stringMatching(/^U:/) });
    expect(derived.institutions["demo-ben-guerir"]).toMatchObject({
      pv: { inverters: ["inverter-1"], max_power_w: 14000, rollover_wh: 4294967296 },
      grid_meter: { device: "grid-meter-1", max_power_w: 30000 },
      hot_water: { devices: ["swh-1"], heat_meters: {}, settings: { outletField: "tank_top_temperature_c" } },
    });
  });

  it("the alerting site shares an array's kWp among its inverters and watches the other devices", () => {
    const inv = inventory();
    const [site] = inv.institutions;
    if (!site?.pv) throw new Error("PV");
    site.devices.push({ id: "inverter-2", protocol: "modbus_tcp", profile: "sunspec", host: "h", unit: 2 });
    site.pv.arrays = [{ kwp: 20, tilt_deg: 15, inverters: ["inverter-1", "inverter-2"] }];
    const [inst] = deriveAlerting(inv).institutions;
    expect(inst?.site.inverters).toEqual({
      "inverter-1": { kwp: 10, tilt_deg: 15 },
      "inverter-2": { kwp: 10, tilt_deg: 15 },
    });
    expect(inst?.site.devices).toEqual(["grid-meter-1"]);
    expect(inst?.site.gateways).toEqual(["gateway"]);
    expect(inst?.names).toEqual({ ar: "مؤسسة تجريبية، ابن جرير" });
  });

  it("the web directory has each device's friendly names in three languages", () => {
    const [entry] = deriveDirectory(inventory());
    if (!entry) throw new Error("one institution");
    expect(entry.devices.map((d) => d.id)).toEqual(["inverter-1", "grid-meter-1", "swh-1"]);
    expect(deviceName(entry, "swh-1", "ar")).toBe("سخان الماء الشمسي");
    expect(deviceName(entry, "nameless", "en")).toBe("nameless");
  });

  it("camelKeys renames keys, deeply, and leaves values alone", () => {
    expect(camelKeys({ outlet_field: "tank_top_temperature_c", hygiene: { all_day_min_c: 55 } })).toEqual({
      outletField: "tank_top_temperature_c",
      hygiene: { allDayMinC: 55 },
    });
  });
});
