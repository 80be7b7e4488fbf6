/**
 * Field types, checked before a write. InfluxDB fixes a field's type (float, string, boolean) at its first
 * write; a later point with another type is refused, but 1.x still writes the rest of the batch ("partial
 * write"). Checking every point against the known types first keeps "a bad point never half-writes a batch"
 * true on InfluxDB too. Both stores use the same rule, so they refuse the same batches.
 */
import type { FieldValue, Point } from "../point.js";
import { StoreRejectedError } from "./types.js";

export type FieldType = "float" | "integer" | "string" | "boolean";

/** Our type for a value: every number is a float (see line-protocol.ts). */
export function fieldTypeOf(v: FieldValue): FieldType {
  return typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : "float";
}

/** Numbers written by other tools as integers are still numbers to us; a float into one is refused. */
function compatible(known: FieldType, sent: FieldType): boolean {
  return known === sent;
}

/** measurement → field → type. */
export type KnownFieldTypes = Map<string, Map<string, FieldType>>;

/**
 * Throws StoreRejectedError naming every point whose field type differs from the known one or from an
 * earlier point of the same batch. Returns the types the batch adds, for the caller's cache.
 */
export function checkFieldTypes(points: readonly Point[], known: KnownFieldTypes): KnownFieldTypes {
  const added: KnownFieldTypes = new Map();
  const problems: string[] = [];
  points.forEach((p, i) => {
    for (const [field, value] of Object.entries(p.fields)) {
      const sent = fieldTypeOf(value);
      const before = known.get(p.measurement)?.get(field) ?? added.get(p.measurement)?.get(field);
      if (before === undefined) {
        const m = added.get(p.measurement) ?? new Map<string, FieldType>();
        m.set(field, sent);
        added.set(p.measurement, m);
      } else if (!compatible(before, sent)) {
        problems.push(
          `  - points.${i}.fields.${field}: field type conflict: "${p.measurement}.${field}" holds ${before} values, this point sends a ${sent}`,
        );
      }
    }
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join("\n");
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : "";
    throw new StoreRejectedError(`${points.length} point(s) sent; nothing was written:\n${shown}${more}`);
  }
  return added;
}

/** Adds `more` into `into`. */
export function mergeFieldTypes(into: KnownFieldTypes, more: KnownFieldTypes): void {
  for (const [m, fields] of more) {
    const target = into.get(m) ?? new Map<string, FieldType>();
    for (const [f, t] of fields) target.set(f, t);
    into.set(m, target);
  }
}
