/**
 * Field types, checked before a write. InfluxDB fixes a field's type (float, string, boolean) at its first
 * write; a later point with another type is refused, but 1.x still writes the rest of the batch ("partial
 * write"). Checking every point against the known types first keeps "a bad point never half-writes a batch"
 * true on InfluxDB too. Both stores use the same rule, so they refuse the same batches.
 */
import type { FieldValue, Point } from "../point.js";
import { type StoreProblem, StoreRejectedError } from "./types.js";

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
 *
 * The error's `problems` lets a sender drop exactly the named points and send the others again. It is
 * set only when every conflict is with a known type: a conflict with an earlier point of the batch blames
 * whichever point came later, yet the earlier one may be the bad one (the server may hold a type our
 * cache has not seen yet); without `problems` the sender splits the batch and the server judges each
 * part.
 */
export function checkFieldTypes(points: readonly Point[], known: KnownFieldTypes): KnownFieldTypes {
  const added: KnownFieldTypes = new Map();
  const problems: StoreProblem[] = [];
  let withinBatch = false;
  points.forEach((p, i) => {
    for (const [field, value] of Object.entries(p.fields)) {
      const sent = fieldTypeOf(value);
      const server = known.get(p.measurement)?.get(field);
      const before = server ?? added.get(p.measurement)?.get(field);
      if (before === undefined) {
        const m = added.get(p.measurement) ?? new Map<string, FieldType>();
        m.set(field, sent);
        added.set(p.measurement, m);
      } else if (!compatible(before, sent)) {
        if (server === undefined) withinBatch = true;
        problems.push({
          index: i,
          path: `points.${i}.fields.${field}`,
          message: `field type conflict: "${p.measurement}.${field}" holds ${before} values, this point sends a ${sent}`,
        });
      }
    }
  });
  if (problems.length > 0) {
    const shown = problems
      .slice(0, 20)
      .map((p) => `  - ${p.path}: ${p.message}`)
      .join("\n");
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : "";
    throw new StoreRejectedError(
      `${points.length} point(s) sent; nothing was written:\n${shown}${more}`,
      withinBatch ? undefined : { problems },
    );
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
