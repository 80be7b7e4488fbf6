import { startSunspecRtuBus } from "@jisr/simulators";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPtyPair } from "../../test/servers/socat.js";
import { registerGatewayReadCommand, runGatewayRead } from "./cli-read.js";
import { type RegisterServer, startRegisterServer } from "./modbus/register-server.js";
import { SunspecDeviceSchema } from "./sunspec/decoded-schema.js";
import { deviceA } from "./sunspec/testing/fixtures.js";

/** `jisr gateway read` against real Modbus TCP servers on loopback, and over RTU on a socat pty pair. */

function capture() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  return { out, io };
}

let sunspec: RegisterServer;
let other: RegisterServer;

beforeAll(async () => {
  sunspec = await startRegisterServer([{ start: 40000, words: deviceA() }]);
  other = await startRegisterServer([{ start: 40000, words: [0x1234, 0x5678] }]);
});
afterAll(async () => {
  await sunspec.close();
  await other.close();
});

const opts = (port: number, extra: Record<string, unknown> = {}) => ({
  host: "127.0.0.1",
  port: String(port),
  unit: "1",
  timeout: "2000",
  ...extra,
});

describe("jisr gateway read", () => {
  it("prints one table per model: values scaled, null for not implemented, states and events named", async () => {
    const { out, io } = capture();
    expect(await runGatewayRead(opts(sunspec.port), io)).toBe(0);
    const lines = out.stdout.split("\n");
    expect(lines[0]).toBe(
      `SunSpec device at 127.0.0.1:${sunspec.port} unit 1, base register 40000: 4 model(s) decoded`,
    );
    expect(lines).toContain(
      "Model 103 inverter_three_phase (Inverter (Three Phase)) at register 40070, L = 50",
    );
    const row = (name: string) =>
      lines
        .find((l) => l.trimStart().startsWith(`${name} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(row("W")).toEqual(["W", "2500", "W"]);
    expect(row("Hz")).toEqual(["Hz", "50.01", "Hz"]);
    expect(row("TmpTrns")).toEqual(["TmpTrns", "null", "C"]);
    expect(row("St")).toEqual(["St", "MPPT (4)"]);
    expect(row("Evt1")).toEqual(["Evt1", "OVER_TEMP"]);
    expect(row("Mn")).toEqual(["Mn", "Jisr Solar"]);
    expect(lines.some((l) => l.includes("W_SF"))).toBe(false);
    expect(lines.map((l) => l.trim())).toContain("module 2");
    expect(lines).toContain("  model 64001 at register 40279, L = 4");
    expect(out.stderr).toBe("");
  });

  it("prints the decoded device as JSON with --json", async () => {
    const { out, io } = capture();
    expect(await runGatewayRead(opts(sunspec.port, { json: true }), io)).toBe(0);
    const device = SunspecDeviceSchema.parse(JSON.parse(out.stdout));
    expect(device.models["103"]?.points.W).toEqual({ value: 2500, units: "W" });
    expect(device.models["160"]?.groups.module).toHaveLength(2);
  });

  it.each([
    [
      "no SunSpec marker",
      () => opts(other.port),
      /^error: 127\.0\.0\.1:\d+ unit 1: no SunSpec device: no "SunS" marker/,
    ],
    ["a refused connection", () => opts(1), /^error: cannot connect to 127\.0\.0\.1:1: connection refused/],
    ["a bad option", () => opts(sunspec.port, { port: "abc" }), /^error: --port: /],
    [
      "both buses",
      () => opts(sunspec.port, { serial: "/dev/ttyUSB0" }),
      /^error: give either --host \(Modbus TCP\) or --serial \(Modbus RTU\), not both\n$/,
    ],
    [
      "a bad parity",
      () => ({ serial: "/dev/ttyUSB0", unit: "1", timeout: "100", parity: "mark" }),
      /^error: --parity: /,
    ],
    [
      "a serial port that is not there",
      () => ({ serial: "/dev/ttyJISR-missing", unit: "1", timeout: "100" }),
      /^error: cannot open serial port \/dev\/ttyJISR-missing: .*\(is the RS-485 adapter plugged in\? check the path\)\n$/,
    ],
    [
      "an unknown profile",
      () => opts(sunspec.port, { profile: "no-such-device" }),
      /^error: --profile: unknown profile "no-such-device"; built-in profiles: .*imt-si-rs485tc/,
    ],
  ])("fails with one line and exit code 1 on %s", async (_, makeOpts, message) => {
    const { out, io } = capture();
    expect(await runGatewayRead(makeOpts(), io)).toBe(1);
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(out.stdout).toBe("");
  });

  it("fails with one line on a device that never answers", async () => {
    const silent = await startRegisterServer([], { silent: true });
    try {
      const { out, io } = capture();
      expect(await runGatewayRead(opts(silent.port, { timeout: "150" }), io)).toBe(1);
      expect(out.stderr).toMatch(
        /^error: 127\.0\.0\.1:\d+ unit 1: no answer at register 40000, 0, 50000 \(timed out\)/,
      );
    } finally {
      await silent.close();
    }
  });

  it("registers `read` under the gateway command, with an example in --help", async () => {
    const gateway = new Command("gateway");
    registerGatewayReadCommand(gateway);
    const read = gateway.commands.find((c) => c.name() === "read");
    let help = "";
    read?.exitOverride().configureOutput({ writeOut: (s) => (help += s) });
    await expect(gateway.parseAsync(["read", "--help"], { from: "user" })).rejects.toMatchObject({
      code: "commander.helpDisplayed",
    });
    expect(help).toContain("--host <host>");
    expect(help).toContain("--serial <path>");
    expect(help).toContain("--profile <name>");
    expect(help).toContain("--json");
    expect(help).toContain("jisr gateway read --host 192.168.1.50");
    expect(help).toContain("jisr gateway read --serial /dev/ttyUSB0 --baud 9600 --parity even --unit 2");
  });

  it("reads a SunSpec inverter over Modbus RTU with --serial", async () => {
    const pty = await startPtyPair();
    const bus = await startSunspecRtuBus({ path: pty.a, inverters: [{ unit: 2, seed: 5, tickMs: 0 }] });
    try {
      const { out, io } = capture();
      const code = await runGatewayRead(
        { serial: pty.b, baud: "9600", parity: "none", unit: "2", timeout: "1000" },
        io,
      );
      expect(out.stderr).toBe("");
      expect(code).toBe(0);
      const lines = out.stdout.split("\n");
      expect(lines[0]).toBe(
        `SunSpec device at ${pty.b} 9600 8N1 unit 2, base register 40000: 3 model(s) decoded`,
      );
      expect(lines.some((l) => /^\s+SN\s+JSIM-5-2$/.test(l))).toBe(true);
    } finally {
      await bus.close();
      await pty.stop();
    }
  });

  it("reads with a data profile given by --profile, in as few requests as it allows", async () => {
    // The built-in IMT Si-RS485TC sensor: input registers 0 (irradiance), 7 and 8 (temperatures, int16).
    const sensor = await startRegisterServer([
      { table: "input", start: 0, words: [8123, 0, 0, 0, 0, 0, 0, 412, 0xfff1] },
    ]);
    try {
      const { out, io } = capture();
      expect(await runGatewayRead(opts(sensor.port, { profile: "imt-si-rs485tc" }), io)).toBe(0);
      const lines = out.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`Profile imt-si-rs485tc at 127.0.0.1:${sensor.port} unit 1: 3 point(s)`);
      const row = (name: string) =>
        lines
          .find((l) => l.trimStart().startsWith(`${name} `))
          ?.trim()
          .split(/\s{2,}/);
      expect(row("irradiance")).toEqual(["irradiance", "812.3", "W/m²"]);
      expect(row("module_temperature")).toEqual(["module_temperature", "41.2", "°C"]);
      expect(row("ambient_temperature")).toEqual(["ambient_temperature", "-1.5", "°C"]);
      expect(sensor.inputReads).toEqual([{ address: 0, length: 9 }]);

      const json = capture();
      expect(
        await runGatewayRead(opts(sensor.port, { profile: "imt-si-rs485tc", json: true }), json.io),
      ).toBe(0);
      const parsed = JSON.parse(json.out.stdout) as {
        profile: string;
        values: Array<{ point: string; value: unknown }>;
      };
      expect(parsed.profile).toBe("imt-si-rs485tc");
      expect(parsed.values.map((v) => [v.point, v.value])).toEqual([
        ["irradiance", 812.3],
        ["module_temperature", 41.2],
        ["ambient_temperature", -1.5],
      ]);
    } finally {
      await sensor.close();
    }
  });
});
