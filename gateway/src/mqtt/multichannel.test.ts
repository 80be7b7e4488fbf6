/**
 * Issue 13: the MQTT devices people have, end to end on a real Mosquitto, through the shipped profiles.
 * The payloads are the vendors' published examples, verbatim (testing/vendor-payloads.ts cites each page);
 * where a vendor publishes none for a case, a device's own message, cited as such.
 */
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { type Collecting, publishAll, publisher, startCollecting, uniquePrefix } from "./testing/harness.js";
import {
  SHELLY_EM1_STATUS,
  SHELLY_EM1DATA_STATUS,
  SHELLY_NOTIFY_STATUS_CLOUD,
  SHELLY_NOTIFY_STATUS_SWITCH,
  SHELLY_PRO_4PM_SWITCHES,
  SHELLY_PRO_EM_50_EM1_1,
  TASMOTA_RULES_ENERGY_ARRAY,
  TASMOTA_SHELLY25_STATUS_SNS,
} from "./testing/vendor-payloads.js";

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
  it("gives one grid_meter series per channel: em1:0 under the device's id, em1:1 under <id>-1", async () => {
    const topic = `${uniquePrefix()}/shellyproem50-08f9e0e5a1b2`;
    const s = await run(
      [{ id: "grid", profile: "shelly-gen2", topic }],
      [
        [`${topic}/status/em1:0`, SHELLY_EM1_STATUS],
        [`${topic}/status/em1:1`, SHELLY_PRO_EM_50_EM1_1],
        [`${topic}/status/em1data:0`, SHELLY_EM1DATA_STATUS],
      ],
      () => T0,
    );
    expect(sorted(s.points)).toEqual([
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid" },
        fields: {
          power_w: 1327.6,
          apparent_power_va: 1557.6,
          voltage_v: 240.2,
          current_a: 6.473,
          frequency_hz: 50,
          power_factor_pct: 87,
        },
        time: T0,
      },
      {
        measurement: "grid_meter",
        tags: { institution, device: "grid" },
        fields: { energy_import_wh: 2776175.11, energy_export_wh: 571584.87 },
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
    ]);
  });

  it("reads NotifyStatus on events/rpc with its own time; components the profile does not read are counted", async () => {
    const topic = `${uniquePrefix()}/shellypro4pm-f008d1d8b8b8`;
    // The examples' own times (2021): the receive clock is set a second after the first, so that the
    // payload's ts is believed; the second example, from June 2021, only adds an ignored component.
    const ts = 1631186545.04 * 1000;
    const s = await run(
      [{ id: "heaters", profile: "shelly-gen2", topic }],
      [
        [`${topic}/events/rpc`, SHELLY_NOTIFY_STATUS_SWITCH],
        [`${topic}/events/rpc`, SHELLY_NOTIFY_STATUS_CLOUD],
      ],
      () => ts + 1000,
    );
    expect(s.points).toEqual([
      {
        measurement: "grid_meter",
        tags: { institution, device: "heaters" },
        fields: { relay_on: true },
        time: ts,
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
  it("gives each switch of a Pro 4PM its own series", async () => {
    const topic = `${uniquePrefix()}/shellypro4pm-f008d1d8b8b8`;
    const s = await run(
      [{ id: "heaters", profile: "shelly-gen2", topic }],
      SHELLY_PRO_4PM_SWITCHES.map((payload, ch) => [`${topic}/status/switch:${ch}`, payload]),
      () => T0,
    );
    const fields = (power_w: number, energy_import_wh: number, relay_on: boolean) => ({
      power_w,
      voltage_v: 237.5,
      energy_import_wh,
      meter_temperature_c: 23.5,
      relay_on,
    });
    expect(sorted(s.points).map((p) => [p.tags.device, p.fields])).toEqual([
      ["heaters", fields(8.9, 6.532, true)],
      ["heaters-1", fields(0, 0, false)],
      ["heaters-2", fields(0, 0.068, false)],
      ["heaters-3", fields(0, 0, false)],
    ]);
  });
});

describe("multi-channel Tasmota (ENERGY values as arrays)", () => {
  it("gives one series per channel plus the totals: the documentation's array fragment", async () => {
    const topic = `${uniquePrefix()}_dual`;
    const s = await run(
      [{ id: "pumps", profile: "tasmota", topic }],
      [[`tele/${topic}/SENSOR`, TASMOTA_RULES_ENERGY_ARRAY]],
      () => T0,
    );
    expect(sorted(s.points).map((p) => [p.tags.device, p.fields, p.time])).toEqual([
      ["pumps", { current_a: 3.42 }, T0],
      ["pumps-1", { current_a: 1.32 }, T0],
      ["pumps-2", { current_a: 2.1 }, T0],
    ]);
  });

  it("keeps a scalar Total and Voltage beside the arrays: a Shelly 2.5 under Tasmota", async () => {
    const topic = `${uniquePrefix()}_shelly25`;
    // The message's local time, 18:57:39 on 9 Jan 2023 in Casablanca (UTC+1), is 17:57:39 UTC.
    const time = Date.UTC(2023, 0, 9, 17, 57, 39);
    const s = await run(
      [{ id: "pumps", profile: "tasmota", topic, time_zone: "Africa/Casablanca" }],
      [[`tele/${topic}/SENSOR`, TASMOTA_SHELLY25_STATUS_SNS]],
      () => time + 2000,
    );
    expect(sorted(s.points).map((p) => [p.tags.device, p.fields, p.time])).toEqual([
      [
        "pumps",
        {
          power_w: 8.15,
          apparent_power_va: 5,
          reactive_power_var: 4,
          voltage_v: 237,
          current_a: 0,
          energy_import_wh: 77,
          energy_today_wh: 77,
        },
        time,
      ],
      [
        "pumps-1",
        { power_w: 8.15, apparent_power_va: 5, reactive_power_var: 4, power_factor_pct: 0, current_a: 0 },
        time,
      ],
      [
        "pumps-2",
        { power_w: 0, apparent_power_va: 0, reactive_power_var: 0, power_factor_pct: 0, current_a: 0 },
        time,
      ],
    ]);
  });
});
