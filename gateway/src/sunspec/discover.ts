import { modbusFailureKind } from "../modbus/client.js";
import { type HoldingRegisterReader, readHoldingRange } from "../modbus/read-registers.js";
import type { ModelRef } from "./decoded-schema.js";

/**
 * SunSpec discovery: find the "SunS" marker, then walk the model chain by ID and L.
 * Facts from sunspec/pysunspec2 `sunspec2/modbus/client.py` and `mb.py` (DOMAIN.md 6.1).
 */

/** Base addresses tried, in pysunspec2's order (0-based protocol addresses). */
export const SUNSPEC_BASES: readonly number[] = [40000, 0, 50000];
/** "SunS" in two registers. */
export const SUNS_MARKER = [0x5375, 0x6e53] as const;
export const END_MODEL_ID = 0xffff;
/** More models than any real device has: a chain this long is corrupt, not long. */
const MAX_MODELS = 256;

export type SunspecErrorCode =
  | "SUNSPEC_NOT_FOUND"
  | "SUNSPEC_TIMEOUT"
  | "SUNSPEC_CONNECTION"
  | "SUNSPEC_MODBUS_EXCEPTION"
  | "SUNSPEC_BAD_CHAIN";

/** A failure to find or walk SunSpec on a device; the message says what to check. */
export class SunspecError extends Error {
  override name = "SunspecError";
  constructor(
    readonly code: SunspecErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface SunspecDiscovery {
  /** Address of the "SunS" marker. */
  base: number;
  /** Every model in chain order, known to us or not. */
  models: ModelRef[];
}

/** Wraps a modbus-serial failure while doing `what` into a SunspecError with a one-line message. */
export function wireError(err: unknown, what: string): SunspecError {
  const kind = modbusFailureKind(err);
  const msg = (err as Error | null)?.message ?? String(err);
  if (kind === "timeout") {
    return new SunspecError("SUNSPEC_TIMEOUT", `no answer ${what} (timed out): check the unit id`, {
      cause: err,
    });
  }
  if (kind === "exception") {
    return new SunspecError("SUNSPEC_MODBUS_EXCEPTION", `device refused ${what}: ${msg}`, { cause: err });
  }
  return new SunspecError("SUNSPEC_CONNECTION", `connection lost ${what}: ${msg}`, { cause: err });
}

/**
 * Returns the first base address holding "SunS". A Modbus exception or a timeout at one base moves on
 * to the next (devices answer either way for unmapped registers); a lost connection stops at once.
 */
export async function findSunspecBase(
  client: HoldingRegisterReader,
  bases: readonly number[] = SUNSPEC_BASES,
): Promise<number> {
  let timeouts = 0;
  let lastError: unknown;
  for (const base of bases) {
    try {
      const { data } = await client.readHoldingRegisters(base, 2);
      if (data[0] === SUNS_MARKER[0] && data[1] === SUNS_MARKER[1]) return base;
    } catch (err) {
      const kind = modbusFailureKind(err);
      if (kind !== "exception" && kind !== "timeout") throw wireError(err, `reading register ${base}`);
      if (kind === "timeout") timeouts++;
      lastError = err;
    }
  }
  const where = bases.join(", ");
  if (timeouts === bases.length) throw wireError(lastError, `at register ${where}`);
  throw new SunspecError("SUNSPEC_NOT_FOUND", `no SunSpec device: no "SunS" marker at register ${where}`);
}

/**
 * Walks the model chain from base + 2: each model is ID, L, then L registers; the chain ends at
 * ID 0xFFFF. Offsets are never assumed (SolarEdge's common block is 65 long, not 66).
 */
export async function walkModelChain(client: HoldingRegisterReader, base: number): Promise<ModelRef[]> {
  const models: ModelRef[] = [];
  let address = base + 2;
  while (models.length < MAX_MODELS) {
    if (address + 2 > 0x10000) break;
    let header: number[];
    try {
      header = await readHoldingRange(client, address, 2);
    } catch (err) {
      // Some devices omit the end marker and answer "illegal address" past the last model.
      if (modbusFailureKind(err) === "exception" && models.length > 0) return models;
      throw wireError(err, `reading the model header at register ${address}`);
    }
    const [id = END_MODEL_ID, length = 0] = header;
    if (id === END_MODEL_ID) return models;
    if (address + 2 + length > 0x10000) break;
    models.push({ id, address, length });
    address += 2 + length;
  }
  throw new SunspecError(
    "SUNSPEC_BAD_CHAIN",
    `SunSpec model chain from ${base} does not end with 0xFFFF before register ${Math.min(address, 65535)}`,
  );
}

/** Finds the SunSpec base and lists the models in its chain. */
export async function discoverSunspec(
  client: HoldingRegisterReader,
  options: { bases?: readonly number[] } = {},
): Promise<SunspecDiscovery> {
  const base = await findSunspecBase(client, options.bases);
  return { base, models: await walkModelChain(client, base) };
}
