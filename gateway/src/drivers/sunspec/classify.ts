/**
 * Sorts a failure while reading a SunSpec device into what the driver should do about it
 * (TECH-NOTES "Modbus with modbus-serial 8", STYLE.md habit 10):
 * - transport / timeout: drop the connection and reconnect with backoff ("Port Not Open" included);
 * - busy (Modbus exception 6): the device is alive but busy; keep the connection and try again later;
 * - device: it answered, but not as expected (other exceptions, no SunSpec, a changed model chain):
 *   keep the connection and discover again.
 */
import { ModbusConnectError, modbusExceptionCode, modbusFailureKind } from "../../modbus/client.js";
import { SunspecError } from "../../sunspec/index.js";
import { DeviceError, type DeviceErrorKind } from "../types.js";

const MODBUS_BUSY = 6;

function kindOf(err: unknown): DeviceErrorKind {
  if (err instanceof ModbusConnectError) return err.kind === "timeout" ? "timeout" : "transport";
  if (err instanceof SunspecError) {
    if (err.code === "SUNSPEC_TIMEOUT") return "timeout";
    if (err.code === "SUNSPEC_CONNECTION") return "transport";
    if (err.code === "SUNSPEC_MODBUS_EXCEPTION")
      return modbusExceptionCode(err.cause) === MODBUS_BUSY ? "busy" : "device";
    return "device";
  }
  const kind = modbusFailureKind(err);
  if (kind === "timeout") return "timeout";
  if (kind === "connection") return "transport";
  if (kind === "exception") return modbusExceptionCode(err) === MODBUS_BUSY ? "busy" : "device";
  return "device";
}

/** A DeviceError whose message names the device and its address, and says what went wrong. */
export function classifyFailure(err: unknown, where: string): DeviceError {
  if (err instanceof DeviceError) return err;
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  return new DeviceError(kindOf(err), `${where}: ${message}`, { cause: err });
}
