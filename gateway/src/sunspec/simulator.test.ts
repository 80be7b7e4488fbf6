import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeModbus, connectModbusTcp, type ModbusRTU } from "../modbus/client.js";
import type { DecodedModel } from "./decoded-schema.js";
import { sunspecToPoints } from "./points.js";
import { readSunspecDevice } from "./read-device.js";

/**
 * Our reader against the project's simulated inverter (@jisr/simulators) over real Modbus TCP.
 * tickMs 0: the registers change only on tick(), so what we read is the latest served snapshot.
 */

let sim: SunspecInverterHandle;
let client: ModbusRTU;

beforeEach(async () => {
  sim = await startSunspecInverter({
    port: 0,
    tickMs: 0,
    clouds: false,
    kwp: 10,
    seed: 7,
    // Solar noon in Ben Guerir (7.95 W) is about 12:32 UTC.
    start: new Date("2026-06-21T12:30:00Z"),
  });
  client = await connectModbusTcp({ host: "127.0.0.1", port: sim.port, unit: sim.unit, timeoutMs: 2000 });
});

afterEach(async () => {
  await closeModbus(client);
  await sim.close();
});

/** Half a unit of the last digit a scale factor leaves, plus float noise. */
function precision(model: DecodedModel | undefined, sf: string): number {
  const exp = model?.points[sf]?.value;
  return typeof exp === "number" ? 10 ** exp / 2 + 1e-9 : Number.NaN;
}

describe("reading the simulated SunSpec inverter", () => {
  it("decodes W, WH, state and MPPT values as the simulator served them", async () => {
    const device = await readSunspecDevice(client);
    const served = sim.servedAt(Date.now())?.values;
    if (!served) throw new Error("simulator served nothing");
    const inv = device.models["103"];

    expect(Object.keys(device.models)).toEqual(["1", "103", "160"]);
    expect(served.W).toBeGreaterThan(1000); // noon, clear sky: the comparison below is not 0 = 0
    expect(Math.abs(Number(inv?.points.W?.value) - served.W)).toBeLessThanOrEqual(precision(inv, "W_SF"));
    expect(Math.abs(Number(inv?.points.WH?.value) - served.WH)).toBeLessThanOrEqual(precision(inv, "WH_SF"));
    expect(inv?.points.St).toEqual({ value: "MPPT", raw: served.St });

    const modules = device.models["160"]?.groups.module ?? [];
    expect(modules).toHaveLength(served.modules.length);
    modules.forEach((m, i) => {
      expect(Math.abs(Number(m.DCW?.value) - (served.modules[i]?.DCW ?? Number.NaN))).toBeLessThanOrEqual(
        precision(device.models["160"], "DCW_SF"),
      );
    });

    const [pv] = sunspecToPoints(device, { institution: "ben-guerir-1", device: "inv-1", time: Date.now() });
    expect(pv?.measurement).toBe("pv_inverter");
    expect(pv?.fields.power_w).toBe(inv?.points.W?.value);
    expect(pv?.fields.state).toBe("MPPT");
  });

  it("reads a trip as FAULT with GROUND_FAULT and no power", async () => {
    sim.setFault({ trip: true });
    const device = await readSunspecDevice(client);
    const served = sim.servedAt(Date.now())?.values;
    const inv = device.models["103"];

    expect(inv?.points.St).toEqual({ value: "FAULT", raw: served?.St });
    expect(inv?.points.Evt1?.value).toContain("GROUND_FAULT");
    expect(inv?.points.Evt1?.raw).toBe(served?.Evt1);
    expect(inv?.points.W?.value).toBe(0);
  });
});
