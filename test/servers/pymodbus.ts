/**
 * Starts test/servers/pymodbus-server.py: pymodbus 3.0 (Debian python3-pymodbus), a Modbus server we did
 * not write, over TCP on a free loopback port or over RTU on a serial port. Run with /usr/bin/python3:
 * `python3` on PATH may be another interpreter (pyenv) without Debian's packages.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const DEBIAN_PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./pymodbus-server.py", import.meta.url));
const READY_MS = 15_000;

export interface PymodbusServer {
  /** TCP port, or the serial path. */
  where: string;
  port: number;
  stop(): Promise<void>;
}

/** Why pymodbus cannot run here, or undefined if it can. */
export function pymodbusMissing(): string | undefined {
  if (!existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} is missing`;
  // pymodbus 3.0's server module imports serial_asyncio even for TCP (Debian: a Recommends, not a Depends).
  const probe = spawnSync(DEBIAN_PYTHON, ["-c", "import pymodbus.server, serial_asyncio"], {
    encoding: "utf8",
  });
  if (probe.status === 0) return undefined;
  return `pymodbus cannot be imported by ${DEBIAN_PYTHON} (apt-get install python3-pymodbus python3-serial-asyncio): ${probe.stderr.trim().split("\n").pop()}`;
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await gone;
  clearTimeout(timer);
}

/** Starts the server and resolves once it prints READY; `units` are the unit ids it answers. */
export async function startPymodbus(
  where: { tcp: true } | { serial: string; baud?: number; parity?: "N" | "E" | "O" },
  units: number[] = [1],
): Promise<PymodbusServer> {
  const missing = pymodbusMissing();
  if (missing) throw new Error(missing);
  const args =
    "tcp" in where
      ? ["--tcp", "0"]
      : ["--serial", where.serial, "--baud", String(where.baud ?? 9600), "--parity", where.parity ?? "N"];
  const child = spawn(DEBIAN_PYTHON, [SCRIPT, ...args, "--units", units.join(",")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-10_000);
  });
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no READY within ${READY_MS} ms`)), READY_MS);
      child.stdout?.on("data", (b: Buffer) => {
        out += b.toString();
        const line = /^READY (\S+)$/m.exec(out);
        if (line?.[1]) {
          clearTimeout(timer);
          resolve(line[1]);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with code ${code}`));
      });
    });
    return { where: ready, port: Number(ready) || 0, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw new Error(`pymodbus server did not start: ${(err as Error).message}\n${stderr}`);
  }
}
