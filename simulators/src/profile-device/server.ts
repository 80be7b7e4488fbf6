// A Modbus TCP server (modbus-serial ServerTCP) in front of a profile image: all four tables, one unit,
// and a record of every request it received (function code, address, count), so a test or a benchmark
// counts what really went over the wire.
import type { Server, Socket } from "node:net";
import type { Table } from "@jisr/gateway/profiles";
import { ServerTCP } from "modbus-serial";
import type { Logger } from "pino";
import { serveOnPort, whenListening } from "../modbus-server.js";

export interface ImageSource {
  read(table: Table, address: number, count: number): number[];
}

export interface ServedRequest {
  unit: number;
  functionCode: number;
  address: number;
  count: number;
}

export interface ImageServer {
  port: number;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** Splits Modbus TCP frames (7-byte MBAP header, length at byte 4) and records the read requests. */
function recorder(requests: ServedRequest[]) {
  return (sock: Socket) => {
    let pending: Buffer = Buffer.alloc(0);
    sock.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 7 && pending.length >= 6 + pending.readUInt16BE(4)) {
        const frame = pending.subarray(0, 6 + pending.readUInt16BE(4));
        pending = pending.subarray(frame.length);
        if (frame.length >= 12) {
          requests.push({
            unit: frame.readUInt8(6),
            functionCode: frame.readUInt8(7),
            address: frame.readUInt16BE(8),
            count: frame.readUInt16BE(10),
          });
        }
      }
    });
  };
}

function vectorOf(source: ImageSource) {
  const bit = (table: Table) => (addr: number) => (source.read(table, addr, 1)[0] ?? 0) !== 0;
  const one = (table: Table) => (addr: number) => source.read(table, addr, 1)[0] ?? 0;
  const many = (table: Table) => (addr: number, length: number) => source.read(table, addr, length);
  const readOnly = () => {
    throw Object.assign(new Error("read-only"), { modbusErrorCode: 1 });
  };
  return {
    getCoil: bit("coil"),
    getDiscreteInput: bit("discrete"),
    getHoldingRegister: one("holding"),
    getMultipleHoldingRegisters: many("holding"),
    getInputRegister: one("input"),
    getMultipleInputRegisters: many("input"),
    setCoil: readOnly,
    setRegister: readOnly,
    setRegisterArray: readOnly,
  };
}

function listen(
  source: ImageSource,
  host: string,
  port: number,
  unit: number,
  log: Logger,
  requests: ServedRequest[],
) {
  // ServerTCP drops requests for other unit ids (no answer, like a real device on a shared bus).
  const server = new ServerTCP(vectorOf(source), { host, port, unitID: unit });
  // modbus-serial creates its net.Server in the constructor but exposes no per-request event: listen to
  // the raw frames next to it (a private field, checked here so a modbus-serial upgrade fails loudly).
  const net = (server as unknown as { _server?: Server })._server;
  if (!net) throw new Error("modbus-serial ServerTCP has no _server: cannot record requests");
  net.on("connection", recorder(requests));
  return whenListening(server, host, port, log);
}

/** Serves `source` for one unit on host:port; port 0 picks a free one. */
export async function startImageServer(
  source: ImageSource,
  opts: {
    host: string;
    port: number;
    unit: number;
    logger: Logger;
    /** Where to record requests; a device served again after a link loss keeps one list. */
    requests?: ServedRequest[];
  },
): Promise<ImageServer> {
  const requests: ServedRequest[] = opts.requests ?? [];
  const server = await serveOnPort(opts.host, opts.port, (port) =>
    listen(source, opts.host, port, opts.unit, opts.logger, requests),
  );
  return { ...server, requests };
}
