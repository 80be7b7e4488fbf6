/**
 * The failures of a Modbus request, as typed errors. They are kept apart because each calls for something
 * different (STYLE.md habit 10): an exception response means the device is there and refused (retrying the
 * same request will not help, except "busy"); a timeout means nobody answered in time (a wrong unit id on
 * RTU looks exactly like this); a transport error means the way to the device is gone (the socket or serial
 * port is recreated); a frame error means an answer arrived garbled (noise, wrong baud rate).
 *
 * Messages are short and never repeat the device or its address: callers prefix their own subject.
 */

/** What went wrong on the wire: kept apart because only some are worth a retry. */
export type ModbusFailureKind = "exception" | "timeout" | "connection" | "other";

/** Modbus application protocol v1.1b3, section 7: the exception codes, by name. */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  1: "ILLEGAL_FUNCTION",
  2: "ILLEGAL_DATA_ADDRESS",
  3: "ILLEGAL_DATA_VALUE",
  4: "SERVER_DEVICE_FAILURE",
  5: "ACKNOWLEDGE",
  6: "SERVER_DEVICE_BUSY",
  8: "MEMORY_PARITY_ERROR",
  10: "GATEWAY_PATH_UNAVAILABLE",
  11: "GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND",
};

/** Exception 6: the device is alive but busy; ask again later on the same connection. */
export const EXCEPTION_BUSY = 6;
/**
 * Exceptions 10 and 11 come from a TCP-to-RTU gateway, not from the device: the unit behind it did not
 * answer. For the device they mean what a timeout means on a direct line.
 */
export const GATEWAY_EXCEPTIONS: readonly number[] = [10, 11];

interface LinkErrorOptions extends ErrorOptions {
  /** The bus, for messages: "192.168.1.50:502" or "/dev/ttyUSB0 9600 8N1". */
  where: string;
  unit?: number;
}

/** Base class of the errors a ModbusLink rejects with. */
export abstract class ModbusLinkError extends Error {
  abstract readonly kind: ModbusFailureKind;
  readonly where: string;
  readonly unit: number | undefined;
  constructor(message: string, options: LinkErrorOptions) {
    super(message, options);
    this.where = options.where;
    this.unit = options.unit;
  }
}

/** The device answered with a Modbus exception response. */
export class ModbusExceptionError extends ModbusLinkError {
  override name = "ModbusExceptionError";
  readonly kind = "exception";
  /** Same value as `code`, under the name modbus-serial uses, so older checks keep working. */
  readonly modbusCode: number;
  constructor(
    readonly code: number,
    options: LinkErrorOptions,
  ) {
    const name = MODBUS_EXCEPTIONS[code] ?? "UNKNOWN_EXCEPTION";
    super(`Modbus exception ${code} (${name})`, options);
    this.modbusCode = code;
  }

  /** ILLEGAL_DATA_ADDRESS, SERVER_DEVICE_BUSY, ... */
  get exceptionName(): string {
    return MODBUS_EXCEPTIONS[this.code] ?? "UNKNOWN_EXCEPTION";
  }
}

/** No answer within the timeout. */
export class ModbusTimeoutError extends ModbusLinkError {
  override name = "ModbusTimeoutError";
  readonly kind = "timeout";
  constructor(
    readonly timeoutMs: number,
    options: LinkErrorOptions,
  ) {
    super(`no answer within ${timeoutMs} ms (timed out)`, options);
  }
}

/** The socket or serial port is not there: refused, lost, closed, or still backing off before a reconnect. */
export class ModbusTransportError extends ModbusLinkError {
  override name = "ModbusTransportError";
  readonly kind = "connection";
}

/** An answer arrived but could not be used (bad CRC, wrong length, another unit's answer). */
export class ModbusFrameError extends ModbusLinkError {
  override name = "ModbusFrameError";
  readonly kind = "other";
}

/** Devices on one serial port were configured with different line settings, or a target is unusable. */
export class LinkConfigError extends Error {
  override name = "LinkConfigError";
}
