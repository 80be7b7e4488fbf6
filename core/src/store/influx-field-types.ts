/**
 * The field types an InfluxDB database holds, as this process knows them (see field-types.ts for why they
 * are checked before a write). One cache per database connection: the InfluxStore owns it, and a store
 * that writes the same database another way (ingestion's wire store) uses the same one, so both see
 * every type this process wrote.
 */
import type { InfluxClient } from "../influx/client.js";
import { quoteIdentifier } from "../influx/influxql.js";
import type { Point } from "../point.js";
import { checkFieldTypes, type FieldType, type KnownFieldTypes, mergeFieldTypes } from "./field-types.js";
import { StoreRejectedError } from "./types.js";

export class InfluxFieldTypes {
  readonly #known: KnownFieldTypes = new Map();
  readonly #loaded = new Set<string>();

  constructor(private readonly client: InfluxClient) {}

  /** Asks the server for the field types of measurements not seen yet (one request for all). */
  async load(measurements: Iterable<string>): Promise<void> {
    const missing = [...new Set(measurements)].filter((m) => !this.#loaded.has(m));
    if (missing.length === 0) return;
    let statements: Awaited<ReturnType<InfluxClient["query"]>>;
    try {
      statements = await this.client.query(
        missing.map((m) => `SHOW FIELD KEYS FROM ${quoteIdentifier(m)}`).join("; "),
      );
    } catch (err) {
      // A database not created yet has no types to conflict with; an unreachable one fails the write anyway.
      if (err instanceof StoreRejectedError) return;
      throw err;
    }
    missing.forEach((m, i) => {
      const known = this.#known.get(m) ?? new Map<string, FieldType>();
      for (const series of statements[i]?.series ?? []) {
        for (const [key, type] of series.values) {
          if (typeof key === "string" && typeof type === "string") known.set(key, type as FieldType);
        }
      }
      this.#known.set(m, known);
      this.#loaded.add(m);
    });
  }

  /** checkFieldTypes against what is known: throws naming every conflicting point, or returns what they add. */
  checkPoints(points: readonly Point[]): KnownFieldTypes {
    return checkFieldTypes(points, this.#known);
  }

  /**
   * The types that batches already checked on the way in add (each batch's measurement → field → type),
   * or undefined on a conflict with a known type or between batches: the caller then refuses through the
   * point path, which names every point.
   */
  addedBy(batches: Iterable<{ readonly fieldTypes: KnownFieldTypes }>): KnownFieldTypes | undefined {
    const added: KnownFieldTypes = new Map();
    for (const b of batches) {
      for (const [m, fields] of b.fieldTypes) {
        const known = this.#known.get(m);
        let adding = added.get(m);
        for (const [field, type] of fields) {
          const before = known?.get(field) ?? adding?.get(field);
          if (before === type) continue;
          if (before !== undefined) return undefined;
          if (adding === undefined) {
            adding = new Map<string, FieldType>();
            added.set(m, adding);
          }
          adding.set(field, type);
        }
      }
    }
    return added;
  }

  /**
   * Runs a write that adds `added`: on success the types are known from then on; when the server refuses
   * it, another writer may have fixed a type we did not know yet, so everything is asked again next time.
   */
  async writing(added: KnownFieldTypes, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (err instanceof StoreRejectedError) {
        this.#known.clear();
        this.#loaded.clear();
      }
      throw err;
    }
    mergeFieldTypes(this.#known, added);
  }
}
