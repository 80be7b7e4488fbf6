import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@jisr/core";
import type { MqttClient } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { freePort } from "../../../test/servers/free-port.js";
import { mqttSchema } from "../config/mqtt-schema.js";
import { startMqttDevices } from "./source.js";
import { type Collecting, publishAll, publisher, startCollecting, uniquePrefix } from "./testing/harness.js";
import { startRestartableMosquitto } from "./testing/mosquitto.js";

const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
const energy = (power: unknown) => ({ Time: "2026-11-29T12:00:00", ENERGY: { Power: power, Total: 12.5 } });

let source: Collecting | undefined;
let pub: MqttClient | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await source?.handle.stop();
  await pub?.endAsync(true);
  for (const c of cleanups.splice(0)) await c();
  source = undefined;
  pub = undefined;
});

const until = (check: () => void, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 20 });

describe("MQTT devices source", () => {
  it("counts bad payloads per device, logs them with the topic (rate-limited), and goes on", async () => {
    const topic = `${uniquePrefix()}_plug`;
    const t = `tele/${topic}/SENSOR`;
    let now = T0;
    source = await startCollecting(
      { url: mqttUrl(), devices: [{ id: "plug", profile: "tasmota", topic }] },
      { clock: () => now, warnIntervalMs: 60_000 },
    );
    await source.subscribed();
    pub = await publisher(mqttUrl());
    await publishAll(pub, [
      [t, "Power=12W"], // not JSON
      [t, { Time: "2026-11-29T12:00:00", ENERGY: 17 }], // wrong shape
      [t, energy("815 W")], // a value of the wrong type
      [t, energy(815)], // good again
    ]);
    const s = source;
    await until(() => expect(s.handle.status().devices[0]?.messages).toBe(4));
    expect(s.points.map((p) => p.fields)).toEqual([{ power_w: 815, energy_import_wh: 12500 }]);
    expect(s.handle.status().devices[0]).toMatchObject({
      bad_payloads: 3,
      points: 1,
      last_bad_payload: {
        topic: t,
        message: '"ENERGY.Power" is a string ("815 W"), expected a number',
        at: T0,
      },
    });
    const warnings = () => s.lines.filter((l) => l.level === 40 && l.msg.startsWith("Bad payload"));
    expect(warnings()).toEqual([
      expect.objectContaining({
        device: "plug",
        topic: t,
        bad_payloads: 1,
        msg: `Bad payload from device "plug" on ${t}: not JSON: "Power=12W"; ignored`,
      }),
    ]);

    now += 60_000; // a minute later the next bad payload is logged again, with the count left out
    await publishAll(pub, [[t, [1, 2, 3]]]);
    await until(() => expect(warnings()).toHaveLength(2));
    expect(warnings()[1]).toMatchObject({
      suppressed_since_last: 2,
      msg: `Bad payload from device "plug" on ${t}: the payload is an array, expected an object with "ENERGY"; ignored`,
    });
  });

  it("reports each device into the one health model: online when it publishes, offline when silent", async () => {
    const topic = `${uniquePrefix()}_plug`;
    const t = `tele/${topic}/SENSOR`;
    let now = T0;
    source = await startCollecting(
      { url: mqttUrl(), devices: [{ id: "plug", profile: "tasmota", topic }] },
      { clock: () => now },
    );
    await source.subscribed();
    const s = source;
    expect(s.handle.devices(now)).toEqual([
      {
        id: "plug",
        state: "starting",
        reason: `no message yet on ${topic}`,
        since: T0,
        polls: 0,
        failed_polls: 0,
      },
    ]);
    pub = await publisher(mqttUrl());
    await publishAll(pub, [
      [t, "Power=12W"],
      [t, energy(815)],
    ]);
    await until(() => expect(s.points).toHaveLength(1));
    expect(s.handle.devices(now)[0]).toMatchObject({
      state: "online",
      polls: 2,
      failed_polls: 1,
      last_error: 'not JSON: "Power=12W"',
      last_success_at: T0,
      last_values: [
        { measurement: "grid_meter", tags: {}, fields: { power_w: 815, energy_import_wh: 12500 } },
      ],
    });
    expect(s.handle.devices(now)[0]?.reason).toBeUndefined();

    now += 11 * 60_000; // silent for longer than MQTT_SILENT_AFTER_MS
    expect(s.handle.devices(now)[0]).toMatchObject({
      state: "offline",
      reason: `no message on ${topic} for 11 min`,
      since: now,
    });
    const changes = () => s.lines.filter((l) => /^Device (offline|back online|online)/.test(l.msg));
    expect(changes().map((l) => [l.level, l.device, l.msg])).toEqual([
      [30, "plug", "Device online"],
      [40, "plug", `Device offline: no message on ${topic} for 11 min`],
    ]);
    await publishAll(pub, [[t, energy(900)]]);
    await until(() => expect(s.handle.devices(now)[0]?.state).toBe("online"));
    expect(changes().at(-1)).toMatchObject({ msg: "Device back online", offline_ms: 0 });
  });

  it("leaves out retained messages (old values of unknown age) and counts unmatched topics", async () => {
    const inv = `${uniquePrefix()}/solar/116180400123`;
    pub = await publisher(mqttUrl());
    await pub.publishAsync(`${inv}/0/power`, "99.9", { qos: 1, retain: true });
    source = await startCollecting({
      url: mqttUrl(),
      devices: [{ id: "inv", profile: "opendtu", topic: inv }],
    });
    await source.subscribed();
    await publishAll(pub, [
      [`${inv}/0/power`, "412.5"],
      [`${inv}/device/power`, "1"], // on the +/power subscription, matched by no pattern
    ]);
    const s = source;
    await until(() => expect(s.handle.status().unmatched_messages).toBe(1));
    await until(() => expect(s.points).toHaveLength(1));
    expect(s.points[0]?.fields).toEqual({ power_w: 412.5 });
    expect(s.handle.status().devices[0]).toMatchObject({ retained_skipped: 1, messages: 1 });
    // 0/power is covered by +/power: subscribing to both would deliver it twice.
    expect(s.handle.status().subscriptions.sort()).toEqual([
      `${inv}/+/current`,
      `${inv}/+/irradiation`,
      `${inv}/+/power`,
      `${inv}/+/voltage`,
      `${inv}/+/yieldday`,
      `${inv}/+/yieldtotal`,
      `${inv}/0/efficiency`,
      `${inv}/0/frequency`,
      `${inv}/0/powerdc`,
      `${inv}/0/powerfactor`,
      `${inv}/0/reactivepower`,
      `${inv}/0/temperature`,
      `${inv}/status/producing`,
      `${inv}/status/reachable`,
    ]);
    await pub.publishAsync(`${inv}/0/power`, "", { qos: 1, retain: true }); // clear the retained message
  });

  it("reconnects by itself after the broker went away, and receives again", async () => {
    const broker = await startRestartableMosquitto();
    cleanups.push(() => broker.close());
    const topic = `${uniquePrefix()}_plug`;
    source = await startCollecting({ url: broker.url, devices: [{ id: "plug", profile: "tasmota", topic }] });
    await source.subscribed();
    const s = source;

    await broker.stop();
    await until(() => expect(s.handle.status().connected).toBe(false));
    await broker.start();
    await until(() => expect(s.handle.status().subscribed).toBe(true));

    pub = await publisher(broker.url);
    await publishAll(pub, [[`tele/${topic}/SENSOR`, energy(815)]]);
    await until(() => expect(s.points).toHaveLength(1));
    expect(s.handle.status()).toMatchObject({ connected: true, connection_drops: 1 });
    expect(s.lines.some((l) => l.msg.startsWith("MQTT broker not reachable"))).toBe(true);
  });

  it("can run its own broker (aedes) that devices publish to", async () => {
    const port = await freePort();
    const topic = `${uniquePrefix()}/shellyplus1pm-a8032ab1c2d4`;
    source = await startCollecting({
      embedded: { host: "127.0.0.1", port },
      devices: [{ id: "pump", profile: "shelly-gen2", topic }],
    });
    await source.subscribed();
    pub = await publisher(`mqtt://127.0.0.1:${port}`);
    await publishAll(pub, [
      [`${topic}/status/switch:0`, { id: 0, output: false, apower: 0, voltage: 230.2 }],
    ]);
    const s = source;
    await until(() => expect(s.points).toHaveLength(1));
    expect(s.points[0]?.fields).toEqual({ power_w: 0, voltage_v: 230.2, relay_on: false });
    expect(s.handle.status()).toMatchObject({ broker: `mqtt://127.0.0.1:${port}`, embedded: true });
  });

  it("refuses to start, naming each device, when a profile is missing or does not allow the role", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-mqtt-profile-"));
    writeFileSync(join(dir, "broken.yaml"), "protocol: mqtt\nroles: [grid_meter]\n");
    const config = mqttSchema.parse({
      url: mqttUrl(),
      devices: [
        { id: "a", profile: "shelly-gen3", topic: "x" },
        { id: "b", profile: "opendtu", topic: "solar/1", role: "grid_meter" },
        { id: "c", profile: "./broken.yaml", topic: "y" },
      ],
    });
    const error = await startMqttDevices(config, {
      institution: "ehpad-ben-guerir",
      logger: pino({ level: "silent" }),
      onPoints: () => {},
      baseDir: dir,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      {
        path: "mqtt.devices.0.profile",
        message:
          'profile "shelly-gen3": (name): is not a built-in profile (known: opendtu, shelly-gen2, tasmota) nor a .yaml file',
      },
      {
        path: "mqtt.devices.1.role",
        message: '"grid_meter" is not a role of profile "opendtu" (roles: pv_inverter)',
      },
      {
        path: "mqtt.devices.2.profile",
        message:
          'profile "./broken.yaml": products: is required; description: is required; topics: is required',
      },
    ]);
  });
});
