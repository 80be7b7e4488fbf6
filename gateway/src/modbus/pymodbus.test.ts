import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PymodbusServer, startPymodbus } from "../../../test/servers/pymodbus.js";
import { type PtyPair, startPtyPair } from "../../../test/servers/socat.js";
import { ModbusExceptionError, ModbusTimeoutError } from "./errors.js";
import { createModbusLink, type ManagedLink } from "./link.js";
import { LinkPool } from "./link-pool.js";
import type { LinkTarget } from "./target.js";

/**
 * Our link against a Modbus server we did not write: pymodbus 3.0 from Debian (test/servers/pymodbus-server.py
 * documents the register block it serves), over TCP and over RTU on a socat pty pair.
 */

/** What every transport must show against the same server. */
function contract(name: string, setup: () => Promise<{ target: LinkTarget; stop: () => Promise<void> }>) {
  describe(`pymodbus 3.0 over ${name}`, () => {
    let target: LinkTarget;
    let stop: () => Promise<void>;
    let link: ManagedLink;
    beforeAll(async () => {
      ({ target, stop } = await setup());
      link = createModbusLink(target);
    });
    afterAll(async () => {
      await link?.close();
      await stop?.();
    });

    it("reads holding and input registers of two units", async () => {
      expect(await link.read(1, "holding", 0, 3, 1000)).toEqual([40000, 40001, 40002]);
      expect(await link.read(2, "holding", 97, 3, 1000)).toEqual([41097, 41098, 41099]);
      expect(await link.read(1, "input", 5, 2, 1000)).toEqual([30005, 30006]);
      expect(await link.read(2, "input", 0, 50, 1000)).toEqual(
        Array.from({ length: 50 }, (_, a) => 31000 + a),
      );
    });

    it("reads coils and discrete inputs as 0/1, exactly as many as asked", async () => {
      expect(await link.read(1, "coil", 0, 5, 1000)).toEqual([1, 0, 1, 0, 1]);
      expect(await link.read(1, "coil", 3, 10, 1000)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
      expect(await link.read(2, "discrete", 0, 7, 1000)).toEqual([1, 0, 0, 1, 0, 0, 1]);
    });

    it("surfaces an illegal address as exception 2, and an absent unit as a timeout", async () => {
      const exception = await link.read(1, "holding", 98, 5, 1000).catch((e: unknown) => e);
      expect(exception).toBeInstanceOf(ModbusExceptionError);
      expect(exception).toMatchObject({ code: 2, exceptionName: "ILLEGAL_DATA_ADDRESS", unit: 1 });
      const silence = await link.read(7, "holding", 0, 1, 200).catch((e: unknown) => e);
      expect(silence).toBeInstanceOf(ModbusTimeoutError);
      // The line is still usable afterwards.
      expect(await link.read(2, "holding", 0, 1, 1000)).toEqual([41000]);
    });
  });
}

contract("Modbus TCP", async () => {
  const server: PymodbusServer = await startPymodbus({ tcp: true }, [1, 2]);
  return { target: { host: "127.0.0.1", port: server.port }, stop: server.stop };
});

contract("Modbus RTU", async () => {
  const pty: PtyPair = await startPtyPair();
  try {
    const server = await startPymodbus({ serial: pty.a }, [1, 2]);
    const target: LinkTarget = {
      serial: { path: pty.b, baud: 9600, parity: "none", data_bits: 8, stop_bits: 1 },
    };
    return {
      target,
      stop: async () => {
        await server.stop();
        await pty.stop();
      },
    };
  } catch (err) {
    await pty.stop();
    throw err;
  }
});

describe("pymodbus 3.0 as a TCP-to-RTU converter with two units behind it", () => {
  let server: PymodbusServer;
  beforeAll(async () => {
    server = await startPymodbus({ tcp: true }, [1, 2]);
  });
  afterAll(() => server?.stop());

  it("takes requests for both units one at a time through one pooled link", async () => {
    const pool = new LinkPool();
    const target = { host: "127.0.0.1", port: server.port };
    const [one, two] = [pool.acquire(target, 1), pool.acquire(target, 2)];
    try {
      const reads = await Promise.all(
        [1, 2, 1, 2].map((unit, i) => (unit === 1 ? one : two).read(unit, "holding", i, 1, 1000)),
      );
      expect(reads).toEqual([[40000], [41001], [40002], [41003]]);
      expect(one.stats()).toMatchObject({ requests: 4, answered: 4, maxInFlight: 1, connects: 1 });
    } finally {
      await pool.closeAll();
    }
  });
});
