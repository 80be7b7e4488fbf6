/**
 * From values to register words: the inverse of decode.ts, so a simulator can serve any profile and a
 * test can check encode → wire → decode. Pure.
 */
import type { ProfilePoint, WordOrder } from "./profile.js";
import { isBitTable, SIGNED_TYPES, TYPE_REGISTERS, type ValueType } from "./register-types.js";

/** A value to encode: a number in the point's unit, an enum name, bitfield names, a string, a bool, or null. */
export type PointInput = number | string | boolean | readonly string[] | null;

function bitsToWords(bits: bigint, count: number, order: WordOrder): number[] {
  const words: number[] = [];
  for (let i = count - 1; i >= 0; i--) words.push(Number((bits >> BigInt(i * 16)) & 0xffffn));
  return order === "little" ? words.reverse() : words;
}

function integerBits(type: ValueType, value: number, width: number): bigint {
  if (!Number.isInteger(value)) throw new RangeError(`${type} needs a whole number, got ${value}`);
  const n = BigInt(value);
  const min = SIGNED_TYPES.has(type) ? -(1n << BigInt(width - 1)) : 0n;
  const max = SIGNED_TYPES.has(type) ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  if (n < min || n > max) throw new RangeError(`${value} does not fit in ${type}`);
  return n < 0n ? (1n << BigInt(width)) + n : n;
}

/** A string in `length` registers, two latin-1 characters each, padded with NULs. */
export function encodeString(value: string, length: number): number[] {
  const bytes = Buffer.alloc(length * 2);
  bytes.write(value.slice(0, length * 2), "latin1");
  return Array.from({ length }, (_, i) => bytes.readUInt16BE(i * 2));
}

/** The words of an unscaled value of `type`. */
export function encodeRaw(
  type: ValueType,
  value: number | string | boolean,
  order: WordOrder = "big",
  length = 1,
): number[] {
  if (type === "string") return encodeString(String(value), length);
  if (type === "bool") return [value ? 1 : 0];
  if (typeof value !== "number") throw new TypeError(`${type} needs a number, got ${JSON.stringify(value)}`);
  const count = TYPE_REGISTERS[type];
  if (type === "float32") {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value);
    return bitsToWords(BigInt(view.getUint32(0)), 2, order);
  }
  return bitsToWords(integerBits(type, value, count * 16), count, order);
}

function notAvailable(p: ProfilePoint): number[] {
  if (p.type === "string") return new Array(p.size).fill(0);
  if (p.type === "float32") return encodeRaw("float32", Number.NaN, p.wordOrder);
  const sentinel = p.sentinels[0];
  if (sentinel === undefined) throw new RangeError(`point ${p.name} has no "not available" value`);
  return bitsToWords(sentinel, p.size, p.wordOrder);
}

function enumCode(p: ProfilePoint, value: PointInput): number {
  if (typeof value === "number") return value;
  for (const [code, name] of p.enum ?? []) if (name === value) return code;
  throw new RangeError(`point ${p.name}: no enum value named ${JSON.stringify(value)}`);
}

function bitfieldRaw(p: ProfilePoint, value: PointInput): number {
  if (typeof value === "number") return value;
  const names = typeof value === "string" ? value.split(",").filter(Boolean) : (value as string[]);
  let raw = 0;
  for (const name of names) {
    const bit = [...(p.bitfield ?? [])].find(([, n]) => n === name)?.[0];
    if (bit === undefined) throw new RangeError(`point ${p.name}: no bit named ${JSON.stringify(name)}`);
    raw += 2 ** bit;
  }
  return raw;
}

/**
 * The words serving `value` for point `p`: the inverse of decodePoint. Numbers are divided by the
 * scale (or 10^scaleExponent) and rounded; null writes the point's "not available" value.
 */
export function encodePoint(p: ProfilePoint, value: PointInput, scaleExponent = 0): number[] {
  if (value === null) return notAvailable(p);
  if (p.type === "bool" || isBitTable(p.table)) return [value ? 1 : 0];
  if (p.type === "string") return encodeString(String(value), p.size);
  if (p.enum) return encodeRaw(p.type, enumCode(p, value), p.wordOrder);
  if (p.bitfield) return encodeRaw(p.type, bitfieldRaw(p, value), p.wordOrder);
  if (typeof value !== "number") throw new TypeError(`point ${p.name} needs a number, got ${String(value)}`);
  if (p.type === "float32") return encodeRaw("float32", value / (p.scale ?? 1), p.wordOrder);
  const factor = p.scaleRegister !== undefined ? 10 ** scaleExponent : (p.scale ?? 1);
  return encodeRaw(p.type, Math.round(value / factor), p.wordOrder);
}
