/**
 * For tests: a real TCP proxy in front of a Modbus TCP device (the simulator). It records every request
 * (function code, address, quantity) and can cut connections or stop accepting them, to show what a
 * driver does when the network fails, on the real wire and without mocks.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface RecordedModbusRequest {
  unit: number;
  functionCode: number;
  address: number;
  quantity: number;
}

export interface ModbusTcpProxy {
  port: number;
  requests: RecordedModbusRequest[];
  /** Client connections accepted so far. */
  connections: number;
  /** Destroys every open connection (the driver sees a reset or "Port Not Open"). */
  dropConnections(): void;
  /** Stops accepting (connections are refused) and drops the open ones. */
  pause(): Promise<void>;
  /** Accepts again, on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** Splits Modbus TCP frames out of a byte stream: MBAP header (7 bytes, length at 4) then the PDU. */
function takeFrames(buffer: Buffer, onFrame: (frame: Buffer) => void): Buffer {
  let rest = buffer;
  while (rest.length >= 7) {
    const size = 6 + rest.readUInt16BE(4);
    if (rest.length < size) break;
    onFrame(rest.subarray(0, size));
    rest = rest.subarray(size);
  }
  return rest;
}

export interface ModbusTcpProxyOptions {
  /**
   * Requests the proxy answers itself with Modbus exception 2 (illegal data address) instead of passing
   * them on, as a device does for a range it will not serve in one read.
   */
  refuse?: (request: RecordedModbusRequest) => boolean;
}

export async function startModbusTcpProxy(
  target: { host: string; port: number },
  options: ModbusTcpProxyOptions = {},
): Promise<ModbusTcpProxy> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: [] as RecordedModbusRequest[] };
  const parse = (frame: Buffer): RecordedModbusRequest | undefined =>
    frame.length < 12
      ? undefined
      : {
          unit: frame.readUInt8(6),
          functionCode: frame.readUInt8(7),
          address: frame.readUInt16BE(8),
          quantity: frame.readUInt16BE(10),
        };
  /** The exception answer to `frame`: its MBAP header with length 3, function | 0x80, code 2. */
  const refusal = (frame: Buffer) => {
    const answer = Buffer.alloc(9);
    frame.copy(answer, 0, 0, 4);
    answer.writeUInt16BE(3, 4);
    answer.writeUInt8(frame.readUInt8(6), 6);
    answer.writeUInt8(frame.readUInt8(7) | 0x80, 7);
    answer.writeUInt8(2, 8);
    return answer;
  };
  const onConnection = (client: Socket) => {
    state.connections++;
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let pending: Buffer = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = takeFrames(Buffer.concat([pending, chunk]), (frame) => {
        const request = parse(frame);
        if (request) state.requests.push(request);
        if (request && options.refuse?.(request)) client.write(refusal(frame));
        else upstream.write(frame);
      });
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on("error", end);
      s.on("close", end);
    }
  };
  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const dropConnections = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const port = await listen(0);
  return {
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    dropConnections,
    async pause() {
      dropConnections();
      await stop();
    },
    async resume() {
      server = createServer(onConnection);
      await listen(port);
    },
    async close() {
      dropConnections();
      if (server.listening) await stop();
    },
  };
}
