/**
 * The simulated devices of @jisr/simulators, read through the shipped profiles: everything they publish
 * maps without a bad payload, to the measurements and fields the dashboards expect. Keeps the simulators
 * (used by the demo) and the profiles (used in the field) in step.
 */
import { createSimClock, type SimulatedMqttDevice, startSimulatedMqttDevice } from "@jisr/simulators";
import { afterEach, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { type Collecting, rows, startCollecting, uniquePrefix } from "./testing/harness.js";

let source: Collecting | undefined;
const devices: SimulatedMqttDevice[] = [];
afterEach(async () => {
  for (const d of devices.splice(0)) await d.stop();
  await source?.handle.stop();
});

it("reads every simulated device without a bad payload", async () => {
  const p = uniquePrefix();
  const config = [
    {
      id: "micro-1",
      profile: "shelly-gen2",
      topic: `${p}/shellyplus1pm-1`,
      role: "pv_inverter",
      kind: "shelly-plus1pm",
      measures: "pv",
    },
    { id: "grid", profile: "shelly-gen2", topic: `${p}/shellypro3em-1`, kind: "shelly-pro3em", kwp: 6 },
    {
      id: "boiler",
      profile: "tasmota",
      topic: `${p}_boiler`,
      time_zone: "Africa/Casablanca",
      kind: "tasmota",
    },
    { id: "hm-1", profile: "opendtu", topic: `${p}/solar/116180400123`, kind: "opendtu" },
  ] as const;
  source = await startCollecting({
    url: mqttUrl(),
    devices: config.map(({ id, profile, topic, ...rest }) => ({
      id,
      profile,
      topic,
      ...("role" in rest && { role: rest.role }),
      ...("time_zone" in rest && { time_zone: rest.time_zone }),
    })),
  });
  await source.subscribed();
  const clock = createSimClock(); // real time: the gateway checks payload times against its own clock
  for (const d of config) {
    devices.push(
      await startSimulatedMqttDevice({
        url: mqttUrl(),
        kind: d.kind,
        topic: d.topic,
        clock,
        intervalMs: 3_600_000,
        ...("measures" in d && { measures: d.measures }),
        ...("kwp" in d && { kwp: d.kwp }),
      }),
    );
  }
  const published = devices.reduce((n, d) => n + d.published, 0);
  const s = source;
  await vi.waitFor(
    () => expect(s.handle.status().devices.reduce((n, d) => n + d.messages, 0)).toBe(published),
    { timeout: 10_000, interval: 20 },
  );
  expect(s.handle.status().devices.map((d) => [d.id, d.bad_payloads, d.clock_skew])).toEqual([
    ["micro-1", 0, 0],
    ["grid", 0, 0],
    ["boiler", 0, 0],
    ["hm-1", 0, 0],
  ]);
  const byDevice = (id: string) => rows(s.points).filter((r) => r.tags.device === id);
  expect(Object.keys(byDevice("micro-1")[0]?.fields ?? {}).sort()).toEqual([
    "ac_current_a",
    "ac_voltage_v",
    "energy_wh",
    "frequency_hz",
    "meter_temperature_c",
    "power_factor_pct",
    "power_w",
    "relay_on",
  ]);
  expect(byDevice("grid").flatMap((r) => Object.keys(r.fields))).toEqual(
    expect.arrayContaining(["power_w", "voltage_v", "energy_import_wh", "energy_export_wh", "power_l1_w"]),
  );
  expect(byDevice("boiler")[0]?.fields).toHaveProperty("energy_import_wh");
  // Day or night, an OpenDTU inverter says whether it is reachable.
  expect(byDevice("hm-1").find((r) => r.measurement === "pv_inverter")?.fields).toHaveProperty("reachable");
});
