/**
 * A Modbus link: the way to one bus, TCP or RTU. Every driver reads through one, so the rules of the
 * wire live in one place: a serial line (or a TCP-to-RTU converter) takes one request at a time for all
 * the unit ids on it, a plain Modbus TCP device may take several.
 */

/** The four Modbus data tables (function codes 3, 4, 1 and 2). */
export type RegisterTable = "holding" | "input" | "coil" | "discrete";

export interface ModbusLink {
  /** For messages: "192.168.1.50:502" or "/dev/ttyUSB0 9600 8N1". */
  readonly where: string;
  /**
   * Reads `count` registers (16-bit words) or bits (0/1) of `table` at `address` from `unit`. At most 125
   * registers or 2000 bits per call. Rejects on timeout, exception response or a lost connection, with a
   * ModbusLinkError (modbus/errors.ts) whose `kind` says which.
   */
  read(
    unit: number,
    table: RegisterTable,
    address: number,
    count: number,
    timeoutMs: number,
  ): Promise<number[]>;
  /**
   * Opens the socket or serial port now if it is not open, so a caller can report an unreachable bus early;
   * optional because read() connects by itself. Rejects with a ModbusTransportError.
   */
  connect?(): Promise<void>;
  close(): Promise<void>;
}

/** Counters of one link since it was created, for health readings, tests and benchmarks. */
export interface LinkStats {
  /** Requests sent on the wire. */
  requests: number;
  /** Answers with data. */
  answered: number;
  exceptions: number;
  timeouts: number;
  /** Requests that failed because the socket or port was gone (or went away meanwhile). */
  transportErrors: number;
  /** Garbled answers (CRC, length, unexpected unit or function). */
  frameErrors: number;
  /** Successful opens of the socket or port, the first included. */
  connects: number;
  connectFailures: number;
  /** Requests on the wire right now, and the most there ever were at once (1 on a serialised link). */
  inFlight: number;
  maxInFlight: number;
}

/** How busy a one-at-a-time line was over the last `window_ms`: wire time per unit id. */
export interface LinkLoad {
  window_ms: number;
  /** Time with a request on the wire (or waiting for its answer), ms. */
  busy_ms: number;
  /** Of which, per unit id, most costly first. */
  units: { unit: number; busy_ms: number; requests: number; timeouts: number }[];
}
