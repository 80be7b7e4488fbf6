/**
 * The embedded store: one SQLite file (or ":memory:") on better-sqlite3, for the demo and for a gateway
 * running without a server. It passes the same contract as the InfluxDB store (contract.ts); the layout
 * is explained in sqlite-schema.ts.
 */
import { availableParallelism } from "node:os";
import Database from "better-sqlite3";
import { type Logger, pino } from "pino";
import type { FieldValue, Point } from "../point.js";
import { seriesKey } from "../point.js";
import {
  checkHourStatsQuery,
  type HourStats,
  type HourStatsQuery,
  type HourStatsResult,
  type HourStatsStore,
  hoursFromBuckets,
} from "./hour-stats.js";
import { type NumberRows, numbersOf } from "./sqlite-numbers.js";
import { SqliteReaders } from "./sqlite-readers.js";
import {
  aggregateOneSql,
  aggregateSql,
  type FieldKind,
  HOUR_LAST_BUCKETS,
  HOUR_LAST_BUCKETS_ONE,
  HOUR_MEAN_STATS,
  HOUR_MEAN_STATS_ONE,
  INSERT_FIELD,
  NEWEST_TIME,
  SCHEMA,
  SCHEMA_VERSION,
  SELECT_FIELD,
  SELECT_SERIES,
  UPSERT_SERIES,
  UPSERT_VALUE,
  VALUES_AT,
} from "./sqlite-schema.js";
import {
  type AggregateQuery,
  type LatestQuery,
  type LatestRow,
  type SeriesResult,
  type Store,
  StoreRejectedError,
  StoreUnavailableError,
} from "./types.js";
import {
  checkAggregateQuery,
  checkLatestQuery,
  compareGroups,
  groupKey,
  groupTags,
  validatePoints,
} from "./validate.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a store that lives as long as the process. */
  path: string;
  logger?: Logger;
  /**
   * Reader threads for the range reads of a file store (aggregate, hourStats; sqlite-readers.ts), each
   * with its own read-only connection: the reads of several institutions then run beside each other and
   * beside the main thread's work. 0 keeps every read on the main thread; a ":memory:" store always does
   * (another connection would open another, empty, database). Default DEFAULT_SQLITE_READERS.
   */
  readers?: number;
}

/**
 * Reader threads of a file store by default: two, one on a single core (where a reader still keeps the
 * event loop free during a long read). Measured with the analytics month (bench/analytics-month.ts, 40
 * institutions) on the shared 2-core machine: at a load of 1.5-5, 2 readers 5.1-9.8 s against 6.3-9.7 s
 * with none (README.md "Speed"); in one series at a load of 5.5, 0 readers 14.5 s, 1 reader 11.7 s,
 * 2 readers 10.8 s. More readers than cores only wait for a core.
 */
export const DEFAULT_SQLITE_READERS = Math.min(2, availableParallelism());

interface SeriesRow {
  id: number;
  tags: Record<string, string>;
}

export class SqliteStore implements Store, HourStatsStore {
  readonly kind = "sqlite" as const;
  readonly path: string;
  #db: Database.Database | undefined;
  #log: Logger;
  // Ids by series key and by measurement + field; cleared when a transaction rolls back.
  #seriesIds = new Map<string, number>();
  #fields = new Map<string, { id: number; kind: FieldKind }>();
  // Series of a measurement with their tags parsed, kept while no series is added (by this store or by
  // another process on the same file: series are never deleted, so an unchanged largest id says so). A
  // job asking for one institution's series among hundreds then parses none of their tags again.
  #seriesOf = new Map<string, SeriesRow[]>();
  #seriesUpTo = -1;
  #readerCount: number;
  #readers: SqliteReaders | undefined;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    const readers = options.readers ?? DEFAULT_SQLITE_READERS;
    if (!Number.isInteger(readers) || readers < 0)
      throw new StoreRejectedError(`SQLite store: readers must be a whole number ≥ 0, got ${readers}`);
    this.#readerCount = options.path === ":memory:" ? 0 : readers;
    this.#log = (options.logger ?? pino()).child({ component: "sqlite-store", path: options.path });
  }

  async init(): Promise<void> {
    if (this.#db) return;
    if (this.path === "") throw new StoreRejectedError("SQLite store: path must be a file path or :memory:");
    const db = guard(`open ${this.path}`, () => new Database(this.path));
    // WAL lets readers run during a write; FULL, because NORMAL may lose the last commits on power loss.
    const journal = db.pragma("journal_mode = WAL", { simple: true });
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    // Aggregates sort their buckets: keep that in memory rather than in temporary files on an SD card.
    db.pragma("temp_store = MEMORY");
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.#db = db;
    // Readers beside the writer need WAL (in a rollback journal a reader blocks the writer and the other
    // way round); a file system that refuses WAL keeps the reads here.
    if (this.#readerCount > 0 && journal === "wal")
      this.#readers = new SqliteReaders({ path: this.path, size: this.#readerCount, logger: this.#log });
    else if (this.#readerCount > 0)
      this.#log.warn({ journal }, "SQLite store not in WAL mode: reads stay on the main thread");
    this.#log.debug({ readers: this.#readers ? this.#readerCount : 0 }, "SQLite store open");
  }

  async write(points: readonly Point[]): Promise<void> {
    validatePoints(points);
    if (points.length === 0) return;
    const db = this.#open();
    const upsertSeries = this.#prepared(UPSERT_SERIES) as Database.Statement<
      [string, string, string],
      { id: number }
    >;
    const upsertValue = this.#prepared(UPSERT_VALUE);
    const writeAll = db.transaction((batch: readonly Point[]) => {
      batch.forEach((p, i) => {
        const seriesId = this.#seriesId(upsertSeries, p);
        for (const [name, value] of Object.entries(p.fields)) {
          const field = this.#field(db, p.measurement, name, kindOf(value), i);
          upsertValue.run(seriesId, field, p.time, storedValue(value));
        }
      });
    });
    try {
      guard(`write to ${this.path}`, () => writeAll.immediate(points));
    } catch (err) {
      this.#seriesIds.clear();
      this.#fields.clear();
      throw err;
    }
  }

  async aggregate(query: AggregateQuery): Promise<SeriesResult[]> {
    const q = checkAggregateQuery(query);
    const field = this.#prepared(SELECT_FIELD).get(q.measurement, q.field) as
      | { id: number; kind: FieldKind }
      | undefined;
    if (!field) return [];
    if (field.kind !== "float" && q.fn !== "count") {
      throw new StoreRejectedError(
        `${q.fn}("${q.field}") on "${q.measurement}": the field holds ${field.kind} values; ` +
          `aggregates need a numeric field (only count works on strings and booleans)`,
      );
    }
    const groups = groupSeries(this.#series(q.measurement, q.where), q.groupBy ?? []);
    if (groups.length === 0) return [];
    const [sql, runs] = perGroup(
      groups,
      { every: q.everyMs, field: field.id, from: q.from, to: q.to },
      aggregateSql(q.fn),
      aggregateOneSql(q.fn),
    );
    // Columns: group, bucket, (first/last: the reading's time,) value.
    const { numbers, columns } = await this.#readNumbers(sql, runs);
    const results = groups.map((g) => ({ tags: g.tags, points: [] as SeriesResult["points"] }));
    for (let i = 0; i < numbers.length; i += columns)
      results[numbers[i] as number]?.points.push({
        time: numbers[i + 1] as number,
        value: numbers[i + columns - 1] as number,
      });
    return results.filter((r) => r.points.length > 0);
  }

  /** Hourly statistics of a field (hour-stats.ts): one statement, one range read per series. */
  async hourStats(query: HourStatsQuery): Promise<HourStatsResult[]> {
    const q = checkHourStatsQuery(query);
    const field = this.#prepared(SELECT_FIELD).get(q.measurement, q.field) as
      | { id: number; kind: FieldKind }
      | undefined;
    if (!field) return [];
    if (field.kind !== "float") {
      throw new StoreRejectedError(
        `hour statistics of "${q.field}" on "${q.measurement}": the field holds ${field.kind} values, not numbers`,
      );
    }
    const groups = groupSeries(this.#series(q.measurement, q.where), q.groupBy ?? []);
    if (groups.length === 0) return [];
    const params = { field: field.id, from: q.from, to: q.to, bucket: q.bucketMs };
    const results = groups.map((g) => ({ tags: g.tags, hours: [] as HourStats[] }));
    if (q.bucketFn === "mean") {
      const [sql, runs] = perGroup(groups, params, HOUR_MEAN_STATS, HOUR_MEAN_STATS_ONE);
      // Columns: group, hour, readings, min, max, buckets.
      const { numbers: n, columns } = await this.#readNumbers(sql, runs);
      for (let i = 0; i < n.length; i += columns)
        results[n[i] as number]?.hours.push({
          time: n[i + 1] as number,
          readings: n[i + 2] as number,
          min: n[i + 3] as number,
          max: n[i + 4] as number,
          buckets: n[i + 5] as number,
        });
    } else {
      const [sql, runs] = perGroup(groups, params, HOUR_LAST_BUCKETS, HOUR_LAST_BUCKETS_ONE);
      // Columns: group, bucket, time of its last reading, that reading, readings.
      const { numbers: n, columns } = await this.#readNumbers(sql, runs);
      // One row array, refilled: hoursFromBuckets reads each row before asking for the next.
      const row: [number, number, number, number] = [0, 0, 0, 0];
      hoursFromBuckets(
        (function* () {
          for (let i = 0; i < n.length; i += columns) {
            row[0] = n[i] as number;
            row[1] = n[i + 1] as number;
            row[2] = n[i + 3] as number;
            row[3] = n[i + 4] as number;
            yield row;
          }
        })(),
        (grp, hour) => results[grp]?.hours.push(hour),
      );
    }
    return results.filter((r) => r.hours.length > 0);
  }

  async latest(query: LatestQuery): Promise<LatestRow[]> {
    const q = checkLatestQuery(query);
    const db = this.#open();
    const newestTime = db.prepare<[number, number, number], { time: number | null }>(NEWEST_TIME);
    const newest = new Map<string, { series: SeriesRow; time: number }>();
    for (const series of this.#series(q.measurement, q.where)) {
      const time = newestTime.get(series.id, q.now - q.lookbackMs, q.now)?.time;
      if (time === null || time === undefined) continue;
      const key = groupKey(series.tags, q.groupBy);
      const seen = newest.get(key);
      if (!seen || time > seen.time) newest.set(key, { series, time });
    }
    const valuesAt = db.prepare<
      [string, number, number],
      { name: string; kind: FieldKind; value: number | string }
    >(VALUES_AT);
    return [...newest.values()]
      .sort((a, b) => compareGroups(a.series.tags, b.series.tags, q.groupBy))
      .map(({ series, time }) => ({
        tags: series.tags,
        time,
        fields: Object.fromEntries(
          valuesAt.all(q.measurement, series.id, time).map((r) => [r.name, fieldValue(r.kind, r.value)]),
        ),
      }));
  }

  async ping(): Promise<boolean> {
    try {
      return this.#db?.prepare("SELECT 1 AS one").get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const readers = this.#readers;
    this.#readers = undefined;
    await readers?.close();
    this.#db?.close();
    this.#db = undefined;
    this.#statements.clear();
    this.#preparedBySql.clear();
    this.#seriesOf.clear();
    this.#seriesUpTo = -1;
  }

  #open(): Database.Database {
    if (!this.#db)
      throw new StoreUnavailableError(`SQLite store ${this.path} is not open: call init() first`);
    return this.#db;
  }

  #seriesId(upsert: Database.Statement<[string, string, string], { id: number }>, p: Point): number {
    const key = seriesKey(p);
    let id = this.#seriesIds.get(key);
    if (id === undefined) {
      const tags = Object.fromEntries(Object.entries(p.tags).filter(([, v]) => v !== ""));
      id = (upsert.get(p.measurement, key, JSON.stringify(tags)) as { id: number }).id;
      this.#seriesIds.set(key, id);
    }
    return id;
  }

  /** The field's id, created on first use; a point sending another type is a field type conflict. */
  #field(db: Database.Database, measurement: string, name: string, kind: FieldKind, index: number): number {
    const cacheKey = `${measurement}\u0000${name}`;
    let field = this.#fields.get(cacheKey);
    if (!field) {
      field = db
        .prepare<[string, string], { id: number; kind: FieldKind }>(SELECT_FIELD)
        .get(measurement, name);
      field ??= { id: (db.prepare(INSERT_FIELD).get(measurement, name, kind) as { id: number }).id, kind };
      this.#fields.set(cacheKey, field);
    }
    if (field.kind !== kind) {
      throw new StoreRejectedError(
        `points.${index}.fields.${name}: field type conflict: "${measurement}.${name}" holds ${field.kind} ` +
          `values, this point sends a ${kind}; nothing was written`,
      );
    }
    return field.id;
  }

  #series(measurement: string, where: Record<string, string> | undefined): SeriesRow[] {
    const db = this.#open();
    const upTo = (this.#prepared("SELECT MAX(id) AS id FROM series").get() as { id: number | null }).id ?? 0;
    if (upTo !== this.#seriesUpTo) {
      this.#seriesOf.clear();
      this.#seriesUpTo = upTo;
    }
    let all = this.#seriesOf.get(measurement);
    if (!all) {
      all = db
        .prepare<[string], { id: number; tags: string }>(SELECT_SERIES)
        .all(measurement)
        .map((r) => ({ id: r.id, tags: JSON.parse(r.tags) as Record<string, string> }));
      this.#seriesOf.set(measurement, all);
    }
    const filters = Object.entries(where ?? {});
    return all.filter((s) => filters.every(([k, v]) => s.tags[k] === v));
  }

  // Prepared statements of the reads on this thread, by SQL (all in raw mode: rows as arrays).
  #statements = new Map<string, Database.Statement>();
  // The other statements run at every call (rows as objects), prepared once: preparing them per call
  // showed in the month's profile.
  #preparedBySql = new Map<string, Database.Statement>();

  #prepared(sql: string): Database.Statement {
    let statement = this.#preparedBySql.get(sql);
    if (!statement) {
      statement = this.#open().prepare(sql);
      this.#preparedBySql.set(sql, statement);
    }
    return statement;
  }

  /**
   * Rows of numbers of `sql` run once per parameter set, in order: by a reader thread, or here without
   * readers (the same Float64Array, so both paths read the rows alike).
   */
  async #readNumbers(sql: string, runs: Array<Record<string, unknown>>): Promise<NumberRows> {
    const readers = this.#readers;
    if (readers) {
      try {
        return await readers.readNumbers(sql, runs);
      } catch (err) {
        throw unavailableIfTransient(`read from ${this.path}`, err);
      }
    }
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#open().prepare(sql).raw(true);
      this.#statements.set(sql, statement);
    }
    const s = statement;
    return guard(`read from ${this.path}`, () => {
      const rows = (
        runs.length === 1 ? s.all(runs[0]) : runs.flatMap((params) => s.all(params))
      ) as unknown[][];
      const columns = s.columns().length;
      return { numbers: numbersOf(rows, columns), columns };
    });
  }
}

/**
 * The statement and its parameter sets for `groups`: when every group is one series (a device per group,
 * the usual case), the one-series statement once per group, in group order; otherwise the json_each
 * statement once, `:groups` mapping series ids to group indexes. Both return rows by group, then bucket.
 */
function perGroup(
  groups: Array<{ ids: number[] }>,
  params: Record<string, number>,
  manySql: string,
  oneSql: string,
): [string, Array<Record<string, unknown>>] {
  if (groups.every((g) => g.ids.length === 1))
    return [oneSql, groups.map((g, grp) => ({ ...params, grp, series: g.ids[0] }))];
  const seriesToGroup = Object.fromEntries(groups.flatMap((g, i) => g.ids.map((id) => [String(id), i])));
  return [manySql, [{ ...params, groups: JSON.stringify(seriesToGroup) }]];
}

/** Series grouped by their groupBy tag values, in the order of those values. */
function groupSeries(
  series: SeriesRow[],
  groupBy: string[],
): Array<{ tags: Record<string, string>; ids: number[] }> {
  const groups = new Map<string, { tags: Record<string, string>; ids: number[] }>();
  for (const s of series) {
    const tags = groupTags(s.tags, groupBy);
    const key = groupKey(tags, groupBy);
    const group = groups.get(key) ?? { tags, ids: [] };
    group.ids.push(s.id);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
}

function kindOf(value: FieldValue): FieldKind {
  return typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : "float";
}

function storedValue(value: FieldValue): number | string {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}

function fieldValue(kind: FieldKind, value: number | string): FieldValue {
  return kind === "boolean" ? value === 1 : value;
}

const TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/;

/** Disk full, locked or unreadable files are worth a retry later; anything else is thrown as it is. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw unavailableIfTransient(what, err);
  }
}

function unavailableIfTransient(what: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && TRANSIENT.test(code)) {
    return new StoreUnavailableError(`SQLite ${what} failed: ${(err as Error).message} (${code})`, 5, {
      cause: err,
    });
  }
  return err;
}
