/**
 * A Modbus RTU server on a serial port (modbus-serial ServerSerial), answering several unit ids: the
 * simulated devices of one RS-485 bus. In tests the port is one end of a socat pseudo-terminal pair.
 *
 * A unit id with no device gets no answer at all, as on a real bus (a wrong unit id looks like a timeout
 * to the master); `setSilent` makes a device stop answering and start again, to simulate one that dies.
 */
import { ServerSerial } from "modbus-serial";
import type { Logger } from "pino";
import { pino } from "pino";
import type { RegisterSource } from "../modbus-server.js";
import { MODBUS_EXCEPTION, ModbusException } from "../sunspec/register-bank.js";

/** A device on the bus: holding registers, and input registers if it has any. */
export interface RtuDevice extends RegisterSource {
  readInput?(addr: number, count: number): number[];
}

export interface RtuSerialOptions {
  /** The serial port, e.g. /dev/ttyUSB1 or one end of a pty pair. */
  path: string;
  baud?: number;
  parity?: "none" | "even" | "odd";
  dataBits?: 7 | 8;
  stopBits?: 1 | 2;
  /** Devices by unit id (1-247). */
  devices: ReadonlyMap<number, RtuDevice>;
  /**
   * Silence that ends a request frame, ms. RTU frames end after 3.5 character times of silence (4 ms at
   * 9600 baud); modbus-serial's server waits 30 ms by default, which would make every request look slow.
   */
  frameEndMs?: number;
  /** Holds each answer this long before sending it, e.g. to emulate the time on a real line (benchmarks). */
  answerDelayMs?: (request: RtuRequest) => number;
  logger?: Logger;
}

/** One request the server received, answered or not. */
export interface RtuRequest {
  unit: number;
  functionCode: number;
  address: number;
  count: number;
}

export interface RtuServerHandle {
  path: string;
  /** Every read request that reached the server, in arrival order, for any unit id. */
  requests: RtuRequest[];
  /** Stops (true) or resumes (false) answering as `unit`. */
  setSilent(unit: number, silent: boolean): void;
  close(): Promise<void>;
}

type Callback<T> = (err: unknown, value?: T) => void;

function buildVector(o: RtuSerialOptions, requests: RtuRequest[], silent: Set<number>) {
  /** Calls back with the values, or an exception; never calls back for a unit nobody answers as. */
  const serve = <T>(
    fc: number,
    unit: number,
    address: number,
    count: number,
    cb: Callback<T>,
    read: (d: RtuDevice) => T,
  ) => {
    requests.push({ unit, functionCode: fc, address, count });
    const device = o.devices.get(unit);
    if (!device || silent.has(unit)) return;
    const answer = () => {
      try {
        cb(null, read(device));
      } catch (err) {
        cb(err);
      }
    };
    const delay = o.answerDelayMs?.({ unit, functionCode: fc, address, count }) ?? 0;
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  };
  const inputOf = (d: RtuDevice, address: number, count: number) => {
    if (!d.readInput) throw new ModbusException(MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS, "no input registers");
    return d.readInput(address, count);
  };
  // Four- and three-argument functions: modbus-serial then calls them callback style (servertcp_handler.js).
  return {
    getMultipleHoldingRegisters: (address: number, count: number, unit: number, cb: Callback<number[]>) =>
      serve(3, unit, address, count, cb, (d) => d.read(address, count)),
    getHoldingRegister: (address: number, unit: number, cb: Callback<number>) =>
      serve(3, unit, address, 1, cb, (d) => d.read(address, 1)[0] ?? 0),
    getMultipleInputRegisters: (address: number, count: number, unit: number, cb: Callback<number[]>) =>
      serve(4, unit, address, count, cb, (d) => inputOf(d, address, count)),
    getInputRegister: (address: number, unit: number, cb: Callback<number>) =>
      serve(4, unit, address, 1, cb, (d) => inputOf(d, address, 1)[0] ?? 0),
  };
}

/** Opens the port and serves the devices; rejects if the port cannot be opened. */
export function startRtuServer(o: RtuSerialOptions): Promise<RtuServerHandle> {
  const log = (o.logger ?? pino({ level: "silent" })).child({ component: "sim-rtu-server", path: o.path });
  const requests: RtuRequest[] = [];
  const silent = new Set<number>();
  return new Promise((resolve, reject) => {
    const baudRate = o.baud ?? 9600;
    const options = {
      path: o.path,
      baudRate,
      interval: o.frameEndMs ?? Math.max(2, Math.ceil((3.5 * 11 * 1000) / baudRate)),
      parity: o.parity ?? "none",
      // 255: hand every unit id to the vector, which answers only for the devices it has.
      unitID: 255,
      openCallback: (err: Error | null) => {
        if (err) reject(new Error(`cannot open serial port ${o.path}: ${err.message}`));
      },
    };
    // ServerSerial copies only path, baud rate and parity from its options; other serialport options go
    // in a third argument its type declarations leave out.
    const Server = ServerSerial as unknown as new (v: unknown, o: unknown, s: unknown) => ServerSerial;
    const server = new Server(buildVector(o, requests, silent), options, {
      dataBits: o.dataBits ?? 8,
      stopBits: o.stopBits ?? 1,
    });
    server.on("socketError", (err) => log.debug({ err }, "serial port error"));
    server.on("initialized", () => {
      log.info({ units: [...o.devices.keys()], baud: options.baudRate }, "Modbus RTU server listening");
      resolve({
        path: o.path,
        requests,
        setSilent: (unit, on) => {
          if (on) silent.add(unit);
          else silent.delete(unit);
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
