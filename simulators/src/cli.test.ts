import { createServer } from "node:net";
import { Command } from "commander";
import Modbus from "modbus-serial";
import { describe, expect, it } from "vitest";
import { registerSimCommands } from "./cli.js";

const ModbusRTU = Modbus.default;

function program(): Command {
  const p = new Command("jisr").exitOverride();
  registerSimCommands(p);
  return p;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return typeof addr === "object" && addr ? addr.port : 0;
}

/** Reads "SunS", retrying while the server comes up (bounded). */
async function readMarker(port: number): Promise<number[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const c = new ModbusRTU();
    try {
      await c.connectTCP("127.0.0.1", { port });
      c.setTimeout(1000);
      c.setID(1);
      const { data } = await c.readHoldingRegisters(40000, 2);
      await new Promise<void>((resolve) => c.close(() => resolve()));
      return data;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe("jisr sim inverter", () => {
  it("documents its options with defaults and an example", () => {
    const inverter = program()
      .commands.find((c) => c.name() === "sim")
      ?.commands.find((c) => c.name() === "inverter");
    const help = inverter?.helpInformation() ?? "";
    for (const flag of ["--port", "--host", "--unit", "--kwp", "--speed", "--seed", "--start", "--tick-ms"]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('(default: "127.0.0.1")');
  });

  it("serves until SIGTERM, then closes its port", async () => {
    const port = await freePort();
    const run = program().parseAsync(["sim", "inverter", "--port", String(port), "--start", "noon"], {
      from: "user",
    });
    expect(await readMarker(port)).toEqual([0x5375, 0x6e53]);
    // A synthetic signal reaches our handler without signalling the test process itself.
    process.emit("SIGTERM", "SIGTERM");
    await run;
    const c = new ModbusRTU();
    await expect(c.connectTCP("127.0.0.1", { port })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("rejects bad option values naming the flag", async () => {
    await expect(
      program().parseAsync(["sim", "inverter", "--port", "0", "--unit", "0"], { from: "user" }),
    ).rejects.toThrow(/--unit: /);
    await expect(
      program().parseAsync(["sim", "inverter", "--port", "0", "--start", "yesterday"], { from: "user" }),
    ).rejects.toThrow(/--start: "yesterday"/);
  });
});
