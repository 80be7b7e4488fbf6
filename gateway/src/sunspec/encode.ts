import type { PointType } from "./model-schema.js";
import type { LaidOutPoint, SunspecModelMap } from "./models.js";

/**
 * The inverse of decode: engineering values -> SunSpec registers, from the same YAML maps.
 * Used to build register banks for tests and simulators. A point left out, or given as null,
 * is written as its "not implemented" sentinel.
 */

/** A number in engineering units (scaled by its sf point), an enum or bit names, text, or null. */
export type EncodeValue = number | string | readonly string[] | null;

export interface ModelValues {
  points?: Record<string, EncodeValue>;
  /** One entry per repetition of the model's repeating group; the count point is set to its length. */
  groups?: Array<Record<string, EncodeValue>>;
}

const SENTINEL_16: Partial<Record<PointType, number>> = { int16: 0x8000, sunssf: 0x8000, acc16: 0, pad: 0 };

function words32(u: number): number[] {
  return [Math.floor(u / 0x10000) & 0xffff, u & 0xffff];
}

function words64(v: bigint): number[] {
  const u = BigInt.asUintN(64, v);
  return [48n, 32n, 16n, 0n].map((s) => Number((u >> s) & 0xffffn));
}

function sentinel(p: LaidOutPoint): number[] {
  if (p.type === "string" || p.type === "ipaddr" || p.type === "ipv6addr" || p.type.startsWith("acc")) {
    return new Array<number>(p.size).fill(0);
  }
  if (p.size === 1) return [SENTINEL_16[p.type] ?? 0xffff];
  if (p.type === "float32") return [0x7fc0, 0];
  if (p.type === "int32") return [0x8000, 0];
  if (p.type === "float64") return [0x7ff8, 0, 0, 0];
  if (p.type === "int64") return [0x8000, 0, 0, 0];
  return new Array<number>(p.size).fill(0xffff);
}

function encodeString(text: string, size: number): number[] {
  const buf = Buffer.alloc(size * 2);
  buf.write(text, "latin1");
  return Array.from({ length: size }, (_, i) => buf.readUInt16BE(i * 2));
}

function symbolic(p: LaidOutPoint, value: string | readonly string[]): number {
  const names = typeof value === "string" ? [value] : value;
  const isBits = p.type.startsWith("bitfield");
  return names.reduce((acc, name) => {
    const v = p.symbols?.[name] ?? Number(/^BIT_(\d+)$/.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(v)) throw new Error(`point ${p.name}: unknown symbol "${name}"`);
    return isBits ? acc + 2 ** v : v;
  }, 0);
}

function encodeNumber(p: LaidOutPoint, n: number): number[] {
  if (p.type === "float32") {
    const b = Buffer.alloc(4);
    b.writeFloatBE(n);
    return [b.readUInt16BE(0), b.readUInt16BE(2)];
  }
  if (p.size === 1) return [n & 0xffff];
  if (p.size === 2) return words32(n >>> 0 === n ? n : n + 2 ** 32);
  return words64(BigInt(Math.round(n)));
}

function encodePoint(
  p: LaidOutPoint,
  value: EncodeValue | undefined,
  sfOf: (name: string) => number,
): number[] {
  if (value === undefined || value === null) return sentinel(p);
  if (p.type === "string") return encodeString(String(value), p.size);
  if (typeof value !== "number") return encodeNumber(p, symbolic(p, value));
  const sf = p.sf === undefined ? 0 : sfOf(p.sf);
  // Multiply for negative sf (230.1 x 10 = 2301), as decode divides: no binary noise either way.
  const raw = sf === 0 ? value : Math.round(sf < 0 ? value * 10 ** -sf : value / 10 ** sf);
  return encodeNumber(p, raw);
}

function encodeBlock(
  points: readonly LaidOutPoint[],
  values: Record<string, EncodeValue>,
  outer: Record<string, EncodeValue> = {},
): number[] {
  const sfOf = (name: string) => {
    const v = values[name] ?? outer[name];
    return typeof v === "number" ? v : 0;
  };
  return points.flatMap((p) => encodePoint(p, values[p.name], sfOf));
}

/** Registers of one model, starting with ID and L. */
export function encodeModel(map: SunspecModelMap, values: ModelValues = {}): number[] {
  const top = { ...values.points };
  const reps = values.groups ?? [];
  if (map.group) top[map.group.count] = reps.length;
  const body = encodeBlock(map.points, top);
  const group = map.group;
  if (group) for (const rep of reps) body.push(...encodeBlock(group.points, rep, top));
  return [map.id, body.length, ...body];
}

/** A whole SunSpec register bank: "SunS", the given model blocks in order, then the end marker. */
export function encodeSunspecBank(blocks: readonly (readonly number[])[]): number[] {
  return [0x5375, 0x6e53, ...blocks.flat(), 0xffff, 0];
}
