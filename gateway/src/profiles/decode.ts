/**
 * From register words to values, per type and word order; pure. Bytes within a register are always
 * big-endian (Modbus); only the order of the words of a 32- or 64-bit value varies between vendors.
 */
import type { ProfilePoint, WordOrder } from "./profile.js";
import { isBitTable, SIGNED_TYPES, type Unit, type ValueType } from "./register-types.js";

/** One decoded point: the value in its unit, or null when the device says "not available". */
export interface DecodedValue {
  point: string;
  /** Scaled number, string, boolean; an enum's name; a bitfield's raw number. */
  value: number | string | boolean | null;
  unit?: Unit;
  /** The raw integer of an enum or a bitfield. */
  raw?: number;
  /** A bitfield's set bits, by name (unnamed bits as BIT_<n>). */
  flags?: string[];
}

/** The words of a multi-word value as one unsigned integer, high word first. */
export function wordsToBits(words: readonly number[], order: WordOrder): bigint {
  const ordered = order === "little" ? [...words].reverse() : words;
  let bits = 0n;
  for (const w of ordered) bits = (bits << 16n) | BigInt(w & 0xffff);
  return bits;
}

function signed(bits: bigint, width: number): bigint {
  const top = 1n << BigInt(width - 1);
  return bits >= top ? bits - (1n << BigInt(width)) : bits;
}

function float32(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, Number(bits));
  return view.getFloat32(0);
}

/** A string register block: two characters per register, NULs and trailing spaces dropped. */
export function decodeString(words: readonly number[]): string {
  const bytes = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => {
    bytes.writeUInt16BE(w & 0xffff, i * 2);
  });
  const end = bytes.indexOf(0);
  return bytes
    .subarray(0, end === -1 ? bytes.length : end)
    .toString("latin1")
    .trimEnd();
}

/**
 * The unscaled value of `words` read as `type` (a bool from a bit table is one 0/1 word). Numbers of
 * 64-bit types beyond 2^53 lose their last digits, as any float field would.
 */
export function decodeRaw(
  type: ValueType,
  words: readonly number[],
  order: WordOrder = "big",
): number | string | boolean {
  if (type === "string") return decodeString(words);
  if (type === "bool") return (words[0] ?? 0) !== 0;
  const bits = wordsToBits(words, order);
  if (type === "float32") return float32(bits);
  return Number(SIGNED_TYPES.has(type) ? signed(bits, words.length * 16) : bits);
}

/** Drops float noise from a scaled value: 2345 x 0.1 gives 234.5, not 234.50000000000003. */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function flagsOf(raw: bigint, names: ReadonlyMap<number, string> | undefined): string[] {
  const flags: string[] = [];
  for (let bit = 0; raw >> BigInt(bit) > 0n; bit++) {
    if ((raw >> BigInt(bit)) & 1n) flags.push(names?.get(bit) ?? `BIT_${bit}`);
  }
  return flags;
}

function base(p: ProfilePoint): Pick<DecodedValue, "point" | "unit"> {
  return { point: p.name, ...(p.unit !== undefined && { unit: p.unit }) };
}

/**
 * Decodes one point from its words. `scaleExponent` is the decoded value of its scale register (10^x);
 * null there (a "not implemented" scale factor) makes the value unavailable too.
 */
export function decodePoint(
  p: ProfilePoint,
  words: readonly number[],
  scaleExponent?: number | null,
): DecodedValue {
  const unavailable = { ...base(p), value: null };
  if (p.type === "string") {
    const s = decodeString(words);
    return s === "" ? unavailable : { ...base(p), value: s };
  }
  if (p.type === "bool" || isBitTable(p.table)) return { ...base(p), value: (words[0] ?? 0) !== 0 };
  const bits = wordsToBits(words, p.wordOrder);
  if (p.sentinels.includes(bits)) return unavailable;
  const exact = decodeRaw(p.type, words, p.wordOrder) as number;
  if (!Number.isFinite(exact)) return unavailable; // NaN is float32's own "not available"
  // A float32 holds about 7 significant digits; more would be noise (230.1 reads as 230.10000610351562).
  const raw = p.type === "float32" ? Number(exact.toPrecision(7)) : exact;
  if (p.enum) return { ...base(p), value: p.enum.get(raw) ?? `UNKNOWN_${raw}`, raw };
  if (p.bitfield) return { ...base(p), value: raw, raw, flags: flagsOf(bits, p.bitfield) };
  if (p.scaleRegister !== undefined) {
    if (scaleExponent === null || scaleExponent === undefined) return unavailable;
    return { ...base(p), value: tidy(raw * 10 ** scaleExponent) };
  }
  return { ...base(p), value: p.scale === undefined ? raw : tidy(raw * p.scale) };
}
