// Encoding of SunSpec point values to 16-bit registers (big-endian words, most significant first).
import type { SunSpecType } from "./models.js";

/**
 * "Not implemented" value of each type, as a 16- or 32-bit unsigned integer (SunSpec; same table as
 * pysunspec2 `sunspec2/mb.py`). Strings are all NUL; pad is 0.
 */
export const NOT_IMPLEMENTED: Record<SunSpecType, number> = {
  int16: 0x8000,
  uint16: 0xffff,
  acc16: 0,
  enum16: 0xffff,
  bitfield16: 0xffff,
  count: 0xffff,
  sunssf: 0x8000,
  int32: 0x80000000,
  uint32: 0xffffffff,
  acc32: 0,
  bitfield32: 0xffffffff,
  string: 0,
  pad: 0,
};

const TWO_16 = 0x1_0000;
const TWO_32 = 0x1_0000_0000;

/** Inclusive range of a numeric type that does not collide with its sentinel. */
function range(type: SunSpecType): [number, number] {
  switch (type) {
    case "int16":
    case "sunssf":
      return [-0x7fff, 0x7fff];
    case "int32":
      return [-0x7fffffff, 0x7fffffff];
    case "uint32":
    case "bitfield32":
      return [0, TWO_32 - 2];
    default:
      return [0, TWO_16 - 2];
  }
}

/** Clamp (or for accumulators, wrap) an integer into the type's valid range. */
export function fitInteger(type: SunSpecType, raw: number): number {
  const n = Math.round(raw);
  if (type === "acc32") return ((n % TWO_32) + TWO_32) % TWO_32;
  if (type === "acc16") return ((n % TWO_16) + TWO_16) % TWO_16;
  const [lo, hi] = range(type);
  return Math.min(Math.max(n, lo), hi);
}

/** Registers of a numeric value already fitted to its type. `size` is 1 or 2. */
export function numberToRegisters(raw: number, size: number): number[] {
  const unsigned = raw < 0 ? (size === 2 ? TWO_32 : TWO_16) + raw : raw;
  return size === 2 ? [Math.floor(unsigned / TWO_16) & 0xffff, unsigned & 0xffff] : [unsigned & 0xffff];
}

/** Numeric value of registers, signed for the signed types. */
export function registersToNumber(type: SunSpecType, regs: readonly number[]): number {
  const [a = 0, b = 0] = regs;
  if (regs.length === 2) {
    const u = a * TWO_16 + b;
    return type === "int32" && u >= 0x80000000 ? u - TWO_32 : u;
  }
  return (type === "int16" || type === "sunssf") && a >= 0x8000 ? a - TWO_16 : a;
}

/** ASCII text in `size` registers, two characters per register, NUL-padded (truncated if longer). */
export function stringToRegisters(text: string, size: number): number[] {
  const bytes = Buffer.alloc(size * 2);
  bytes.write(text.slice(0, size * 2), "latin1");
  return Array.from({ length: size }, (_, i) => bytes.readUInt16BE(i * 2));
}

export function registersToString(regs: readonly number[]): string {
  const bytes = Buffer.alloc(regs.length * 2);
  for (const [i, r] of regs.entries()) bytes.writeUInt16BE(r, i * 2);
  return bytes.toString("latin1").replace(/\0+$/, "");
}

/** Registers holding the "not implemented" value of a point. */
export function notImplementedRegisters(type: SunSpecType, size: number): number[] {
  if (type === "string" || type === "pad") return new Array<number>(size).fill(0);
  return numberToRegisters(NOT_IMPLEMENTED[type], size);
}

/**
 * Smallest scale factor ≥ `finest` such that `maxValue` fits in `maxRaw` raw units, so a big plant
 * keeps its full range and a small one keeps its resolution.
 */
export function pickScaleFactor(maxValue: number, maxRaw: number, finest: number): number {
  let sf = finest;
  while (Math.abs(maxValue) / 10 ** sf > maxRaw && sf < 10) sf++;
  return sf;
}
