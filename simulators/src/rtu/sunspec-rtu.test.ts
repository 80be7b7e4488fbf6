import { spawn } from "node:child_process";
import { Command } from "commander";
import Modbus from "modbus-serial";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../../../test/servers/ensure-packages.js";
import { type PtyPair, startPtyPair } from "../../../test/servers/socat.js";
import { registerSimCommands } from "../cli.js";
import { type SunspecRtuBusHandle, startSunspecRtuBus } from "./sunspec-rtu.js";

/** Simulated SunSpec inverters over Modbus RTU, on one end of a socat pty pair, read from the other. */

const ModbusRTU = Modbus.default;
type Client = InstanceType<typeof ModbusRTU>;
const SUNS = [0x5375, 0x6e53];

let pty: PtyPair;
let client: Client | undefined;

beforeAll(async () => {
  pty = await startPtyPair();
});
afterAll(() => pty.stop());
afterEach(async () => {
  await new Promise<void>((resolve) => (client ? client.close(() => resolve()) : resolve()));
  client = undefined;
});

async function rtuClient(): Promise<Client> {
  client = new ModbusRTU();
  await client.connectRTUBuffered(pty.b, { baudRate: 9600, parity: "none", dataBits: 8, stopBits: 1 });
  client.setTimeout(500);
  return client;
}

async function read(c: Client, unit: number, address: number, count: number): Promise<number[]> {
  c.setID(unit);
  return (await c.readHoldingRegisters(address, count)).data;
}

/** Model 1's serial number (SN: 16 registers after ID, L, Mn, Md, Opt and Vr) as text. */
function text(words: number[]): string {
  return Buffer.from(words.flatMap((w) => [w >> 8, w & 0xff]))
    .toString("latin1")
    .replace(/\0+$/, "");
}

describe("SunSpec inverters on one RTU bus", () => {
  let bus: SunspecRtuBusHandle;
  beforeAll(async () => {
    bus = await startSunspecRtuBus({
      path: pty.a,
      inverters: [
        { unit: 1, seed: 7, tickMs: 0 },
        { unit: 2, seed: 7, kwp: 20, tickMs: 0 },
      ],
    });
  });
  afterAll(() => bus.close());

  it("answers each unit id with its own inverter, and nothing for the others", async () => {
    const c = await rtuClient();
    expect(await read(c, 1, 40000, 2)).toEqual(SUNS);
    expect(text(await read(c, 1, 40002 + 2 + 48, 16))).toBe("JSIM-7-1");
    expect(text(await read(c, 2, 40002 + 2 + 48, 16))).toBe("JSIM-7-2");
    await expect(read(c, 5, 40000, 2)).rejects.toMatchObject({ errno: "ETIMEDOUT" });
    await expect(read(c, 1, 30000, 2)).rejects.toMatchObject({ modbusCode: 2 });
    expect(bus.server.requests.map((r) => r.unit)).toEqual([1, 1, 2, 5, 1]);
  });

  it("stops answering as a unit set silent, and answers again", async () => {
    const c = await rtuClient();
    bus.server.setSilent(2, true);
    await expect(read(c, 2, 40000, 2)).rejects.toMatchObject({ errno: "ETIMEDOUT" });
    expect(await read(c, 1, 40000, 2)).toEqual(SUNS);
    bus.server.setSilent(2, false);
    expect(await read(c, 2, 40000, 2)).toEqual(SUNS);
  });

  it.skipIf(!findBinary("mbpoll"))(
    "is read by Debian's mbpoll, a Modbus master we did not write",
    async () => {
      // Async spawn: spawnSync would block the event loop the simulator answers from.
      const mbpoll = spawn(
        findBinary("mbpoll") ?? "mbpoll",
        [
          "-m",
          "rtu",
          "-b",
          "9600",
          "-P",
          "none",
          "-a",
          "2",
          "-r",
          "40001",
          "-c",
          "4",
          "-t",
          "4:hex",
          "-1",
          "-o",
          "2",
          pty.b,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      mbpoll.stdout.on("data", (b: Buffer) => {
        out += b.toString();
      });
      const code = await new Promise((resolve) => mbpoll.on("exit", resolve));
      expect(code).toBe(0);
      // mbpoll numbers registers from 1: 40001 is protocol address 40000.
      expect(out).toMatch(
        /\[40001\]:\s+0x5375\s+\[40002\]:\s+0x6E53\s+\[40003\]:\s+0x0001\s+\[40004\]:\s+0x0042/,
      );
    },
  );

  it("refuses two inverters with one unit id", async () => {
    await expect(startSunspecRtuBus({ path: pty.a, inverters: [{ unit: 3 }, { unit: 3 }] })).rejects.toThrow(
      "invalid SunSpec RTU bus options: inverters: unit ids must differ",
    );
  });
});

describe("jisr sim inverter --serial", () => {
  const program = () => {
    const p = new Command("jisr").exitOverride();
    registerSimCommands(p);
    return p;
  };

  it("serves Modbus RTU on the port until SIGTERM", async () => {
    const run = program().parseAsync(
      ["sim", "inverter", "--serial", pty.a, "--unit", "4", "--baud", "9600"],
      {
        from: "user",
      },
    );
    const c = await rtuClient();
    const deadline = Date.now() + 5000;
    let marker: number[] | undefined;
    while (!marker) {
      try {
        marker = await read(c, 4, 40000, 2);
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
    expect(marker).toEqual(SUNS);
    process.emit("SIGTERM", "SIGTERM");
    await run;
    await expect(read(c, 4, 40000, 2)).rejects.toMatchObject({ errno: "ETIMEDOUT" });
  });

  it("wants either --port or --serial", async () => {
    await expect(program().parseAsync(["sim", "inverter"], { from: "user" })).rejects.toThrow(
      "give either --port (Modbus TCP) or --serial (Modbus RTU)",
    );
    await expect(
      program().parseAsync(["sim", "inverter", "--serial", pty.a, "--parity", "mark"], { from: "user" }),
    ).rejects.toThrow(/--parity: /);
  });
});
