import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { createSimClock } from "../clock.js";
import { type SimulatedMqttDevice, startSimulatedMqttDevice } from "./device.js";
import { EnergyCounter } from "./model.js";

const NOON = new Date("2026-06-21T12:30:00Z");
const MIDNIGHT = new Date("2026-06-21T23:30:00Z");

let device: SimulatedMqttDevice | undefined;
let sub: MqttClient | undefined;
afterEach(async () => {
  await device?.stop();
  await sub?.endAsync();
});

/** Starts a device and returns what one round published, by topic. */
async function oneRound(
  kind: "shelly-plus1pm" | "shelly-pro3em" | "tasmota" | "opendtu",
  start: Date,
  extra = {},
) {
  const topic = `sim-${randomBytes(4).toString("hex")}/dev`;
  sub = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 4 });
  const got = new Map<string, string>();
  sub.on("message", (t, p) => got.set(t, p.toString()));
  await sub.subscribeAsync([`${topic}/#`, `tele/${topic}/#`], { qos: 1 });
  device = await startSimulatedMqttDevice({
    url: mqttUrl(),
    kind,
    topic,
    clock: createSimClock({ start, speed: 1 }),
    intervalMs: 3_600_000,
    ...extra,
  });
  const published = device.published;
  for (let i = 0; i < 100 && got.size < published; i++) await new Promise((r) => setTimeout(r, 20));
  return { topic, got };
}

describe("simulated MQTT devices", () => {
  it("an OpenDTU inverter publishes AC and per-input values at noon, and only its status at night", async () => {
    const day = await oneRound("opendtu", NOON);
    expect([...day.got.keys()].map((t) => t.slice(day.topic.length + 1)).sort()).toEqual(
      [
        "0/current",
        "0/efficiency",
        "0/frequency",
        "0/power",
        "0/powerdc",
        "0/powerfactor",
        "0/temperature",
        "0/voltage",
        "0/yieldday",
        "0/yieldtotal",
        "1/current",
        "1/power",
        "1/voltage",
        "1/yieldtotal",
        "2/current",
        "2/power",
        "2/voltage",
        "2/yieldtotal",
        "status/producing",
        "status/reachable",
      ].sort(),
    );
    const power = Number(day.got.get(`${day.topic}/0/power`));
    expect(power).toBeGreaterThan(300); // 0.8 kWp at a June noon in Ben Guerir
    expect(power).toBeLessThan(800);
    await device?.stop();
    device = undefined;
    await sub?.endAsync();
    const night = await oneRound("opendtu", MIDNIGHT);
    expect(Object.fromEntries([...night.got].map(([t, v]) => [t.slice(night.topic.length + 1), v]))).toEqual({
      "status/producing": "0",
      "status/reachable": "0",
    });
  });

  it("a Pro 3EM publishes em:0 and emdata:0 whose totals add up", async () => {
    const { topic, got } = await oneRound("shelly-pro3em", NOON, { kwp: 6 });
    const em = JSON.parse(got.get(`${topic}/status/em:0`) ?? "{}");
    const emdata = JSON.parse(got.get(`${topic}/status/emdata:0`) ?? "{}");
    expect(em.total_act_power).toBeCloseTo(em.a_act_power + em.b_act_power + em.c_act_power, 0);
    expect(emdata.total_act).toBeCloseTo(
      emdata.a_total_act_energy + emdata.b_total_act_energy + emdata.c_total_act_energy,
      1,
    );
    expect(em.a_voltage).toBeGreaterThan(220);
    expect(em.a_voltage).toBeLessThan(240);
  });

  it("a Tasmota plug writes its local time without a zone, energies in kWh", async () => {
    const { topic, got } = await oneRound("tasmota", NOON);
    const body = JSON.parse(got.get(`tele/${topic}/SENSOR`) ?? "{}");
    expect(body.Time).toBe("2026-06-21T13:30:00"); // Ben Guerir is UTC+1
    expect(body.ENERGY.Total).toBe(1234.567);
    expect(Number.isInteger(body.ENERGY.Power)).toBe(true);
  });

  it("an energy counter integrates power over time", () => {
    const c = new EnergyCounter(1000);
    c.add(0, 1000);
    c.add(1_800_000, 1000); // half an hour at 1 kW
    expect(c.add(3_600_000, 0)).toBe(1000 + 500 + 250);
  });
});
