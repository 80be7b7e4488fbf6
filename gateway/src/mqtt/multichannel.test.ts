/**
 * Issue 13: the MQTT devices people have, end to end on a real Mosquitto, through the shipped profiles.
 * Every payload names the page it is taken from. Where the vendor's page documents the fields but its
 * example values could not be copied here, the values come from a device dump that is cited too.
 */
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { type Collecting, publishAll, publisher, startCollecting, uniquePrefix } from "./testing/harness.js";

/** 5 Dec 2026 12:00 UTC. */
const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const institution = "ehpad-ben-guerir";

let source: Collecting | undefined;
let pub: MqttClient | undefined;
afterEach(async () => {
  await source?.handle.stop();
  await pub?.endAsync();
  source = undefined;
  pub = undefined;
});

async function run(devices: object[], messages: Array<[string, string | object]>, clock: () => number) {
  source = await startCollecting({ url: mqttUrl(), devices }, { clock });
  await source.subscribed();
  pub = await publisher(mqttUrl());
  await publishAll(pub, messages);
  const s = source;
  const received = () => {
    const status = s.handle.status();
    return status.devices.reduce((n, d) => n + d.messages, status.unmatched_messages);
  };
  await vi.waitFor(() => expect(received()).toBe(messages.length), { timeout: 5000, interval: 20 });
  return s;
}

const sorted = (points: Collecting["points"]) => {
  const key = (p: Collecting["points"][number]) => `${p.tags.device}\u0000${p.time}`;
  return [...points].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
};

describe("Shelly Pro EM (em1:N, em1data:N) and NotifyStatus", () => {
  // https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EM1 (status: id, current A, voltage V,
  // act_power W, aprt_power VA, pf, freq Hz, calibration). Values: a Pro EM-50's Shelly.GetStatus as
  // posted in github.com/Jan200101/ShellyPy/issues/20.
  const em1 = [
    {
      id: 0,
      current: 0.08,
      voltage: 234.9,
      act_power: 0,
      aprt_power: 18.7,
      pf: 0,
      freq: 50,
      calibration: "factory",
    },
    {
      id: 1,
      current: 2.598,
      voltage: 234.9,
      act_power: 501.8,
      aprt_power: 612.4,
      pf: 0.84,
      freq: 50,
      calibration: "factory",
    },
  ];
  // https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EM1Data (status: id,
  // total_act_energy Wh, total_act_ret_energy Wh).
  const em1data = [
    { id: 0, total_act_energy: 21456.37, total_act_ret_energy: 0 },
    { id: 1, total_act_energy: 983451.22, total_act_ret_energy: 1203.5 },
  ];

  it("gives one grid_meter series per channel: em1:0 under the device's id, em1:1 under <id>-1", async () => {
    const topic = `${uniquePrefix()}/shellyproem50-08f9e0e5a1b2`;
    const s = await run(
      [{ id: "grid", profile: "shelly-gen2", topic }],
      [
        [`${topic}/status/em1:0`, em1[0] as object],
        [`${topic}/status/em1:1`, em1[1] as object],
        [`${topic}/status/em1data:0`, em1data[0] as object],
        [`${topic}/status/em1data:1`, em1data[1] as object],
      ],
      () => T0,
    );
    expect(sorted(s.points)).toEqual([
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid" },
        fields: {
          power_w: 0,
          apparent_power_va: 18.7,
          voltage_v: 234.9,
          current_a: 0.08,
          frequency_hz: 50,
          power_factor_pct: 0,
        },
        time: T0,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid" },
        fields: { energy_import_wh: 21456.37, energy_export_wh: 0 },
        time: T0,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid-1" },
        fields: {
          power_w: 501.8,
          apparent_power_va: 612.4,
          voltage_v: 234.9,
          current_a: 2.598,
          frequency_hz: 50,
          power_factor_pct: 84,
        },
        time: T0,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid-1" },
        fields: { energy_import_wh: 983451.22, energy_export_wh: 1203.5 },
        time: T0,
      },
    ]);
  });

  it("reads NotifyStatus on events/rpc with its own time; other components and methods are counted, not read", async () => {
    const topic = `${uniquePrefix()}/shellyproem50-08f9e0e5a1b2`;
    const ts = (T0 - 3000) / 1000;
    // https://shelly-api-docs.shelly.cloud/gen2/General/Notifications: method "NotifyStatus", params.ts
    // (Unix time, UTC) and params.<component> with the changed part of its status; NotifyEvent carries
    // events (params.events), no status.
    const notify = {
      src: "shellyproem50-08f9e0e5a1b2",
      dst: "shellyproem50-08f9e0e5a1b2/events",
      method: "NotifyStatus",
      params: { ts, "em1:1": { id: 1, act_power: 480.2, current: 2.49 }, sys: { uptime: 86_400 } },
    };
    const event = {
      src: "shellyproem50-08f9e0e5a1b2",
      dst: "shellyproem50-08f9e0e5a1b2/events",
      method: "NotifyEvent",
      params: { ts, events: [{ component: "switch:0", id: 0, event: "toggle", ts }] },
    };
    const s = await run(
      [{ id: "grid", profile: "shelly-gen2", topic }],
      [
        [`${topic}/events/rpc`, notify],
        [`${topic}/events/rpc`, event],
      ],
      () => T0,
    );
    expect(s.points).toEqual([
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid-1" },
        fields: { power_w: 480.2, current_a: 2.49 },
        time: T0 - 3000,
      },
    ]);
    const status = s.handle.status().devices[0];
    expect(status).toMatchObject({ messages: 2, points: 1, bad_payloads: 0, ignored_components: 1 });
  });

  it("counts and names the topic of a payload that does not match: a wrong type, and none of the values", async () => {
    const topic = `${uniquePrefix()}/shellyproem50-08f9e0e5a1b2`;
    const s = await run(
      [{ id: "grid", profile: "shelly-gen2", topic }],
      [
        [`${topic}/status/em1:0`, { id: 0, act_power: "n/a" }],
        [`${topic}/status/em1:1`, { id: 1, calibration: "factory" }],
      ],
      () => T0,
    );
    expect(s.points).toEqual([]);
    const status = s.handle.status().devices[0];
    expect(status).toMatchObject({ messages: 2, points: 0, bad_payloads: 1, empty_payloads: 1 });
    expect(status?.last_bad_payload).toMatchObject({
      topic: `${topic}/status/em1:1`,
      message: "none of the values the profile reads",
    });
  });
});

describe("multi-switch Shelly (switch:0..n)", () => {
  it("gives each switch of a Pro 2PM its own series", async () => {
    const topic = `${uniquePrefix()}/shellypro2pm-ec62608a1b2c`;
    // https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch#status (id, output, apower W,
    // voltage V, current A, freq Hz, pf, aenergy.total Wh, temperature.tC).
    const sw = (id: number, apower: number, total: number) => ({
      id,
      source: "init",
      output: true,
      apower,
      voltage: 230.4,
      freq: 50,
      current: Math.round((apower / 230.4) * 1000) / 1000,
      pf: 0.98,
      aenergy: { total, by_minute: [0, 0, 0], minute_ts: T0 / 1000 },
      temperature: { tC: 44.1, tF: 111.4 },
    });
    const s = await run(
      [{ id: "heaters", profile: "shelly-gen2", topic }],
      [
        [`${topic}/status/switch:0`, sw(0, 1210.5, 4520.1)],
        [`${topic}/status/switch:1`, sw(1, 805, 3100.25)],
      ],
      () => T0,
    );
    expect(sorted(s.points).map((p) => [p.tags.device, p.fields.power_w, p.fields.energy_import_wh])).toEqual(
      [
        ["heaters", 1210.5, 4520.1],
        ["heaters-1", 805, 3100.25],
      ],
    );
  });
});

describe("multi-channel Tasmota (ENERGY values as arrays)", () => {
  it("gives one series per channel plus the totals, and keeps a scalar Total", async () => {
    const topic = `${uniquePrefix()}_dual`;
    // https://tasmota.github.io/docs/MQTT/ (tele/%topic%/SENSOR) and
    // https://tasmota.github.io/docs/Power-Monitoring-Calibration/ (ENERGY: Total, Yesterday, Today kWh;
    // Power W; ApparentPower VA; ReactivePower var; Factor; Voltage V; Current A). A two-channel device
    // (Shelly 2.5 under Tasmota) sends one element per channel; Total here stays one number.
    const sensor = {
      Time: "2026-12-05T13:00:00",
      ENERGY: {
        TotalStartTime: "2025-06-01T10:00:00",
        Total: 812.345,
        Yesterday: [1.2, 0.8],
        Today: [0.5, 0.25],
        Period: [0, 0],
        Power: [120, 35],
        ApparentPower: [130, 40],
        ReactivePower: [50, 19],
        Factor: [0.92, 0.88],
        Voltage: [231, 229],
        Current: [0.563, 0.175],
      },
    };
    const s = await run(
      [{ id: "pumps", profile: "tasmota", topic, time_zone: "Africa/Casablanca" }],
      [[`tele/${topic}/SENSOR`, sensor]],
      () => T0,
    );
    const time = T0; // 13:00 in Casablanca (UTC+1) is 12:00 UTC
    expect(sorted(s.points)).toEqual([
      {
        measurement: "grid_meter",
        tags: { institution, device: "pumps" },
        fields: {
          power_w: 155,
          apparent_power_va: 170,
          reactive_power_var: 69,
          voltage_v: 230,
          current_a: 0.738,
          energy_import_wh: 812345,
          energy_today_wh: 750,
        },
        time,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "pumps-1" },
        fields: {
          power_w: 120,
          apparent_power_va: 130,
          reactive_power_var: 50,
          power_factor_pct: 92,
          voltage_v: 231,
          current_a: 0.563,
          energy_today_wh: 500,
        },
        time,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "pumps-2" },
        fields: {
          power_w: 35,
          apparent_power_va: 40,
          reactive_power_var: 19,
          power_factor_pct: 88,
          voltage_v: 229,
          current_a: 0.175,
          energy_today_wh: 250,
        },
        time,
      },
    ]);
  });
});
