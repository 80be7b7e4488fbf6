/**
 * The vocabulary of a device profile: value types and their sizes, the four Modbus tables, units and the
 * field-name suffix each unit implies (STYLE.md habit 12: names carry units).
 */

/** The four Modbus data tables, named as ModbusLink names them (function codes 3, 4, 1 and 2). */
export const TABLES = ["holding", "input", "coil", "discrete"] as const;
export type Table = (typeof TABLES)[number];

/** Modbus function code that reads each table. */
export const FUNCTION_CODE: Record<Table, number> = { coil: 1, discrete: 2, holding: 3, input: 4 };

/** Tables of single bits (coils, discrete inputs); the others hold 16-bit registers. */
export function isBitTable(table: Table): boolean {
  return table === "coil" || table === "discrete";
}

export const VALUE_TYPES = [
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float32",
  "int64",
  "uint64",
  "string",
  "bool",
] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Registers per value (a bool is one register, or one bit in a bit table); strings give their length. */
export const TYPE_REGISTERS: Record<Exclude<ValueType, "string">, number> = {
  int16: 1,
  uint16: 1,
  bool: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  int64: 4,
  uint64: 4,
};

/** Integer types: the only ones an enum or a bitfield can be read from. */
export const INTEGER_TYPES: ReadonlySet<ValueType> = new Set([
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
]);
export const SIGNED_TYPES: ReadonlySet<ValueType> = new Set(["int16", "int32", "int64"]);
/** Types spanning several registers, whose word order matters. */
export const MULTI_WORD_TYPES: ReadonlySet<ValueType> = new Set([
  "int32",
  "uint32",
  "float32",
  "int64",
  "uint64",
]);

/** Bits of a value type (a string's width depends on its length and has no sentinel width here). */
export function typeBits(type: Exclude<ValueType, "string">): number {
  return TYPE_REGISTERS[type] * 16;
}

/** Units a point may declare, with the suffix its field name must end in. */
export const UNIT_SUFFIX = {
  W: "_w",
  Wh: "_wh",
  var: "_var",
  VA: "_va",
  V: "_v",
  A: "_a",
  Hz: "_hz",
  "°C": "_c",
  K: "_k",
  Ω: "_ohm",
  "%": "_pct",
  "L/h": "_l_per_h",
  L: "_l",
  "m³": "_m3",
  "W/m²": "_w_per_m2",
  "m/s": "_m_per_s",
  bar: "_bar",
  s: "_s",
  h: "_h",
} as const;
export type Unit = keyof typeof UNIT_SUFFIX;
export const UNITS = Object.keys(UNIT_SUFFIX) as Unit[];

/**
 * The tag keys (beyond institution and device) of each measurement of the data model. A measurement's
 * tag set never varies (InfluxDB 3.x refuses a change), so a profile must give exactly these.
 */
export const MEASUREMENT_TAGS: Record<string, readonly string[]> = {
  pv_inverter: [],
  pv_mppt: ["mppt"],
  pv_string: ["string"],
  grid_meter: [],
  hot_water: [],
  heat_meter: [],
  weather: [],
};
