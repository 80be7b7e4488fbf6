/**
 * Where a Modbus bus is: a TCP endpoint (a device, or a TCP-to-RTU converter with several units behind it)
 * or a serial port with its line settings. Also: how to name it in messages, and how to open a
 * modbus-serial client on it.
 */
import { realpathSync } from "node:fs";
import Modbus from "modbus-serial";
import type { SerialConfig } from "../config/serial-schema.js";
import type { ModbusRTU } from "./client.js";
import { ModbusTransportError } from "./errors.js";

// modbus-serial is CommonJS: under NodeNext its default import is module.exports (see client.ts).
const ModbusClientClass = Modbus.default;

export type SerialLine = SerialConfig;
export type LinkTarget = { host: string; port: number } | { serial: SerialLine };

export function isSerial(target: LinkTarget): target is { serial: SerialLine } {
  return "serial" in target;
}

/** "9600 8N1": baud, data bits, parity letter, stop bits, as written on device labels and manuals. */
export function lineSettings(line: SerialLine): string {
  const parity = { none: "N", even: "E", odd: "O" }[line.parity];
  return `${line.baud} ${line.data_bits}${parity}${line.stop_bits}`;
}

/** For messages: "192.168.1.50:502" or "/dev/ttyUSB0 9600 8N1". */
export function describeTarget(target: LinkTarget): string {
  return isSerial(target)
    ? `${target.serial.path} ${lineSettings(target.serial)}`
    : `${target.host}:${target.port}`;
}

/**
 * The bus a target is on: devices with the same key share one link. Serial paths are resolved, so
 * /dev/serial/by-id/... and the /dev/ttyUSB0 it points to are one bus.
 */
export function busKey(target: LinkTarget): string {
  if (!isSerial(target)) return `tcp:${target.host.toLowerCase()}:${target.port}`;
  let path = target.serial.path;
  try {
    path = realpathSync(path);
  } catch {
    // Not there (yet): the link reports it when it opens the port.
  }
  return `serial:${path}`;
}

function errorText(err: unknown): string {
  return String((err as Error | null)?.message ?? err);
}

function tcpConnectMessage(target: { host: string; port: number }, timeoutMs: number, err: unknown): string {
  const where = `${target.host}:${target.port}`;
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (code === "ECONNREFUSED")
    return `cannot connect to ${where}: connection refused (is Modbus TCP enabled on it?)`;
  if (code === "ENOTFOUND") return `cannot connect to ${where}: unknown host "${target.host}"`;
  if (/timed out/i.test(errorText(err)) || code === "ETIMEDOUT")
    return `cannot connect to ${where}: no answer within ${timeoutMs} ms (check host and network)`;
  return `cannot connect to ${where}: ${errorText(err)}`;
}

function serialOpenMessage(line: SerialLine, err: unknown): string {
  // serialport's messages read "Error: No such file or directory, cannot open /dev/...".
  const text = errorText(err).replace(/^Error: /, "");
  const hint = /no such file/i.test(text)
    ? " (is the RS-485 adapter plugged in? check the path)"
    : /permission denied/i.test(text)
      ? " (add the gateway's user to the dialout group)"
      : /lock/i.test(text)
        ? " (another program holds the port)"
        : "";
  return `cannot open serial port ${line.path}: ${text}${hint}`;
}

/** How long closing a port may take before we stop waiting for it. */
const CLOSE_WAIT_MS = 1000;

/**
 * Closes a client, never throwing and never waiting long on the peer. TCP: destroy(), not close(), since
 * close() calls back only when the socket had opened. Serial: close(), since modbus-serial's RTU buffered
 * port has no destroy() and ModbusRTU.destroy() would then leave the port open, and locked against the
 * next open.
 */
export function destroyClient(client: ModbusRTU): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      const port = (client as unknown as { _port?: { destroy?: unknown } })._port;
      if (port && typeof port.destroy !== "function") client.close(done);
      else client.destroy(done);
    } catch {
      done();
    }
  });
}

/**
 * Opens a modbus-serial client on the target. The timeout is set before connecting: on TCP modbus-serial
 * also applies it to the socket, which bounds the connect. Throws ModbusTransportError naming the target.
 */
export async function openClient(target: LinkTarget, timeoutMs: number): Promise<ModbusRTU> {
  const client = new ModbusClientClass();
  client.setTimeout(timeoutMs);
  // modbus-serial re-emits socket and port errors; without a listener an EventEmitter error would crash us.
  client.on("error", () => {});
  try {
    if (isSerial(target)) {
      const { path, baud, parity, data_bits, stop_bits } = target.serial;
      await client.connectRTUBuffered(path, {
        baudRate: baud,
        parity,
        dataBits: data_bits,
        stopBits: stop_bits,
      });
    } else {
      await client.connectTCP(target.host, { port: target.port });
    }
  } catch (err) {
    await destroyClient(client);
    const message = isSerial(target)
      ? serialOpenMessage(target.serial, err)
      : tcpConnectMessage(target, timeoutMs, err);
    throw new ModbusTransportError(message, { where: describeTarget(target), cause: err });
  }
  return client;
}
