import type { PointType } from "./model-schema.js";

/**
 * Register words -> one raw SunSpec value, with "not implemented" sentinels turned into null.
 * Sentinels follow sunspec/pysunspec2 `sunspec2/mb.py` (see DOMAIN.md 6.1). Words are big-endian,
 * most significant register first, as SunSpec requires.
 */

/**
 * One scratch buffer for the registers of the point being decoded: decoding runs for every point of every
 * poll, and a Buffer per point was most of the decoder's garbage (issue 13, footprint). Decoding is
 * synchronous, so one buffer serves every caller; what is returned never refers to it (numbers, strings).
 */
const SCRATCH = Buffer.alloc(256);

/** `size` words of `words` from `start`, big-endian, in the scratch buffer (or a new one when longer). */
function toBuffer(words: readonly number[], start: number, size: number): Buffer {
  const buf = size * 2 <= SCRATCH.length ? SCRATCH.subarray(0, size * 2) : Buffer.alloc(size * 2);
  for (let i = 0; i < size; i++) buf.writeUInt16BE((words[start + i] ?? 0) & 0xffff, i * 2);
  return buf;
}

function decodeString(buf: Buffer): string | null {
  if (buf.every((b) => b === 0)) return null;
  // Devices pad with NULs or spaces; a NUL ends the text.
  const text = buf.toString("latin1").split("\0")[0]?.trim() ?? "";
  return text === "" ? null : text;
}

function decodeIpv6(buf: Buffer): string | null {
  if (buf.every((b) => b === 0)) return null;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(i).toString(16));
  return groups.join(":");
}

function decodeEui48(buf: Buffer): string | null {
  // 4 registers: 2 unused bytes, then the 6-byte address.
  const mac = buf.subarray(2, 8);
  if (mac.every((b) => b === 0xff)) return null;
  return [...mac].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function decode16(type: PointType, w: number): number | null {
  switch (type) {
    case "int16":
    case "sunssf":
      return w === 0x8000 ? null : (w << 16) >> 16;
    case "acc16":
      return w === 0 ? null : w;
    case "pad":
      return null;
    default: // uint16, enum16, bitfield16, count
      return w === 0xffff ? null : w;
  }
}

function decode32(type: PointType, buf: Buffer): number | string | null {
  const u = buf.readUInt32BE(0);
  switch (type) {
    case "int32":
      return u === 0x80000000 ? null : buf.readInt32BE(0);
    case "acc32":
      return u === 0 ? null : u;
    case "float32":
      return finite(buf.readFloatBE(0));
    case "ipaddr":
      return u === 0 ? null : [...buf].join(".");
    default: // uint32, enum32, bitfield32
      return u === 0xffffffff ? null : u;
  }
}

function decode64(type: PointType, buf: Buffer): number | string | null {
  switch (type) {
    case "int64": {
      const v = buf.readBigInt64BE(0);
      return v === -(2n ** 63n) ? null : Number(v);
    }
    case "float64":
      return finite(buf.readDoubleBE(0));
    case "eui48":
      return decodeEui48(buf);
    default: {
      // uint64, acc64; Number() loses precision past 2^53 Wh, far beyond any inverter's lifetime.
      const v = buf.readBigUInt64BE(0);
      if (type === "acc64") return v === 0n ? null : Number(v);
      return v === 2n ** 64n - 1n ? null : Number(v);
    }
  }
}

/**
 * Decodes one point's registers. Returns a number for numeric, enum and bitfield types, a string
 * for string / ipaddr / ipv6addr / eui48, and null for "not implemented" (or pad).
 */
export function decodeRaw(
  type: PointType,
  words: readonly number[],
  /** Where the point's registers start in `words` (a whole block can be passed, not a copy per point). */
  start = 0,
  size = words.length - start,
): number | string | null {
  if (type === "string") return decodeString(toBuffer(words, start, size));
  if (type === "ipv6addr") return decodeIpv6(toBuffer(words, start, size));
  if (size === 1) return decode16(type, words[start] ?? 0);
  if (size === 2) return decode32(type, toBuffer(words, start, size));
  return decode64(type, toBuffer(words, start, size));
}

/** value x 10^sf, dividing for negative sf so that 2345 x 10^-1 prints as 234.5, not 234.50000000000003. */
export function applyScale(value: number, sf: number): number {
  if (sf === 0) return value;
  return sf < 0 ? value / 10 ** -sf : value * 10 ** sf;
}

/** The symbol whose value is `value`, without building an index (this runs for every enum and bit of every poll). */
function symbolOf(symbols: Readonly<Record<string, number>> | undefined, value: number): string | undefined {
  if (!symbols) return undefined;
  for (const name in symbols) if (symbols[name] === value) return name;
  return undefined;
}

/** Names of the set bits, in bit order; bits without a symbol are named BIT_n. */
export function bitNames(value: number, symbols: Readonly<Record<string, number>> | undefined): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (Math.floor(value / 2 ** bit) % 2 !== 1) continue;
    // The last symbol naming this bit, as a bit -> name index built from the map's entries would give.
    let name: string | undefined;
    for (const s in symbols) if (symbols[s] === bit) name = s;
    names.push(name ?? `BIT_${bit}`);
  }
  return names;
}

/** Symbol name of an enum value, or undefined when the map has none for it. */
export function enumName(
  value: number,
  symbols: Readonly<Record<string, number>> | undefined,
): string | undefined {
  return symbolOf(symbols, value);
}
