// A Modbus TCP server (modbus-serial ServerTCP) in front of a register image, answering one unit.
import { createServer } from "node:net";
import { ServerTCP } from "modbus-serial";
import type { Logger } from "pino";
import { MODBUS_EXCEPTION, ModbusException } from "./sunspec/register-bank.js";

export interface RegisterSource {
  /** Holding registers [addr, addr + count); throws a ModbusException when out of range. */
  read(addr: number, count: number): number[];
}

export interface ModbusServerHandle {
  port: number;
  close(): Promise<void>;
}

/** A free TCP port on `host`, found by letting the OS pick one. */
async function freePort(host: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(0, host, resolve);
  });
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr === "string") throw new Error(`no TCP port on ${host}`);
  return addr.port;
}

function readOnly(): never {
  // SunSpec models 1, 103 and 160 as served here are read-only, like on most inverters.
  throw new ModbusException(MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS, "registers are read-only");
}

function listen(
  source: RegisterSource,
  host: string,
  port: number,
  unit: number,
  log: Logger,
): Promise<ServerTCP> {
  const vector = {
    getHoldingRegister: (addr: number) => source.read(addr, 1)[0] ?? 0,
    getMultipleHoldingRegisters: (addr: number, length: number) => source.read(addr, length),
    getInputRegister: (): number => {
      throw new ModbusException(MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS, "no input registers");
    },
    setRegister: readOnly,
    setRegisterArray: readOnly,
  };
  // ServerTCP drops requests for other unit ids (no answer, like a real device on a shared bus).
  return whenListening(new ServerTCP(vector, { host, port, unitID: unit }), host, port, log);
}

/**
 * `server` once it listens, or why it could not; errors after that are logged (a server error) or logged
 * at debug (one client's socket), never thrown.
 */
export function whenListening(
  server: ServerTCP,
  host: string,
  port: number,
  log: Logger,
): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    let listening = false;
    server.on("initialized", () => {
      listening = true;
      resolve(server);
    });
    server.on("serverError", (err: Error | null) => {
      if (listening) log.error({ err }, "modbus server error");
      else reject(err ?? new Error(`modbus server could not listen on ${host}:${port}`));
    });
    server.on("socketError", (err: Error | null) => log.debug({ err }, "modbus client socket error"));
  });
}

const PORT_RETRIES = 5;

/**
 * Starts a modbus-serial ServerTCP on host:port through `listen`. Port 0 picks a free port: modbus-serial
 * treats 0 as "use 502", so one is found first, and found again if another process takes it in between.
 */
export async function serveOnPort(
  host: string,
  requestedPort: number,
  listen: (port: number) => Promise<ServerTCP>,
): Promise<{ port: number; close(): Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    const port = requestedPort === 0 ? await freePort(host) : requestedPort;
    try {
      const server = await listen(port);
      const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
      return { port, close };
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
      if (requestedPort !== 0 || !inUse || attempt >= PORT_RETRIES) throw err;
    }
  }
}

/** Serve `source` on host:port for one unit id; port 0 picks a free port. */
export function startModbusServer(
  source: RegisterSource,
  opts: { host: string; port: number; unit: number; logger: Logger },
): Promise<ModbusServerHandle> {
  return serveOnPort(opts.host, opts.port, (port) => listen(source, opts.host, port, opts.unit, opts.logger));
}
