/**
 * What a failed profile read means for the device (STYLE.md habit 10): the link's typed errors become
 * DeviceErrors whose kind tells the poller whether waiting and retrying can help.
 */
import {
  EXCEPTION_BUSY,
  GATEWAY_EXCEPTIONS,
  LinkConfigError,
  ModbusExceptionError,
  ModbusLinkError,
} from "../../modbus/errors.js";
import { ShortResponseError } from "../../profiles/read.js";
import { DeviceError, type DeviceErrorKind } from "../types.js";

function kindOf(err: unknown): DeviceErrorKind {
  if (err instanceof ModbusExceptionError) {
    if (err.code === EXCEPTION_BUSY) return "busy";
    // A TCP-to-RTU converter saying the unit behind it did not answer: for the device, a timeout.
    return GATEWAY_EXCEPTIONS.includes(err.code) ? "timeout" : "device";
  }
  if (err instanceof ModbusLinkError) {
    if (err.kind === "timeout") return "timeout";
    return "transport"; // the socket or port is gone, or an answer arrived garbled (noise, wrong baud)
  }
  if (err instanceof ShortResponseError) return "device";
  if (err instanceof LinkConfigError || err instanceof RangeError) return "config";
  return "device";
}

/** A DeviceError naming the device and its address, saying what went wrong and, where useful, what to check. */
export function classifyFailure(err: unknown, where: string): DeviceError {
  if (err instanceof DeviceError) return err;
  const kind = kindOf(err);
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  const hint =
    err instanceof ModbusExceptionError && err.code === 2
      ? " (the device has no such register: is this the right profile, or the right unit id?)"
      : kind === "timeout"
        ? " (check the unit id, wiring and line settings)"
        : "";
  return new DeviceError(kind, `${where}: ${message}${hint}`, { cause: err });
}
