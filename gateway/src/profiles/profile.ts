/**
 * A profile ready to read: every point with its defaults applied (table, word order, measurement,
 * sentinels) and its size known. Built from a checked ProfileSpec by `resolveProfile`.
 */
import type { Unit, ValueType } from "./register-types.js";
import { isBitTable, type Table, TYPE_REGISTERS } from "./register-types.js";
import type { PointSpec, ProfileSpec, ReadOptions } from "./schema.js";

export type WordOrder = "big" | "little";

export interface ProfilePoint {
  name: string;
  table: Table;
  address: number;
  type: ValueType;
  /** Registers, or bits in a bit table. */
  size: number;
  wordOrder: WordOrder;
  scale?: number;
  scaleRegister?: string;
  unit?: Unit;
  measurement?: string;
  field?: string;
  rawField?: string;
  tags: Record<string, string>;
  /** Raw register bits meaning "not available". */
  sentinels: bigint[];
  /** Raw value → name. */
  enum?: ReadonlyMap<number, string>;
  /** Bit number → name. */
  bitfield?: ReadonlyMap<number, string>;
}

export interface IdentifyRead {
  table: Table;
  address: number;
  type: ValueType;
  size: number;
  wordOrder: WordOrder;
  equals?: number | string;
  oneOf?: number[];
  match?: RegExp;
  /** And this register must answer with data. */
  answers?: { table: Table; address: number };
  /** And this register must be refused (exception or silence). */
  refuses?: { table: Table; address: number };
}

export interface Profile {
  /** Built-in name ("inverter/huawei-sun2000" is named "huawei-sun2000"), or the file's path. */
  name: string;
  /** The file it was loaded from. */
  source: string;
  spec: ProfileSpec;
  points: ProfilePoint[];
  read: ReadOptions;
  identify?: IdentifyRead;
}

/** Registers (or bits) taken by a point of this type. */
export function pointSize(p: Pick<PointSpec, "type" | "length">, table: Table): number {
  if (isBitTable(table)) return 1;
  return p.type === "string" ? (p.length ?? 0) : TYPE_REGISTERS[p.type];
}

/** A sentinel as the register bits it stands for: negative numbers are two's complement of `bits`. */
export function sentinelBits(value: number | string, bits: number): bigint {
  const n = typeof value === "string" ? BigInt(value) : BigInt(value);
  return n < 0n ? (1n << BigInt(bits)) + n : n;
}

function resolvePoint(p: PointSpec, spec: ProfileSpec): ProfilePoint {
  const table = p.table ?? spec.defaults.table ?? "holding";
  const size = pointSize(p, table);
  const byType = (spec.defaults.sentinels as Record<string, Array<number | string>> | undefined)?.[p.type];
  const sentinels = [...(byType ?? []), ...(p.sentinels ?? [])].map((s) => sentinelBits(s, size * 16));
  const measurement = p.measurement ?? spec.defaults.measurement;
  return {
    name: p.name,
    table,
    address: p.address,
    type: p.type,
    size,
    wordOrder: p.word_order ?? spec.defaults.word_order ?? "big",
    ...(p.scale !== undefined && { scale: p.scale }),
    ...(p.scale_register !== undefined && { scaleRegister: p.scale_register }),
    ...(p.unit !== undefined && { unit: p.unit as Unit }),
    ...(measurement !== undefined && { measurement }),
    ...(p.field !== undefined && { field: p.field }),
    ...(p.raw_field !== undefined && { rawField: p.raw_field }),
    tags: p.tags ?? {},
    sentinels,
    ...(p.enum && { enum: new Map(Object.entries(p.enum).map(([k, v]) => [Number(k), v])) }),
    ...(p.bitfield && { bitfield: new Map(Object.entries(p.bitfield).map(([k, v]) => [Number(k), v])) }),
  };
}

function resolveIdentify(spec: ProfileSpec): IdentifyRead | undefined {
  const i = spec.identify;
  if (!i) return undefined;
  return {
    table: i.table,
    address: i.address,
    type: i.type,
    size: pointSize(i, i.table),
    wordOrder: i.word_order,
    ...(i.equals !== undefined && { equals: i.equals }),
    ...(i.one_of !== undefined && { oneOf: i.one_of }),
    ...(i.match !== undefined && { match: new RegExp(i.match) }),
    ...(i.answers && { answers: i.answers }),
    ...(i.refuses && { refuses: i.refuses }),
  };
}

/** A checked spec as a profile ready to plan and decode. */
export function resolveProfile(spec: ProfileSpec, name: string, source: string): Profile {
  const identify = resolveIdentify(spec);
  return {
    name,
    source,
    spec,
    points: spec.points.map((p) => resolvePoint(p, spec)),
    read: spec.read,
    ...(identify && { identify }),
  };
}
