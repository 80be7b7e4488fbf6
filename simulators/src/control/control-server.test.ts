/**
 * Faults on command, over the wire: a simulated inverter and solar water heater on real Modbus TCP
 * sockets, broken and repaired through the control API, and read back with the gateway's own readers.
 */
import { request } from "node:http";
import { readSunspecDevice } from "@jisr/gateway";
import Modbus from "modbus-serial";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfileDeviceHandle } from "../profile-device/device.js";
import { startProfileDevice } from "../profile-device/index.js";
import { type SunspecInverterHandle, startSunspecInverter } from "../sunspec-inverter.js";
import { type ControlServer, controlRequest, startControlServer } from "./control-server.js";
import { inverterTarget, profileDeviceTarget } from "./faults.js";

const ModbusRTU = Modbus.default;
type Client = InstanceType<typeof ModbusRTU>;

let inverter: SunspecInverterHandle;
let heater: ProfileDeviceHandle;
let control: ControlServer;
/** The heater's wall clock, moved by the test: its sun clock then moves the same on any machine. */
let heaterWall = 0;

beforeAll(async () => {
  // Midsummer noon, clear sky: the inverter produces and the solar loop pump runs.
  const start = new Date("2026-06-21T12:30:00Z");
  inverter = await startSunspecInverter({ port: 0, kwp: 10, clouds: false, tickMs: 0, start });
  heater = await startProfileDevice({
    profile: "generic-solar-controller",
    generator: "solar-water-heater",
    tickMs: 0,
    speed: 3600, // an hour of tank per wall second: a live sensor moves between two reads
    start,
    wallNow: () => heaterWall,
  });
  control = await startControlServer({
    targets: [inverterTarget("site/inverter-1", inverter), profileDeviceTarget("site/swh-1", heater)],
  });
});

afterAll(async () => {
  await control?.close();
  await inverter?.close();
  await heater?.close();
});

async function connect(port: number): Promise<Client> {
  const c = new ModbusRTU();
  await c.connectTCP("127.0.0.1", { port });
  c.setTimeout(1000);
  c.setID(1);
  return c;
}

async function closeClient(c: Client): Promise<void> {
  await new Promise<void>((resolve) => c.close(() => resolve()));
}

async function readInverter() {
  inverter.tick();
  const c = await connect(inverter.port);
  try {
    return (await readSunspecDevice(c)).models["103"]?.points;
  } finally {
    await closeClient(c);
  }
}

/** Tank top (input register 2, 0.1 °C), pump relay (coil 0) and loop flow (input register 5, L/h). */
async function readHeater(): Promise<{ tankTopC: number; pumpOn: boolean; flowLh: number }> {
  heaterWall += 300; // 18 sun minutes
  heater.tick();
  const c = await connect(heater.port);
  try {
    const regs = (await c.readInputRegisters(0, 6)).data;
    const coils = (await c.readCoils(0, 1)).data;
    return { tankTopC: (regs[2] as number) / 10, pumpOn: coils[0] === true, flowLh: regs[5] as number };
  } finally {
    await closeClient(c);
  }
}

/** GET /devices with a chosen Host header (fetch will not send one of our choosing). */
function getWithHost(host: string): Promise<number | undefined> {
  const url = new URL(control.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: "/devices", headers: { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const post = (id: string, body: unknown) =>
  controlRequest(control.url, "POST", `devices/${encodeURIComponent(id)}/faults`, body);
const clear = (id: string) =>
  controlRequest(control.url, "DELETE", `devices/${encodeURIComponent(id)}/faults`);

describe("the fault control API", () => {
  it("lists each device with the faults it can have and has", async () => {
    expect(await controlRequest(control.url, "GET", "devices")).toEqual([
      {
        id: "site/inverter-1",
        kind: "sunspec-inverter",
        supports: ["trip", "string-failure", "soiling", "comm-loss"],
        faults: { online: true, trip: false, stringFailure: null, soilingPct: 0 },
      },
      {
        id: "site/swh-1",
        kind: "generic-solar-controller",
        supports: ["pump-failure", "stuck-sensor", "comm-loss"],
        faults: { online: true, pumpFailure: false, stuck: [] },
      },
    ]);
  });

  it("loses one string: that MPPT input reads no current while the other still does", async () => {
    // Before the trip below: a cleared trip restarts the inverter, which then produces nothing for a while.
    await post("site/inverter-1", { fault: "string-failure", mppt: 2 });
    inverter.tick();
    const c = await connect(inverter.port);
    try {
      const mppt = (await readSunspecDevice(c)).models["160"];
      const dca = (n: number) => Number(mppt?.groups.module?.[n - 1]?.DCA?.value ?? Number.NaN);
      expect(dca(1)).toBeGreaterThan(1);
      expect(dca(2)).toBe(0);
    } finally {
      await closeClient(c);
      await clear("site/inverter-1");
    }
  });

  it("trips the inverter, as read over Modbus, and clears the trip", async () => {
    expect((await readInverter())?.W?.value).toBeGreaterThan(1000);
    expect(await post("site/inverter-1", { fault: "trip" })).toMatchObject({ faults: { trip: true } });
    const tripped = await readInverter();
    expect(tripped?.St?.value).toBe("FAULT");
    expect(tripped?.W?.value).toBe(0);
    expect(await clear("site/inverter-1")).toMatchObject({ faults: { trip: false, online: true } });
    expect((await readInverter())?.St?.value).not.toBe("FAULT");
  });

  it("cuts the link, then serves the same inverter, counter intact, on the same port", async () => {
    const before = Number((await readInverter())?.WH?.value);
    expect(await post("site/inverter-1", { fault: "comm-loss" })).toMatchObject({
      faults: { online: false },
    });
    await expect(connect(inverter.port)).rejects.toThrow(/ECONNREFUSED/);
    await clear("site/inverter-1");
    expect(Number((await readInverter())?.WH?.value)).toBeGreaterThanOrEqual(before);
  });

  it("fails the heater's pump: the relay is on, nothing flows", async () => {
    const healthy = await readHeater();
    expect(healthy.pumpOn).toBe(true);
    expect(healthy.flowLh).toBeGreaterThan(0);
    await post("site/swh-1", { fault: "pump-failure" });
    const failed = await readHeater();
    expect(failed).toMatchObject({ pumpOn: true, flowLh: 0 });
    await clear("site/swh-1");
    expect((await readHeater()).flowLh).toBeGreaterThan(0);
  });

  it("freezes a sensor: the tank top reads one value while the tank changes", async () => {
    const a = await readHeater();
    const b = await readHeater();
    expect(b.tankTopC).not.toBe(a.tankTopC); // a live sensor moves, so "frozen" below means something
    await post("site/swh-1", { fault: "stuck-sensor", field: "tank_top_temperature_c" });
    const frozen = [await readHeater(), await readHeater(), await readHeater()].map((r) => r.tankTopC);
    expect(new Set(frozen).size).toBe(1);
    await clear("site/swh-1");
    expect(heater.faults.stuck).toEqual([]);
    // Unstuck, it serves the tank as it is now, which moved on while the sensor was frozen.
    expect((await readHeater()).tankTopC).not.toBe(frozen[0]);
  });

  it("refuses what it cannot do, naming why", async () => {
    await expect(post("site/swh-1", { fault: "trip" })).rejects.toThrow(
      /^409: device "site\/swh-1" \(generic-solar-controller\) cannot have "trip"/,
    );
    await expect(post("site/inverter-1", { fault: "soiling" })).rejects.toThrow(/^400: percent: /);
    await expect(post("site/inverter-1", { fault: "soiling", percent: 130 })).rejects.toThrow(
      /^400: percent: /,
    );
    await expect(post("site/swh-1", { fault: "stuck-sensor", field: "nope" })).rejects.toThrow(
      /^400: .*serves no field or point "nope"/,
    );
    await expect(post("site/inverter-9", { fault: "trip" })).rejects.toThrow(
      /^404: no device "site\/inverter-9"; devices: site\/inverter-1, site\/swh-1/,
    );
    const res = await fetch(`${control.url}/devices/site%2Finverter-1/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 400,
      body: { error: "body is not JSON" },
    });
    const raw = (init: RequestInit & { headers?: Record<string, string> }, path = "site%2Finverter-1") =>
      fetch(`${control.url}/devices/${path}/faults`, { method: "POST", body: '{"fault":"trip"}', ...init });
    // What a web page on this machine could send: a form's text/plain, an Origin, another host name.
    expect((await raw({ headers: { "content-type": "text/plain" } })).status).toBe(415);
    const fromPage = await raw({
      headers: { "content-type": "application/json", origin: "http://evil.example" },
    });
    expect(fromPage.status).toBe(403);
    expect(await getWithHost("rebound.example.com")).toBe(403); // DNS rebinding: a page's own host name
    expect(await getWithHost(new URL(control.url).host)).toBe(200);
    expect((await raw({ headers: { "content-type": "application/json" } }, "%E0%A4%A")).status).toBe(400);
    // Nothing refused changed anything.
    expect(inverter.faults).toEqual({ trip: false, stringFailure: null, soilingPct: 0 });
    expect(heater.faults).toMatchObject({ pumpFailure: false, stuck: [] });
  });
});
