/**
 * Which unit ids answer on a bus (`jisr gateway scan`). Each unit gets one request, the SunSpec marker
 * read (holding 40000, 2 registers): data or an exception response both prove a device is there; silence
 * within the timeout means nobody is. Units are probed one at a time: on RS-485 or behind a TCP-to-RTU
 * converter there is no other way, and on a plain TCP device it costs little.
 */
import { GATEWAY_EXCEPTIONS, ModbusExceptionError, ModbusLinkError } from "./errors.js";
import type { ModbusLink } from "./link-types.js";

/** The register read to probe with: the SunSpec marker, which a SunSpec device answers with data. */
export const PROBE = { table: "holding", address: 40000, count: 2 } as const;

export type ProbeAnswer =
  | { unit: number; answer: "data"; words: number[] }
  | { unit: number; answer: "exception"; code: number; name: string }
  /** Something answered but garbled: often the wrong baud rate or parity, or two devices with one id. */
  | { unit: number; answer: "garbled"; message: string };

/** Unit ids from "1-247", "1,3,10-12": sorted, without repeats; a message if the text is not one. */
export function parseUnits(text: string): number[] | string {
  const units = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part);
    const from = Number(m?.[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!m || from > to || to > 255)
      return `"${part.trim()}" is not a unit id or range: give e.g. 1-247 or 1,3,10-12 (ids 0 to 255)`;
    for (let u = from; u <= to; u++) units.add(u);
  }
  return [...units].sort((a, b) => a - b);
}

/** Whether an error means "nobody at this unit id" rather than "the bus is gone". */
function silence(err: ModbusLinkError): boolean {
  if (err.kind === "timeout") return true;
  // A converter's own "gateway target failed to respond": the unit behind it is silent.
  return err instanceof ModbusExceptionError && GATEWAY_EXCEPTIONS.includes(err.code);
}

/**
 * Probes `units` one by one and returns those that answered, in order. Rejects with the link's error when
 * the bus itself fails (port closed, connection lost): the remaining units could not be told apart.
 */
export async function probeUnits(
  link: ModbusLink,
  units: readonly number[],
  timeoutMs: number,
  onProbed: (unit: number, index: number) => void = () => {},
): Promise<ProbeAnswer[]> {
  const found: ProbeAnswer[] = [];
  for (const [index, unit] of units.entries()) {
    try {
      const words = await link.read(unit, PROBE.table, PROBE.address, PROBE.count, timeoutMs);
      found.push({ unit, answer: "data", words });
    } catch (err) {
      if (!(err instanceof ModbusLinkError) || err.kind === "connection") throw err;
      if (err instanceof ModbusExceptionError && !silence(err))
        found.push({ unit, answer: "exception", code: err.code, name: err.exceptionName });
      else if (err.kind === "other") found.push({ unit, answer: "garbled", message: err.message });
    }
    onProbed(unit, index);
  }
  return found;
}
