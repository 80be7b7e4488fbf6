import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Runs `code` (an ES module) in a fresh Node, where nothing is loaded yet, and returns its stdout. */
function fresh(code: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: HERE,
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("the serial gate (footprint: no serialport without a serial device)", () => {
  it("lets modbus-serial load for Modbus TCP without loading serialport", () => {
    const out = fresh(`
      const gate = await import("tsx/esm/api").then((t) => t.tsImport(${JSON.stringify(join(HERE, "serial-gate.ts"))}, import.meta.url));
      console.log("gate", gate.keepSerialPortUnloaded());
      const Modbus = (await import("modbus-serial")).default;
      console.log("tcp", typeof new Modbus().connectTCP);
      console.log("serialport", gate.serialPortLoaded());
    `);
    expect(out.trim().split("\n")).toEqual(["gate true", "tcp function", "serialport false"]);
  });

  it("would notice serialport loaded (modbus-serial without the gate)", () => {
    const out = fresh(`
      const gate = await import("tsx/esm/api").then((t) => t.tsImport(${JSON.stringify(join(HERE, "serial-gate.ts"))}, import.meta.url));
      await import("modbus-serial");
      console.log("serialport", gate.serialPortLoaded());
    `);
    expect(out.trim()).toBe("serialport true");
  });
});
