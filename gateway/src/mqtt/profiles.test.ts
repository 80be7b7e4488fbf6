/**
 * Every shipped MQTT profile, end to end on a real Mosquitto: a payload as the device publishes it (from
 * the vendor's documentation) goes in, and the exact readings come out.
 */
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { builtInMqttProfileNames, loadMqttProfile } from "../profiles/load.js";
import {
  type Collecting,
  publishAll,
  publisher,
  rows,
  startCollecting,
  uniquePrefix,
} from "./testing/harness.js";
import {
  OPENDTU_DOCS_INVERTER,
  SHELLY_EM_STATUS,
  SHELLY_EMDATA_STATUS,
  TASMOTA_POW_R2_SENSOR,
} from "./testing/vendor-payloads.js";

/** 29 Nov 2026 11:00 UTC = 12:00 in Ben Guerir (Africa/Casablanca, UTC+1 outside Ramadan). */
const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
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

describe("shipped MQTT profiles", () => {
  it("all parse and pass the profile checks", () => {
    const names = builtInMqttProfileNames();
    expect(names).toEqual(["opendtu", "shelly-gen2", "tasmota"]);
    for (const name of names) expect(loadMqttProfile(name).spec.protocol).toBe("mqtt");
  });

  it("shelly-gen2: a Plus 1PM's switch:0 status, metering a micro-inverter, is one pv_inverter reading", async () => {
    const topic = `${uniquePrefix()}/shellyplus1pm-a8032ab1c2d4`;
    const status = {
      id: 0,
      source: "init",
      output: true,
      apower: 412.3,
      voltage: 231.8,
      freq: 50.02,
      current: 1.794,
      pf: 0.99,
      aenergy: { total: 152340.125, by_minute: [6843.2, 6871.4, 6855.0], minute_ts: 1795950000 },
      ret_aenergy: { total: 12.5, by_minute: [0, 0, 0], minute_ts: 1795950000 },
      temperature: { tC: 41.3, tF: 106.3 },
    };
    const s = await run(
      [{ id: "micro-inv-1", profile: "shelly-gen2", topic, role: "pv_inverter" }],
      [[`${topic}/status/switch:0`, status]],
      () => T0,
    );
    expect(s.points).toEqual([
      {
        measurement: "pv_inverter",
        tags: { institution, device: "micro-inv-1" },
        fields: {
          power_w: 412.3,
          ac_voltage_v: 231.8,
          ac_current_a: 1.794,
          frequency_hz: 50.02,
          power_factor_pct: 99,
          energy_wh: 152340.125,
          meter_temperature_c: 41.3,
          relay_on: true,
        },
        time: T0,
      },
    ]);
  });

  it("shelly-gen2: a Pro 3EM's em:0 and emdata:0 are grid_meter readings (voltage_v the phase mean)", async () => {
    const topic = `${uniquePrefix()}/shellypro3em-c8f09e8a1b2c`;
    let now = T0;
    const s = await run(
      [{ id: "grid", profile: "shelly-gen2", topic }],
      [
        [`${topic}/status/em:0`, SHELLY_EM_STATUS],
        [`${topic}/status/emdata:0`, SHELLY_EMDATA_STATUS],
      ],
      () => now++,
    );
    const tags = { institution, device: "grid" };
    expect(s.points).toEqual([
      {
        measurement: "grid_meter",
        tags,
        fields: {
          power_w: 2484.782,
          apparent_power_va: 2486.7,
          current_a: 11.083,
          voltage_v: 236.234333333333,
          frequency_hz: 50,
          power_l1_w: 951.2,
          power_l2_w: -951.1,
          // No power_l3_w: the documentation's example names it "c_active_power", not "c_act_power".
          voltage_l1_v: 236.1,
          voltage_l2_v: 236.201,
          voltage_l3_v: 236.402,
          current_l1_a: 4.029,
          current_l2_a: 4.027,
          current_l3_a: 3.03,
          current_n_a: 11.029,
        },
        time: T0,
      },
      {
        measurement: "grid_meter",
        tags,
        fields: { energy_import_wh: 0, energy_export_wh: 0 },
        time: T0 + 1,
      },
    ]);
  });

  it("tasmota: tele/<topic>/SENSOR is stamped with the device's local time, read in its time zone", async () => {
    const prefix = uniquePrefix();
    // The Sonoff Pow R2 page's message. Its "Time" is local: 15 Feb 2018 17:37:10 in Casablanca, when
    // Morocco kept UTC+0 in winter (permanent UTC+1 came in October 2018), is 17:37:10 UTC.
    const local = Date.UTC(2018, 1, 15, 17, 37, 10);
    const s = await run(
      [
        { id: "boiler-plug", profile: "tasmota", topic: `${prefix}_plug`, time_zone: "Africa/Casablanca" },
        { id: "pump-plug", profile: "tasmota", topic: `${prefix}_pump` },
      ],
      [
        [`tele/${prefix}_plug/SENSOR`, TASMOTA_POW_R2_SENSOR],
        [`tele/${prefix}_pump/SENSOR`, TASMOTA_POW_R2_SENSOR],
      ],
      () => local + 2500,
    );
    const fields = {
      power_w: 2635,
      apparent_power_va: 2650,
      reactive_power_var: 282,
      power_factor_pct: 99,
      voltage_v: 227,
      current_a: 11.661,
      energy_import_wh: 6294,
      energy_today_wh: 954,
    };
    expect(s.points).toEqual([
      // The payload's time, read in the device's time zone, not the receive time.
      { measurement: "grid_meter", tags: { institution, device: "boiler-plug" }, fields, time: local },
      // No time zone configured: the local time cannot be trusted, the receive time is used.
      { measurement: "grid_meter", tags: { institution, device: "pump-plug" }, fields, time: local + 2500 },
    ]);
  });

  it("opendtu: one value per topic; one poll makes one pv_inverter row and one pv_string row per input", async () => {
    const base = `${uniquePrefix()}/solar`;
    const inv = `${base}/116171600123`; // the documentation's inverter, 1161716xxxxx, its masked digits filled
    let now = T0 + 200;
    const s = await run(
      [{ id: "hm-1500", profile: "opendtu", topic: inv }],
      OPENDTU_DOCS_INVERTER.map(([sub, payload]) => [`${inv}/${sub}`, payload]),
      () => (now += 10),
    );
    expect(s.points).toHaveLength(OPENDTU_DOCS_INVERTER.length);
    // At night, as in the documentation's example: not reachable, every measured value 0, the counters
    // (kWh as published, Wh as stored) kept.
    expect(rows(s.points)).toEqual([
      {
        measurement: "pv_inverter",
        tags: { institution, device: "hm-1500" },
        fields: {
          power_w: 0,
          ac_voltage_v: 0,
          ac_current_a: 0,
          frequency_hz: 0,
          power_factor_pct: 0,
          reactive_power_var: 0,
          dc_power_w: 0,
          energy_today_wh: 0,
          energy_wh: 2515606,
          heatsink_temperature_c: 0,
          efficiency_pct: 0,
          reachable: false,
          producing: false,
        },
        time: T0,
      },
      {
        measurement: "pv_string",
        tags: { institution, device: "hm-1500", string: "1" },
        fields: {
          dc_power_w: 0,
          dc_voltage_v: 0,
          dc_current_a: 0,
          energy_today_wh: 0,
          energy_wh: 834261,
          irradiation_pct: 0,
        },
        time: T0,
      },
      {
        measurement: "pv_string",
        tags: { institution, device: "hm-1500", string: "2" },
        fields: { energy_wh: 832707 },
        time: T0,
      },
      {
        measurement: "pv_string",
        tags: { institution, device: "hm-1500", string: "3" },
        fields: { energy_wh: 843730 },
        time: T0,
      },
      {
        measurement: "pv_string",
        tags: { institution, device: "hm-1500", string: "4" },
        fields: { energy_wh: 4908 },
        time: T0,
      },
    ]);
  });
});
