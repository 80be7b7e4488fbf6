import Modbus from "modbus-serial";
import { z } from "zod";
import {
  ModbusExceptionError,
  type ModbusFailureKind,
  ModbusFrameError,
  ModbusLinkError,
  ModbusTimeoutError,
  ModbusTransportError,
} from "./errors.js";

export type { ModbusFailureKind } from "./errors.js";

/** Connecting to a Modbus TCP device, and telling its failures apart. */

// modbus-serial is CommonJS: under NodeNext its default import is module.exports, whose `default`
// property is the client class itself (index.js sets module.exports.default = module.exports).
const ModbusClientClass = Modbus.default;
/** modbus-serial's client. */
export type ModbusRTU = InstanceType<typeof Modbus.default>;

export const ModbusTcpOptionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(502),
  unit: z.number().int().min(0).max(255).default(1).describe("Modbus unit (slave) id"),
  timeoutMs: z.number().int().positive().max(600_000).default(3000),
});
export type ModbusTcpOptions = z.input<typeof ModbusTcpOptionsSchema>;

interface ModbusishError {
  message?: unknown;
  errno?: unknown;
  code?: unknown;
  modbusCode?: unknown;
}

const CONNECTION_CODES = ["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EPIPE"];

/** Classifies an error thrown by a ModbusLink, modbus-serial or node:net. */
export function modbusFailureKind(err: unknown): ModbusFailureKind {
  if (err instanceof ModbusLinkError) return err.kind;
  const e = (typeof err === "object" && err !== null ? err : {}) as ModbusishError;
  if (typeof e.modbusCode === "number") return "exception";
  const code = String(e.errno ?? e.code ?? "");
  if (code === "ETIMEDOUT" || /timed out/i.test(String(e.message))) return "timeout";
  if (CONNECTION_CODES.includes(code) || /port not open/i.test(String(e.message))) return "connection";
  return "other";
}

/** The Modbus exception code (2 = illegal data address, 6 = busy, ...), if the device answered with one. */
export function modbusExceptionCode(err: unknown): number | undefined {
  const code = (err as ModbusishError | null)?.modbusCode;
  return typeof code === "number" ? code : undefined;
}

/** modbus-serial's messages for answers it could not use (client index.js, _onReceive). */
const FRAME_MESSAGES = /^(CRC error|Data length error|Unexpected data error)/;

/**
 * Turns a failure of one modbus-serial request into a typed ModbusLinkError. modbus-serial rejects with
 * plain objects (errno "ETIMEDOUT", "Port Not Open" with errno "ECONNREFUSED", `modbusCode` on exception
 * responses); everything that is neither an answer nor a timeout means the port or socket is unusable.
 */
export function toLinkError(
  err: unknown,
  context: { where: string; unit: number; timeoutMs: number },
): ModbusLinkError {
  if (err instanceof ModbusLinkError) return err;
  const options = { where: context.where, unit: context.unit, cause: err };
  const code = modbusExceptionCode(err);
  if (code !== undefined) return new ModbusExceptionError(code, options);
  const kind = modbusFailureKind(err);
  if (kind === "timeout") return new ModbusTimeoutError(context.timeoutMs, options);
  const message = String((err as ModbusishError | null)?.message ?? err);
  if (FRAME_MESSAGES.test(message)) return new ModbusFrameError(`garbled answer: ${message}`, options);
  return new ModbusTransportError(/port not open/i.test(message) ? "port not open" : message, options);
}

/** A connection that could not be opened; the message names the host and says what to check. */
export class ModbusConnectError extends Error {
  override name = "ModbusConnectError";
  constructor(
    message: string,
    readonly kind: ModbusFailureKind,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function connectMessage(host: string, port: number, timeoutMs: number, err: unknown): string {
  const kind = modbusFailureKind(err);
  const where = `${host}:${port}`;
  if (kind === "timeout")
    return `cannot connect to ${where}: no answer within ${timeoutMs} ms (check host and network)`;
  const code = String((err as ModbusishError | null)?.code ?? (err as ModbusishError | null)?.errno ?? "");
  if (code === "ECONNREFUSED")
    return `cannot connect to ${where}: connection refused (is Modbus TCP enabled on it?)`;
  if (code === "ENOTFOUND") return `cannot connect to ${where}: unknown host "${host}"`;
  return `cannot connect to ${where}: ${(err as Error | null)?.message ?? String(err)}`;
}

/**
 * Opens a Modbus TCP connection with a request timeout set (modbus-serial has none by default, so a
 * silent device would hang a poll forever) and the unit id selected. Close it with `closeModbus`.
 */
export async function connectModbusTcp(options: ModbusTcpOptions): Promise<ModbusRTU> {
  const { host, port, unit, timeoutMs } = ModbusTcpOptionsSchema.parse(options);
  const client = new ModbusClientClass();
  // Set before connecting: modbus-serial also applies it to the TCP socket, which bounds the connect.
  client.setTimeout(timeoutMs);
  // modbus-serial re-emits socket errors; without a listener an EventEmitter error would crash us.
  client.on("error", () => {});
  try {
    await client.connectTCP(host, { port });
  } catch (err) {
    await closeModbus(client);
    throw new ModbusConnectError(connectMessage(host, port, timeoutMs, err), modbusFailureKind(err), {
      cause: err,
    });
  }
  client.setID(unit);
  return client;
}

/**
 * Closes a client, never throwing and never waiting on the peer. destroy(), not close(): close()
 * calls back only when the port had opened, so after a failed connect it would never return.
 */
export function closeModbus(client: ModbusRTU): Promise<void> {
  return new Promise((resolve) => {
    try {
      client.destroy(() => resolve());
    } catch {
      resolve();
    }
  });
}
