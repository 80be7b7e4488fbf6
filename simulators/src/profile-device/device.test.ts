import type { ModbusLink } from "@jisr/gateway";
import { openModbusLink, readWithProfile } from "@jisr/gateway";
import { afterEach, describe, expect, it } from "vitest";
import { type ProfileDeviceHandle, startProfileDevice } from "./device.js";
import { gridMeterGenerator, heatMeterGenerator, weatherGenerator } from "./generators.js";

const NOON = new Date("2026-06-21T12:30:00Z"); // about solar noon at Ben Guerir
const H = 3_600_000;
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function connect(device: ProfileDeviceHandle): Promise<ModbusLink> {
  const link = await openModbusLink({ host: "127.0.0.1", port: device.port });
  open.push(link);
  return link;
}

/** What the gateway reads from `device` now, by field. */
async function fieldsOf(device: ProfileDeviceHandle, link: ModbusLink): Promise<Record<string, unknown>> {
  const values = await readWithProfile(link, device.unit, device.profile, 1000);
  return Object.fromEntries(device.profile.points.map((p, i) => [p.field ?? p.name, values[i]?.value]));
}

describe("startProfileDevice", () => {
  it("serves a solar water heater at noon; a failed pump keeps its relay on with no flow", async () => {
    let wall = 1_000_000;
    const device = await startProfileDevice({
      profile: "generic-solar-controller",
      generator: "solar-water-heater",
      start: NOON,
      speed: 60,
      tickMs: 0,
      wallNow: () => wall,
    });
    open.push(device);
    const link = await connect(device);
    const before = await fieldsOf(device, link);
    expect(before.pump_on).toBe(true);
    expect(before.flow_l_per_h).toBeGreaterThan(0);
    expect(before.collector_temperature_c).toBeGreaterThan(Number(before.tank_bottom_temperature_c));

    device.setFault({ pumpFailure: true });
    wall += 30_000; // 30 min of sim time
    device.tick();
    const after = await fieldsOf(device, link);
    expect(after.pump_on).toBe(true);
    expect(after.flow_l_per_h).toBe(0);
    expect(after.heat_energy_wh).toBe(device.servedAt(wall)?.values.heat_quantity);
    expect(after.collector_temperature_c).toBeGreaterThan(Number(before.collector_temperature_c) + 20);
  });

  it("keeps a stuck sensor's value while the others move, and remembers what it served when", async () => {
    let wall = 1_000_000;
    const device = await startProfileDevice({
      profile: "generic-solar-controller",
      generator: "solar-water-heater",
      start: new Date("2026-06-21T06:00:00Z"),
      speed: 60,
      tickMs: 0,
      wallNow: () => wall,
    });
    open.push(device);
    const link = await connect(device);
    device.setFault({ stuck: ["tank_top_temperature_c"] });
    const stuckAt = (await fieldsOf(device, link)).tank_top_temperature_c;
    const morning = (await fieldsOf(device, link)).collector_temperature_c;
    const early = wall;
    wall += 4 * 60_000; // four hours of sim time
    device.tick();
    const later = await fieldsOf(device, link);
    expect(later.tank_top_temperature_c).toBe(stuckAt);
    expect(later.collector_temperature_c).not.toBe(morning);
    expect(device.servedAt(early)?.values.s1_collector).toBe(morning);
    expect(device.servedAt(wall)?.values.s1_collector).toBe(later.collector_temperature_c);
  });

  it("serves values given by field or point name, and refuses gaps when asked to", async () => {
    const device = await startProfileDevice({
      profile: "imt-si-rs485tc",
      values: { irradiance_w_per_m2: 812.4, module_temperature: 47.5, ambient_temperature_c: -3.2 },
      strictGaps: true,
    });
    open.push(device);
    const link = await connect(device);
    // The planner joins registers 0, 7 and 8 in one read across 1-6, which this device refuses.
    await expect(readWithProfile(link, 1, device.profile, 1000)).rejects.toThrow(/ILLEGAL_DATA_ADDRESS/);
    expect(await link.read(1, "input", 7, 2, 1000)).toEqual([475, 65504]);
    expect(() => device.set("wind_speed_m_per_s", 3)).toThrow('has no point or field "wind_speed_m_per_s"');
  });
});

describe("value generators", () => {
  const june21 = Date.UTC(2026, 5, 21);

  it("grid meter: imports at night, exports around noon, counters only grow", () => {
    const meter = gridMeterGenerator(10, 1);
    const night = meter.at(june21 + 2 * H, {});
    const noon = meter.at(june21 + 12.5 * H, {});
    const later = meter.at(june21 + 13.5 * H, {});
    expect(night.power_w).toBeGreaterThan(0);
    expect(noon.power_w).toBeLessThan(0);
    expect(Number(later.energy_export_wh)).toBeGreaterThan(Number(noon.energy_export_wh));
    expect(Number(later.energy_import_wh)).toBeGreaterThanOrEqual(Number(noon.energy_import_wh));
    expect(Number(noon.energy_import_wh)).toBeGreaterThan(Number(night.energy_import_wh));
  });

  it("heat meter: power is flow x 1.163 Wh/(L·K) x ΔT, and energy grows through a sunny morning", () => {
    const meter = heatMeterGenerator();
    const morning = meter.at(june21 + 9 * H, {});
    const noon = meter.at(june21 + 12 * H, {});
    const flow = Number(noon.flow_l_per_h);
    expect(flow).toBeGreaterThan(0);
    const expected = flow * 1.163 * Number(noon.temperature_difference_k);
    expect(Number(noon.power_w)).toBeGreaterThan(expected * 0.97);
    expect(Number(noon.power_w)).toBeLessThan(expected * 1.03);
    expect(Number(noon.energy_wh)).toBeGreaterThan(Number(morning.energy_wh) + 5000);
  });

  it("weather: no sun at night, a clear-sky noon in June well above 700 W/m² on the tilted plane", () => {
    const sensor = weatherGenerator(1);
    expect(sensor.at(june21 + 1 * H, {}).irradiance_w_per_m2).toBe(0);
    const noon = sensor.at(june21 + 12.5 * H, {});
    expect(noon.irradiance_w_per_m2).toBeGreaterThan(700);
    expect(Number(noon.module_temperature_c)).toBeGreaterThan(Number(noon.ambient_temperature_c));
  });
});
