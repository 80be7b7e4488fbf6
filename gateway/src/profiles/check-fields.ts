/**
 * Rules on what a profile writes: every field has a measurement, a measurement keeps one tag set (the
 * data model's, for the measurements it knows), and no two points write one field of one series, except
 * bitfields that share a names field (their set bits are joined, e.g. Huawei's three alarm registers).
 */
import type { Problem } from "@jisr/core";
import type { ProfilePoint } from "./profile.js";
import { MEASUREMENT_TAGS } from "./register-types.js";

const RESERVED_TAGS = new Set(["institution", "device"]);

interface Findings {
  errors: Problem[];
  warnings: Problem[];
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((k, i) => k === [...b].sort()[i]);
}

function checkTags(points: readonly ProfilePoint[], found: Findings): void {
  const firstTags = new Map<string, { keys: string[]; i: number }>();
  points.forEach((p, i) => {
    if (p.field === undefined && p.rawField === undefined) return;
    if (p.measurement === undefined) {
      found.errors.push({
        path: `points.${i}.field`,
        message: "has no measurement: set measurement on the point or defaults.measurement",
      });
      return;
    }
    const keys = Object.keys(p.tags);
    for (const k of keys.filter((k) => RESERVED_TAGS.has(k))) {
      found.errors.push({ path: `points.${i}.tags.${k}`, message: `"${k}" is set by the gateway` });
    }
    const expected = MEASUREMENT_TAGS[p.measurement];
    if (expected && !sameKeys(keys, expected)) {
      const want = expected.length ? `exactly the tag(s) ${expected.join(", ")}` : "no extra tags";
      found.errors.push({ path: `points.${i}.tags`, message: `${p.measurement} takes ${want}` });
    }
    const first = firstTags.get(p.measurement);
    if (!first) firstTags.set(p.measurement, { keys, i });
    else if (!expected && !sameKeys(keys, first.keys)) {
      found.errors.push({
        path: `points.${i}.tags`,
        message: `${p.measurement} must keep one tag set: points.${first.i} has [${first.keys.join(", ")}]`,
      });
    }
  });
  for (const [m, { i }] of firstTags) {
    if (!MEASUREMENT_TAGS[m]) {
      found.warnings.push({
        path: `points.${i}.measurement`,
        message: `"${m}" is not a measurement of the data model (${Object.keys(MEASUREMENT_TAGS).join(", ")})`,
      });
    }
  }
}

function seriesOf(p: ProfilePoint): string {
  const tags = Object.entries(p.tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return [p.measurement, ...tags].join(",");
}

/** Each (series, field) is written by one point, or by bitfields that all join their names into it. */
function checkFieldOwners(points: readonly ProfilePoint[], found: Findings): void {
  const owners = new Map<string, { i: number; joins: boolean }>();
  const claim = (i: number, field: string, joins: boolean, key: "field" | "raw_field") => {
    const p = points[i] as ProfilePoint;
    if (Object.hasOwn(p.tags, field)) {
      found.errors.push({ path: `points.${i}.${key}`, message: `"${field}" is already a tag of this point` });
    }
    const id = `${seriesOf(p)} ${field}`;
    const owner = owners.get(id);
    if (!owner) owners.set(id, { i, joins });
    else if (!(owner.joins && joins)) {
      found.errors.push({
        path: `points.${i}.${key}`,
        message: `points.${owner.i} already writes ${field} of ${seriesOf(p)}`,
      });
    }
  };
  points.forEach((p, i) => {
    if (p.measurement === undefined) return;
    if (p.field !== undefined) claim(i, p.field, p.bitfield !== undefined, "field");
    if (p.rawField !== undefined) claim(i, p.rawField, false, "raw_field");
  });
}

/** Points read for nothing: neither stored nor used to scale another point. */
function checkUnused(points: readonly ProfilePoint[], found: Findings): void {
  const scales = new Set(points.flatMap((p) => (p.scaleRegister ? [p.scaleRegister] : [])));
  points.forEach((p, i) => {
    if (p.field === undefined && p.rawField === undefined && !scales.has(p.name)) {
      found.warnings.push({
        path: `points.${i}`,
        message: `"${p.name}" is read but never stored (no field) nor used as a scale register`,
      });
    }
  });
}

export function checkFields(points: readonly ProfilePoint[]): Findings {
  const found: Findings = { errors: [], warnings: [] };
  checkTags(points, found);
  checkFieldOwners(points, found);
  checkUnused(points, found);
  return found;
}
