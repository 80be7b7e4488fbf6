/** One read request on a modbus-serial client, and the rules around it: limits, silence, counters. */
import type { ModbusRTU } from "./client.js";
import type { LinkStats, RegisterTable } from "./link-types.js";
import { MAX_BITS_PER_READ, MAX_REGISTERS_PER_READ } from "./read-registers.js";

/**
 * Modbus over serial line v1.02, 2.5.1.1: frames are separated by at least 3.5 character times; above
 * 19200 baud a fixed 1.75 ms. A character is 11 bits (start, 8 data, parity or second stop, stop).
 */
export function interFrameGapMs(baud: number): number {
  return baud > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baud;
}

export function checkRange(table: RegisterTable, address: number, count: number): void {
  const max = table === "holding" || table === "input" ? MAX_REGISTERS_PER_READ : MAX_BITS_PER_READ;
  if (!Number.isInteger(count) || count < 1 || count > max)
    throw new RangeError(`cannot read ${count} ${table} values at once: 1 to ${max}`);
  if (!Number.isInteger(address) || address < 0 || address + count > 0x10000)
    throw new RangeError(`${table} range ${address}+${count} is outside 0..65535`);
}

export async function sendRead(
  client: ModbusRTU,
  table: RegisterTable,
  address: number,
  count: number,
): Promise<number[]> {
  if (table === "holding") return (await client.readHoldingRegisters(address, count)).data;
  if (table === "input") return (await client.readInputRegisters(address, count)).data;
  // Bits come back padded to whole bytes, as booleans.
  const { data } =
    table === "coil"
      ? await client.readCoils(address, count)
      : await client.readDiscreteInputs(address, count);
  return data.slice(0, count).map((bit) => (bit ? 1 : 0));
}

export function emptyStats(): LinkStats {
  return {
    requests: 0,
    answered: 0,
    exceptions: 0,
    timeouts: 0,
    transportErrors: 0,
    frameErrors: 0,
    connects: 0,
    connectFailures: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
}
