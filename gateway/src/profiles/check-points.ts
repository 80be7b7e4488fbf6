/**
 * Rules on each point alone, that the schema cannot express per key: which keys go with which type and
 * table (an enum on a float, a word order on a 16-bit value, scale on a string, ...).
 */
import type { Problem } from "@jisr/core";
import { sentinelBits } from "./profile.js";
import {
  INTEGER_TYPES,
  isBitTable,
  MULTI_WORD_TYPES,
  type Table,
  TYPE_REGISTERS,
  UNIT_SUFFIX,
  type Unit,
} from "./register-types.js";
import type { PointSpec } from "./schema.js";

type Report = (key: string | null, message: string) => void;

function checkTypeAndTable(p: PointSpec, table: Table, report: Report): void {
  if (isBitTable(table) && p.type !== "bool") {
    report("type", `a ${table} is one bit: use type bool (${p.type} needs holding or input registers)`);
  }
  if (p.type === "string" && p.length === undefined) {
    report("length", "a string needs its length in registers (2 characters each)");
  }
  if (p.type !== "string" && p.length !== undefined) {
    report("length", `only a string has a length; ${p.type} is ${TYPE_REGISTERS[p.type]} register(s)`);
  }
  if (p.word_order !== undefined && !MULTI_WORD_TYPES.has(p.type)) {
    report("word_order", `${p.type} is one register: word order only applies to 32- and 64-bit types`);
  }
}

function checkScaling(p: PointSpec, report: Report): void {
  const numeric = p.type !== "string" && p.type !== "bool" && !p.enum && !p.bitfield;
  if (p.scale !== undefined && p.scale_register !== undefined) {
    report("scale_register", "give either scale or scale_register, not both");
  }
  for (const key of ["scale", "scale_register"] as const) {
    if (p[key] !== undefined && !numeric) {
      const what = p.enum ? "an enum" : p.bitfield ? "a bitfield" : `a ${p.type}`;
      report(key, `${what} cannot be scaled`);
    }
  }
  if (p.scale_register !== undefined && p.type === "float32") {
    report("scale_register", "a float32 carries its own exponent: use scale, or no scaling");
  }
}

function checkSymbols(p: PointSpec, report: Report): void {
  if (p.enum && p.bitfield) report("bitfield", "a point is an enum or a bitfield, not both");
  for (const key of ["enum", "bitfield"] as const) {
    if (p[key] && !INTEGER_TYPES.has(p.type)) {
      report(key, `${key} on a ${p.type}: ${key} needs an integer type (uint16, uint32, ...)`);
    }
  }
  if (p.raw_field !== undefined && !p.enum && !p.bitfield) {
    report("raw_field", "only an enum or a bitfield has a raw field (the number itself is the field)");
  }
  if (!INTEGER_TYPES.has(p.type)) return;
  const width = TYPE_REGISTERS[p.type as keyof typeof TYPE_REGISTERS] * 16;
  for (const bit of Object.keys(p.bitfield ?? {})) {
    if (Number(bit) >= width) report(`bitfield.${bit}`, `bit ${bit} is outside a ${width}-bit ${p.type}`);
  }
  for (const code of Object.keys(p.enum ?? {})) {
    if (BigInt(code) >= 1n << BigInt(width)) report(`enum.${code}`, `${code} does not fit in ${p.type}`);
  }
}

function checkSentinels(p: PointSpec, report: Report): void {
  if (!p.sentinels) return;
  if (p.type === "string" || p.type === "bool") {
    report("sentinels", `a ${p.type} has no sentinels (an all-NUL string reads as not available)`);
    return;
  }
  const width = TYPE_REGISTERS[p.type] * 16;
  p.sentinels.forEach((s, i) => {
    if (sentinelBits(s, width) >= 1n << BigInt(width) || sentinelBits(s, width) < 0n) {
      report(`sentinels.${i}`, `${s} does not fit in a ${width}-bit ${p.type}`);
    }
  });
}

/** A numeric field says its unit, and its name ends with the unit's suffix (power_w for W). */
function checkUnit(p: PointSpec, report: Report): void {
  const numeric = p.type !== "string" && p.type !== "bool" && !p.enum && !p.bitfield;
  if (p.unit !== undefined && !numeric) {
    report("unit", `${p.enum ? "an enum" : p.bitfield ? "a bitfield" : `a ${p.type}`} has no unit`);
    return;
  }
  if (!numeric || p.field === undefined) return;
  if (p.unit === undefined) {
    report("unit", `field ${p.field} needs a unit (one of: ${Object.keys(UNIT_SUFFIX).join(" ")})`);
    return;
  }
  const suffix = UNIT_SUFFIX[p.unit as Unit];
  if (!p.field.endsWith(suffix)) {
    report("field", `${p.field} holds ${p.unit}: its name must end in ${suffix}`);
  }
}

/** Problems of point `i` by itself; `table` is its table after defaults. */
export function checkPoint(p: PointSpec, i: number, table: Table): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (key, message) =>
    problems.push({ path: key === null ? `points.${i}` : `points.${i}.${key}`, message });
  checkTypeAndTable(p, table, report);
  checkScaling(p, report);
  checkSymbols(p, report);
  checkSentinels(p, report);
  checkUnit(p, report);
  return problems;
}
