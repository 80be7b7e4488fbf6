/**
 * Starts test/servers/pymodbus-converter.py: a Modbus TCP-to-RTU converter made of pymodbus 3.0 parts (Debian
 * python3-pymodbus), on a free loopback port, forwarding every request onto a serial line where the units
 * are (typically a pymodbus RTU server from ./pymodbus.ts on the other end of a socat pty pair).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, tcpAccepts, waitFor } from "./free-port.js";
import { DEBIAN_PYTHON, pymodbusMissing, stopChild } from "./pymodbus.js";

const SCRIPT = fileURLToPath(new URL("./pymodbus-converter.py", import.meta.url));
const READY_MS = 15_000;

export interface ConverterOptions {
  /** The serial device the units are on. */
  serial: string;
  baud?: number;
  parity?: "N" | "E" | "O";
  /** How long the converter waits for a unit on the line, in whole seconds (pymodbus 3.0 takes no less); 1. */
  rtuTimeoutS?: number;
  /**
   * What the converter answers when a unit stays silent: exception 11 (GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND)
   * by default; with `silent`, nothing, so the client times out. Real converters do either.
   */
  absentUnit?: "exception" | "silent";
}

export interface PymodbusConverter {
  port: number;
  stop(): Promise<void>;
}

/** Starts the converter and resolves once it has said READY on our port and accepts connections there. */
export async function startPymodbusConverter(options: ConverterOptions): Promise<PymodbusConverter> {
  const missing = pymodbusMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const args = [
    SCRIPT,
    "--tcp",
    String(port),
    "--serial",
    options.serial,
    "--baud",
    String(options.baud ?? 9600),
    "--parity",
    options.parity ?? "N",
    "--rtu-timeout",
    String(options.rtuTimeoutS ?? 1),
    ...(options.absentUnit === "silent" ? ["--silent"] : []),
  ];
  const child = spawn(DEBIAN_PYTHON, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout = (stdout + b.toString()).slice(-10_000);
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-10_000);
  });
  // waitFor() takes a failed check for "not yet": an early exit must end the wait by itself.
  const exit = new Promise<never>((_, reject) => {
    child.once("exit", (code) => reject(new Error(`exited with code ${code}`)));
  });
  exit.catch(() => {}); // stop() ends the process later too: that rejection is nobody's failure
  try {
    // READY with our port rules out another process that grabbed the port after freePort() let it go.
    await Promise.race([
      exit,
      waitFor(
        async () => new RegExp(`^READY ${port}$`, "m").test(stdout) && (await tcpAccepts(port)),
        READY_MS,
        `the converter on port ${port}`,
      ),
    ]);
    return { port, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw new Error(`pymodbus converter did not start: ${(err as Error).message}\n${stderr}`);
  }
}
