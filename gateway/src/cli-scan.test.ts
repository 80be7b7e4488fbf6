import {
  MODBUS_EXCEPTION,
  ModbusException,
  type RtuServerHandle,
  SimulatedInverter,
  startProfileDevice,
  startRtuServer,
  startSunspecInverter,
} from "@jisr/simulators";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/servers/free-port.js";
import { type PtyPair, startPtyPair } from "../../test/servers/socat.js";
import { registerGatewayScanCommand, runGatewayScan, type ScanReport } from "./cli-scan.js";
import { startRegisterServer } from "./modbus/register-server.js";
import { parseUnits } from "./modbus/scan.js";

/** `jisr gateway scan` on a simulated RS-485 bus (socat pty pair) and on Modbus TCP servers. */

function capture() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  return { out, io };
}

/** Two characters per register, high byte first, padded with NULs: a Modbus string. */
function words(text: string, registers: number): number[] {
  const bytes = Buffer.alloc(registers * 2);
  bytes.write(text, "latin1");
  return Array.from({ length: registers }, (_, i) => bytes.readUInt16BE(i * 2));
}

/** A device with holding registers at `start` and nothing elsewhere (exception 2, like most devices). */
function registers(start: number, values: number[]) {
  return {
    read: (addr: number, count: number) => {
      if (addr < start || addr + count > start + values.length)
        throw new ModbusException(MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS, "no such register");
      return values.slice(addr - start, addr - start + count);
    },
  };
}

describe("jisr gateway scan over Modbus RTU", () => {
  let pty: PtyPair;
  let bus: RtuServerHandle;
  beforeAll(async () => {
    pty = await startPtyPair();
    const inverter = new SimulatedInverter({ unit: 2, kwp: 10, seed: 4 });
    inverter.tick();
    bus = await startRtuServer({
      path: pty.a,
      devices: new Map([
        [2, inverter],
        [5, registers(30000, words("SUN2000-5KTL-M1", 15))],
        [7, registers(40000, [0, 0])],
      ]),
    });
  });
  afterAll(async () => {
    await bus.close();
    await pty.stop();
  });

  const scan = (extra: Record<string, unknown> = {}) =>
    runGatewayScan({ serial: pty.b, baud: "9600", units: "1-8", timeout: "100", ...extra }, capture().io);

  it("finds the units that answer, one request at a time, and tells what they are", async () => {
    const { out, io } = capture();
    expect(await runGatewayScan({ serial: pty.b, units: "1-8", timeout: "250" }, io)).toBe(0);
    expect(out.stderr).toBe("");
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`Scanned 8 unit id(s) on ${pty.b} 9600 8N1, 250 ms each: 3 answered`);
    const row = (unit: number) => lines.find((l) => l.startsWith(`${unit} `))?.split(/\s{2,}/);
    expect(row(2)).toEqual([
      "2",
      "SunSpec: Jisr Sim SIM-3P-10KWP (SN JSIM-4-2), models 1, 103, 160 at 40000",
      "data at 40000",
    ]);
    expect(row(5)?.[1]).toMatch(/^profile huawei-sun2000\b/);
    expect(row(5)?.[2]).toBe("exception 2 (ILLEGAL_DATA_ADDRESS) at 40000");
    expect(row(7)).toEqual(["7", "answers (unknown device)", "data at 40000"]);
    expect(lines.filter((l) => /^\d/.test(l)).map((l) => l.split(" ")[0])).toEqual(["2", "5", "7"]);
    // The probes went out in unit order: 1 to 8 each asked once for the marker.
    const probes = bus.requests.filter((r) => r.address === 40000 && r.count === 2).map((r) => r.unit);
    expect(probes.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("prints the findings as JSON", async () => {
    const { out, io } = capture();
    expect(await runGatewayScan({ serial: pty.b, units: "2,5,9", timeout: "250", json: true }, io)).toBe(0);
    const report = JSON.parse(out.stdout) as ScanReport;
    expect(report).toMatchObject({ where: `${pty.b} 9600 8N1`, units: 3, timeout_ms: 250 });
    expect(report.found.map((f) => f.unit)).toEqual([2, 5]);
    expect(report.found[0]?.sunspec).toEqual({
      base: 40000,
      models: [1, 103, 160],
      manufacturer: "Jisr Sim",
      model: "SIM-3P-10KWP",
      serial: "JSIM-4-2",
    });
    expect(report.found[1]?.probe).toEqual({
      unit: 5,
      answer: "exception",
      code: 2,
      name: "ILLEGAL_DATA_ADDRESS",
    });
    expect(report.found[1]?.profiles[0]).toMatchObject({ name: "huawei-sun2000", value: "SUN2000-5KTL-M1" });
  });

  it("says what to check when nothing answers", async () => {
    const { out, io } = capture();
    expect(await runGatewayScan({ serial: pty.b, units: "100-102", timeout: "50" }, io)).toBe(0);
    expect(out.stdout).toContain("0 answered.\nNo unit answered: check A/B wiring, baud rate and parity");
  });

  it("fails with one line on bad options", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [
        { units: "1-300" },
        'error: --units: "1-300" is not a unit id or range: give e.g. 1-247 or 1,3,10-12 (ids 0 to 255)\n',
      ],
      [{ timeout: "5" }, "error: --timeout: Too small: expected number to be >=20\n"],
      [{ host: "127.0.0.1" }, "error: give either --host (Modbus TCP) or --serial (Modbus RTU), not both\n"],
    ];
    for (const [opts, message] of cases) {
      const { out, io } = capture();
      expect(await runGatewayScan({ serial: pty.b, units: "1", ...opts }, io)).toBe(1);
      expect(out.stderr).toBe(message);
    }
    expect(await scan({ parity: "mark" })).toBe(1);
  });
});

describe("jisr gateway scan over Modbus TCP", () => {
  it("finds the one unit a SunSpec simulator answers", async () => {
    const sim = await startSunspecInverter({ port: 0, unit: 3, tickMs: 0 });
    try {
      const { out, io } = capture();
      expect(
        await runGatewayScan({ host: "127.0.0.1", port: String(sim.port), units: "1-4", timeout: "250" }, io),
      ).toBe(0);
      const lines = out.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`Scanned 4 unit id(s) on 127.0.0.1:${sim.port}, 250 ms each: 1 answered`);
      expect(lines[2]).toMatch(
        /^3\s+SunSpec: Jisr Sim SIM-3P-10KWP \(SN JSIM-1-3\), models 1, 103, 160 at 40000\s+data at 40000$/,
      );
    } finally {
      await sim.close();
    }
  });

  it("tells a Growatt MIC (input registers 0-124) from a MIN on protocol V1.24 (3000-3124)", async () => {
    // Both give device type code 5200 at holding 43; each answers only its own input range (exception 2
    // elsewhere), as the real ones do.
    const mic = await startProfileDevice({
      profile: "growatt-tl-x",
      values: { status: "NORMAL", pac: 812.5 },
    });
    const min = await startProfileDevice({ profile: "growatt-min-tl-x", values: { status: "WAITING" } });
    try {
      const found: Record<string, ScanReport> = {};
      for (const [name, device] of Object.entries({ mic, min })) {
        const { out, io } = capture();
        const options = { host: "127.0.0.1", port: String(device.port), units: "1", timeout: "250" };
        expect(await runGatewayScan({ ...options, json: true }, io), out.stderr).toBe(0);
        found[name] = JSON.parse(out.stdout) as ScanReport;
        const table = capture();
        expect(await runGatewayScan(options, table.io)).toBe(0);
        expect(table.out.stdout.trimEnd().split("\n")[2]).toMatch(
          new RegExp(`^1\\s+profile ${name === "mic" ? "growatt-tl-x" : "growatt-min-tl-x"}\\s+exception 2`),
        );
      }
      expect(found.mic?.found[0]?.profiles).toEqual([
        { name: "growatt-tl-x", class: "inverter", value: 5200 },
      ]);
      expect(found.min?.found[0]?.profiles).toEqual([
        { name: "growatt-min-tl-x", class: "inverter", value: 5200 },
      ]);
      // The MIC was asked for the MIN's status register and refused it: that is what tells them apart.
      expect(mic.requests.some((r) => r.functionCode === 4 && r.address === 3000)).toBe(true);
    } finally {
      await Promise.all([mic.close(), min.close()]);
    }
  });

  it("notices a device that answers every unit id", async () => {
    const server = await startRegisterServer([{ start: 40000, words: [1, 2] }]);
    try {
      const { out, io } = capture();
      expect(
        await runGatewayScan(
          { host: "127.0.0.1", port: String(server.port), units: "1-3", timeout: "250" },
          io,
        ),
      ).toBe(0);
      expect(out.stdout).toContain(": 3 answered\n");
      expect(out.stdout).toContain(
        "Every unit id answered: this is probably one Modbus TCP device that ignores the unit id.",
      );
    } finally {
      await server.close();
    }
  });

  it("names the endpoint when it cannot connect", async () => {
    const port = await freePort();
    const { out, io } = capture();
    expect(await runGatewayScan({ host: "127.0.0.1", port: String(port), units: "1" }, io)).toBe(1);
    expect(out.stderr).toBe(
      `error: cannot connect to 127.0.0.1:${port}: connection refused (is Modbus TCP enabled on it?)\n`,
    );
  });

  it("registers `scan` with its options and examples in --help", async () => {
    const gateway = new Command("gateway");
    registerGatewayScanCommand(gateway);
    const scan = gateway.commands.find((c) => c.name() === "scan");
    let help = "";
    scan?.exitOverride().configureOutput({ writeOut: (s) => (help += s) });
    await expect(gateway.parseAsync(["scan", "--help"], { from: "user" })).rejects.toMatchObject({
      code: "commander.helpDisplayed",
    });
    for (const flag of [
      "--host <host>",
      "--serial <path>",
      "--baud <rate>",
      "--parity <parity>",
      "--units <list>",
      "--timeout <ms>",
      "--json",
    ])
      expect(help).toContain(flag);
    expect(help).toContain("jisr gateway scan --serial /dev/ttyUSB0 --baud 9600");
  });
});

describe("parseUnits", () => {
  it("reads ranges and lists, sorted and without repeats", () => {
    expect(parseUnits("1-3,7, 2 ,10-11")).toEqual([1, 2, 3, 7, 10, 11]);
    expect(parseUnits("1-247")).toHaveLength(247);
    expect(parseUnits("5-3")).toMatch(/"5-3" is not a unit id or range/);
    expect(parseUnits("a")).toMatch(/"a" is not/);
  });
});
