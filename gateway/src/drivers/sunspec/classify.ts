/**
 * Sorts a failure while reading a SunSpec device into what the driver should do about it
 * (TECH-NOTES "Modbus with modbus-serial 8", STYLE.md habit 10):
 * - transport / timeout: the link reconnects by itself; the device rests for a backoff, then rediscovers;
 * - busy (Modbus exception 6): the device is alive but busy; try again later;
 * - device: it answered, but not as expected (other exceptions, no SunSpec, a changed model chain):
 *   discover again.
 * A TCP-to-RTU converter's own exceptions (10, 11: the unit behind it did not answer) count as timeouts.
 */
import { ModbusConnectError, modbusExceptionCode, modbusFailureKind } from "../../modbus/client.js";
import { EXCEPTION_BUSY, GATEWAY_EXCEPTIONS } from "../../modbus/errors.js";
import { SunspecError } from "../../sunspec/index.js";
import { DeviceError, type DeviceErrorKind } from "../types.js";

function exceptionKind(code: number | undefined): DeviceErrorKind {
  if (code === EXCEPTION_BUSY) return "busy";
  if (code !== undefined && GATEWAY_EXCEPTIONS.includes(code)) return "timeout";
  return "device";
}

function kindOf(err: unknown): DeviceErrorKind {
  if (err instanceof ModbusConnectError) return err.kind === "timeout" ? "timeout" : "transport";
  if (err instanceof SunspecError) {
    if (err.code === "SUNSPEC_TIMEOUT") return "timeout";
    if (err.code === "SUNSPEC_CONNECTION") return "transport";
    if (err.code === "SUNSPEC_MODBUS_EXCEPTION") return exceptionKind(modbusExceptionCode(err.cause));
    return "device";
  }
  const kind = modbusFailureKind(err);
  if (kind === "timeout") return "timeout";
  if (kind === "connection") return "transport";
  if (kind === "exception") return exceptionKind(modbusExceptionCode(err));
  return "device";
}

/** A DeviceError whose message names the device and its address, and says what went wrong. */
export function classifyFailure(err: unknown, where: string): DeviceError {
  if (err instanceof DeviceError) return err;
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  return new DeviceError(kindOf(err), `${where}: ${message}`, { cause: err });
}
