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
   * registers or 2000 bits per call. Rejects on timeout, exception response or a lost connection.
   */
  read(
    unit: number,
    table: RegisterTable,
    address: number,
    count: number,
    timeoutMs: number,
  ): Promise<number[]>;
  close(): Promise<void>;
}
