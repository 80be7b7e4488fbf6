import { afterEach, describe, expect, it } from "vitest";
import { closeModbus, connectModbusTcp, ModbusConnectError, type ModbusRTU } from "../modbus/client.js";
import { type RegisterBank, type RegisterServer, startRegisterServer } from "../modbus/register-server.js";
import { discoverSunspec, SunspecError } from "./discover.js";
import { encodeSunspecBank } from "./encode.js";
import { sunspecToPoints } from "./points.js";
import { readSunspecDevice } from "./read-device.js";
import { COMMON, deviceA, encode, INVERTER_103, METER_203, mpptModules } from "./testing/fixtures.js";

/** Real Modbus TCP on loopback: modbus-serial's ServerTCP serving encoded SunSpec banks. */

const open: Array<{ server: RegisterServer; client?: ModbusRTU }> = [];

async function serve(banks: RegisterBank[], options: { silent?: boolean; timeoutMs?: number } = {}) {
  const server = await startRegisterServer(banks, options);
  const client = await connectModbusTcp({
    host: "127.0.0.1",
    port: server.port,
    timeoutMs: options.timeoutMs ?? 2000,
  });
  open.push({ server, client });
  return { server, client };
}

afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    if (client) await closeModbus(client);
    await server.close();
  }
});

describe("SunSpec device at base 40000", () => {
  it("discovers the model chain by ID and L, including a model we have no map for", async () => {
    const { client } = await serve([{ start: 40000, words: deviceA() }]);
    expect(await discoverSunspec(client)).toEqual({
      base: 40000,
      models: [
        { id: 1, address: 40002, length: 66 },
        { id: 103, address: 40070, length: 50 },
        { id: 160, address: 40122, length: 48 },
        { id: 203, address: 40172, length: 105 },
        { id: 64001, address: 40279, length: 4 },
      ],
    });
  });

  it("reads and decodes every known model, lists the unknown one, and maps readings", async () => {
    const { client, server } = await serve([{ start: 40000, words: deviceA() }]);
    const device = await readSunspecDevice(client);

    expect(Object.keys(device.models)).toEqual(["1", "103", "160", "203"]);
    expect(device.unknown).toEqual([{ id: 64001, address: 40279, length: 4 }]);
    expect(device.models["1"]?.points.Mn?.value).toBe("Jisr Solar");
    const inv = device.models["103"];
    expect(inv?.name).toBe("inverter_three_phase");
    expect(inv?.points.W).toEqual({ value: 2500, units: "W" });
    expect(inv?.points.Hz?.value).toBe(50.01);
    expect(inv?.points.St).toEqual({ value: "MPPT", raw: 4 });
    expect(inv?.points.Evt1?.value).toEqual(["OVER_TEMP"]);
    expect(device.models["160"]?.groups.module?.map((m) => m.DCSt?.value)).toEqual(["MPPT", "THROTTLED"]);
    expect(device.models["203"]?.points.TotWhImp?.value).toBe(8_000_000);
    // The vendor model: its header is read, its body is not; then the end marker.
    expect(server.reads.filter((r) => r.address >= 40279)).toEqual([
      { address: 40279, length: 2 },
      { address: 40285, length: 2 },
    ]);

    const points = sunspecToPoints(device, {
      institution: "ben-guerir-1",
      device: "inv-1",
      time: Date.UTC(2026, 5, 1),
    });
    expect(points.map((p) => [p.measurement, p.tags.mppt ?? ""])).toEqual([
      ["pv_inverter", ""],
      ["pv_mppt", "1"],
      ["pv_mppt", "2"],
      ["grid_meter", ""],
    ]);
    expect(points[0]?.fields.power_w).toBe(2500);
  });
});

describe("SunSpec device at base 0 and 50000", () => {
  it("finds SunS at 0 after 40000 answers 'illegal address', and reads a 130-register model in 125-register requests", async () => {
    const words = encodeSunspecBank([
      encode(1, COMMON),
      encode(103, INVERTER_103),
      encode(160, mpptModules(6)),
    ]);
    const { client, server } = await serve([{ start: 0, words }]);
    const device = await readSunspecDevice(client);

    expect(device.base).toBe(0);
    const mppt = device.models["160"];
    expect(mppt?.address).toBe(122);
    expect(mppt?.length).toBe(128);
    expect(mppt?.groups.module).toHaveLength(6);
    expect(mppt?.groups.module?.[5]).toMatchObject({
      ID: { value: 6 },
      DCWH: { value: 6_000_005, units: "Wh" },
    });
    expect(Math.max(...server.reads.map((r) => r.length))).toBeLessThanOrEqual(125);
    expect(server.reads.filter((r) => r.address >= 122)).toContainEqual({ address: 122, length: 125 });
    expect(server.reads).toContainEqual({ address: 247, length: 5 });
  });

  it("finds SunS at 50000, walking a 65-register common block by its L", async () => {
    const common = encode(1, COMMON).slice(0, 67);
    common[1] = 65; // SolarEdge ships L = 65: the next model starts one register earlier
    const words = encodeSunspecBank([common, encode(203, METER_203)]);
    const { client } = await serve([
      { start: 40000, words: [0x1234, 0x5678] }, // something else lives at 40000
      { start: 50000, words },
    ]);
    const device = await readSunspecDevice(client);

    expect(device.base).toBe(50000);
    expect(device.models["1"]?.length).toBe(65);
    expect(device.models["1"]?.points.SN?.value).toBe("JS-0001");
    expect(device.models["203"]?.address).toBe(50069);
    expect(device.models["203"]?.points.W?.value).toBe(-1500);
  });
});

describe("failures", () => {
  it("reports 'no SunSpec' when no base holds the marker", async () => {
    const { client } = await serve([{ start: 40000, words: [0x1234, 0x5678] }]);
    const err = await readSunspecDevice(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SunspecError);
    expect(err).toMatchObject({
      code: "SUNSPEC_NOT_FOUND",
      message: 'no SunSpec device: no "SunS" marker at register 40000, 0, 50000',
    });
  });

  it("reports a timeout when the device never answers", async () => {
    const { client } = await serve([], { silent: true, timeoutMs: 150 });
    await expect(readSunspecDevice(client)).rejects.toMatchObject({ code: "SUNSPEC_TIMEOUT" });
  });

  it("stops at a Modbus exception past the last model when a device omits the end marker", async () => {
    const words = encodeSunspecBank([encode(1, COMMON)]).slice(0, -2);
    const { client } = await serve([{ start: 40000, words }]);
    expect((await discoverSunspec(client)).models).toEqual([{ id: 1, address: 40002, length: 66 }]);
  });

  it("says the connection was refused, naming host and port", async () => {
    const server = await startRegisterServer([]);
    const { port } = server;
    await server.close();
    const err = await connectModbusTcp({ host: "127.0.0.1", port, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModbusConnectError);
    expect((err as Error).message).toBe(
      `cannot connect to 127.0.0.1:${port}: connection refused (is Modbus TCP enabled on it?)`,
    );
  });
});
