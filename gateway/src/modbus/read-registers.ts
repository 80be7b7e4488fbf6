/** Reading holding-register ranges of any length within the Modbus per-request limit. */

/** The part of a modbus-serial client we use; a ModbusRTU instance satisfies it. */
export interface HoldingRegisterReader {
  readHoldingRegisters(address: number, length: number): Promise<{ data: number[] }>;
}

/** Modbus application protocol v1.1b3, 6.3: a read holding registers request asks for 1 to 125. */
export const MAX_REGISTERS_PER_READ = 125;

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
