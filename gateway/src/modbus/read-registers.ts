/** Reading holding-register ranges of any length within the Modbus per-request limit. */
import type { ModbusLink } from "./link-types.js";

/** The part of a modbus-serial client we use; a ModbusRTU instance satisfies it, and so does unitReader(). */
export interface HoldingRegisterReader {
  readHoldingRegisters(address: number, length: number): Promise<{ data: number[] }>;
}

/** Modbus application protocol v1.1b3, 6.3: a read holding registers request asks for 1 to 125. */
export const MAX_REGISTERS_PER_READ = 125;
/** Ibid. 6.1 and 6.2: a read coils / discrete inputs request asks for 1 to 2000. */
export const MAX_BITS_PER_READ = 2000;

/**
 * The holding registers of one unit on a link, in the shape the SunSpec code reads through: each call is
 * one request to `unit`, bounded by `timeoutMs`, going through the link's one-at-a-time rule.
 */
export function unitReader(link: ModbusLink, unit: number, timeoutMs: number): HoldingRegisterReader {
  return {
    readHoldingRegisters: async (address, length) => ({
      data: await link.read(unit, "holding", address, length, timeoutMs),
    }),
  };
}

/**
 * Reads `length` registers from `address` in requests of at most `maxPerRead`, one after the other
 * (RTU lines and TCP-to-RTU gateways cannot take concurrent requests).
 */
export async function readHoldingRange(
  client: HoldingRegisterReader,
  address: number,
  length: number,
  maxPerRead = MAX_REGISTERS_PER_READ,
): Promise<number[]> {
  if (address < 0 || length < 0 || address + length > 0x10000) {
    throw new RangeError(`register range ${address}+${length} is outside 0..65535`);
  }
  const words: number[] = [];
  for (let at = address; at < address + length; at += maxPerRead) {
    const count = Math.min(maxPerRead, address + length - at);
    const { data } = await client.readHoldingRegisters(at, count);
    if (data.length !== count) {
      throw new Error(`read of ${count} registers at ${at} returned ${data.length}`);
    }
    words.push(...data);
  }
  return words;
}
