import { createServer } from "node:net";
import { Command } from "commander";
import Modbus from "modbus-serial";
import { describe, expect, it, vi } from "vitest";
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

/** Runs `jisr sim fault …` in-process and returns what it printed. */
async function faultCommand(...args: string[]): Promise<string> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await program().parseAsync(["sim", "fault", ...args], { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return out;
}

/** Waits until the control API answers (the simulator starts in the background). */
async function controlUp(url: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const answer = await fetch(`${url}/devices`).then(
      (res) => (res.ok ? "up" : `HTTP ${res.status}`),
      (err: Error) => err.message,
    );
    if (answer === "up") return;
    if (Date.now() > deadline) throw new Error(`no fault control at ${url}: ${answer}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("faults on command", () => {
  it("starts an inverter with a fault, then trips and clears it with jisr sim fault", async () => {
    const [port, controlPort] = [await freePort(), await freePort()];
    const control = `http://127.0.0.1:${controlPort}`;
    const run = program().parseAsync(
      [
        "sim",
        "inverter",
        "--port",
        String(port),
        "--start",
        "noon",
        "--no-clouds",
        "--fault",
        "soiling=30",
      ].concat(["--control-port", String(controlPort)]),
      { from: "user" },
    );
    try {
      await controlUp(control);
      expect(await faultCommand("--control", control)).toMatch(
        /^inverter +sunspec-inverter +faults: soilingPct=30 +\(can have: trip, string-failure, soiling, comm-loss\)\n$/,
      );
      expect(await faultCommand("--control", control, "inverter", "trip")).toMatch(
        /faults: trip soilingPct=30 /,
      );
      const json = JSON.parse(await faultCommand("--control", control, "inverter", "--clear", "--json"));
      expect(json.faults).toEqual({ online: true, trip: false, stringFailure: null, soilingPct: 0 });
      expect(await readMarker(port)).toEqual([0x5375, 0x6e53]);
    } finally {
      process.emit("SIGTERM", "SIGTERM");
      await run;
    }
    await expect(fetch(`${control}/devices`)).rejects.toThrow();
  });

  it("serves a solar water heater with a failed pump, and says what it can have", async () => {
    const controlPort = await freePort();
    const control = `http://127.0.0.1:${controlPort}`;
    const run = program().parseAsync(
      ["sim", "device", "--profile", "generic-solar-controller", "--generator", "solar-water-heater"].concat([
        "--fault",
        "pump-failure",
        "--control-port",
        String(controlPort),
      ]),
      { from: "user" },
    );
    try {
      await controlUp(control);
      expect(await faultCommand("--control", control)).toMatch(
        /^device +generic-solar-controller +faults: pumpFailure +\(can have: pump-failure, stuck-sensor, comm-loss\)\n$/,
      );
    } finally {
      process.emit("SIGTERM", "SIGTERM");
      await run;
    }
  });

  it("refuses unknown faults before anything listens, and a fault command without a fault", async () => {
    await expect(
      program().parseAsync(["sim", "inverter", "--port", "0", "--fault", "fire"], { from: "user" }),
    ).rejects.toThrow(/unknown fault "fire"/);
    await expect(
      program().parseAsync(["sim", "inverter", "--serial", "/dev/null", "--fault", "trip"], { from: "user" }),
    ).rejects.toThrow(/--control-port and --fault work with --port/);
    await expect(faultCommand("--control", "http://127.0.0.1:1", "inverter")).rejects.toThrow(
      /which fault for "inverter"\?/,
    );
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(faultCommand("--control", closed)).rejects.toThrow(
      `no fault control at ${closed}: ECONNREFUSED`,
    );
  });
});
