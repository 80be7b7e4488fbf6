/**
 * Rules on the register map as a whole: names unique, no two points on one register, every point within
 * the address space and within one request, and every scale register close enough to its values to be
 * read in the same request.
 */
import type { Problem } from "@jisr/core";
import type { ProfilePoint } from "./profile.js";
import { isBitTable } from "./register-types.js";
import type { ReadOptions } from "./schema.js";

function span(p: ProfilePoint): string {
  const last = p.address + p.size - 1;
  return last === p.address ? `${p.table} ${p.address}` : `${p.table} ${p.address}-${last}`;
}

function checkNames(points: readonly ProfilePoint[]): Problem[] {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  points.forEach((p, i) => {
    const j = first.get(p.name);
    if (j === undefined) first.set(p.name, i);
    else
      problems.push({ path: `points.${i}.name`, message: `"${p.name}" is already the name of points.${j}` });
  });
  return problems;
}

/** Two points on one register would each decode half of the other: always a typo in an address. */
function checkOverlaps(points: readonly ProfilePoint[]): Problem[] {
  const problems: Problem[] = [];
  const order = points.map((p, i) => ({ p, i })).sort((a, b) => a.p.address - b.p.address || a.i - b.i);
  const open = new Map<string, { p: ProfilePoint; i: number }>();
  for (const cur of order) {
    const prev = open.get(cur.p.table);
    if (prev && cur.p.address < prev.p.address + prev.p.size) {
      problems.push({
        path: `points.${cur.i}.address`,
        message: `${span(cur.p)} overlaps points.${prev.i} ("${prev.p.name}", ${span(prev.p)})`,
      });
    }
    if (!prev || cur.p.address + cur.p.size > prev.p.address + prev.p.size) open.set(cur.p.table, cur);
  }
  return problems;
}

function checkSizes(points: readonly ProfilePoint[], read: ReadOptions): Problem[] {
  const problems: Problem[] = [];
  points.forEach((p, i) => {
    const bits = isBitTable(p.table);
    if (p.address + p.size > 0x10000) {
      problems.push({ path: `points.${i}.address`, message: `${span(p)} runs past address 65535` });
    }
    const limit = bits ? read.max_bits : read.max_registers;
    if (p.size > limit) {
      problems.push({
        path: `points.${i}`,
        message:
          `a ${p.type} of ${p.size} registers cannot be read in one request: read.max_registers is ` +
          `${limit}, and a value is never split across requests`,
      });
    }
  });
  return problems;
}

function checkScaleRegisters(points: readonly ProfilePoint[], read: ReadOptions): Problem[] {
  const byName = new Map(points.map((p) => [p.name, p]));
  const problems: Problem[] = [];
  points.forEach((p, i) => {
    if (p.scaleRegister === undefined) return;
    const path = `points.${i}.scale_register`;
    const sf = byName.get(p.scaleRegister);
    if (!sf) {
      problems.push({ path, message: `unknown scale register "${p.scaleRegister}": no point has that name` });
      return;
    }
    if (sf.type !== "int16") {
      problems.push({ path, message: `"${sf.name}" is a ${sf.type}; a scale register is an int16 (10^x)` });
    }
    if (sf.table !== p.table) {
      problems.push({
        path,
        message: `"${sf.name}" is in the ${sf.table} table and this point in ${p.table}: they must be read together`,
      });
      return;
    }
    const width = Math.max(p.address + p.size, sf.address + sf.size) - Math.min(p.address, sf.address);
    if (width > read.max_registers) {
      problems.push({
        path,
        message:
          `"${sf.name}" (${span(sf)}) is too far from this point (${span(p)}) to be read in the same ` +
          `request: ${width} registers, at most ${read.max_registers}`,
      });
    }
  });
  return problems;
}

/** Every layout problem of a profile's resolved points, by path. */
export function checkLayout(points: readonly ProfilePoint[], read: ReadOptions): Problem[] {
  return [
    ...checkNames(points),
    ...checkOverlaps(points),
    ...checkSizes(points, read),
    ...checkScaleRegisters(points, read),
  ];
}
