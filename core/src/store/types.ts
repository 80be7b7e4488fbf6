/**
 * The one store interface. Two implementations pass the same contract suite (store/contract.ts):
 * InfluxDB for production and an embedded SQLite file for the demo and a gateway running alone.
 */
import type { FieldValue, Point } from "../point.js";

export type AggregateFn = "mean" | "max" | "min" | "sum" | "count" | "first" | "last";

export interface AggregateQuery {
  measurement: string;
  field: string;
  fn: AggregateFn;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Bucket width; buckets are aligned on the Unix epoch (as InfluxDB's GROUP BY time()). */
  everyMs: number;
  /** Tag equality filters, e.g. { institution: "ehpad-ben-guerir" }. */
  where?: Record<string, string>;
  /** Tag keys to split the result by; one series per distinct combination. */
  groupBy?: string[];
}

export interface SeriesResult {
  /** Values of the groupBy tags for this series ({} without groupBy). */
  tags: Record<string, string>;
  /** Non-empty buckets only, oldest first; `time` is the bucket start. */
  points: Array<{ time: number; value: number }>;
}

export interface LatestQuery {
  measurement: string;
  where?: Record<string, string>;
  /** Tag keys identifying a series, default ["institution", "device"]. */
  groupBy?: string[];
  /** Only look this far back (ms); default 7 days. */
  lookbackMs?: number;
  /** Reference instant for the lookback (epoch ms); default now. */
  now?: number;
}

export interface LatestRow {
  tags: Record<string, string>;
  time: number;
  fields: Record<string, FieldValue>;
}

export interface Store {
  readonly kind: "influxdb" | "sqlite";
  /** Creates the database/tables if missing. Idempotent. */
  init(): Promise<void>;
  /**
   * Writes all points or none. A point with the same series and time as an earlier one replaces its
   * fields (InfluxDB semantics), so replays after an outage are harmless.
   */
  write(points: readonly Point[]): Promise<void>;
  aggregate(q: AggregateQuery): Promise<SeriesResult[]>;
  /** The most recent point of each series (per groupBy combination) within the lookback. */
  latest(q: LatestQuery): Promise<LatestRow[]>;
  /** True when the backing database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The database could not be reached or answered 5xx/429: the caller should keep its data and retry. */
export class StoreUnavailableError extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 5, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The database refused the request for a reason that is not in the points: wrong credentials (401), a
 * missing right (403), a missing database (404), one of its limits, a proxy in front of it. The same
 * request fails until someone fixes the setup, but the data is good and must not be dropped. It is a
 * StoreUnavailableError, so every caller that keeps its data and retries on unavailability does so here
 * too; its message says what to fix.
 */
export class StoreMisconfiguredError extends StoreUnavailableError {
  /** The HTTP status of the database's answer, when there was one. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, undefined, options);
    this.name = "StoreMisconfiguredError";
    this.status = status;
  }
}

/** One point a store refused, by its position in the batch given to `write`. */
export interface StoreProblem {
  index: number;
  /** e.g. `points.3.fields.state`. */
  path: string;
  message: string;
}

/** The database refused the data itself (HTTP 400, e.g. a field type conflict): retrying will not help. */
export class StoreRejectedError extends Error {
  /**
   * The points to blame, when the store's own checks found them; absent when the database only said that
   * the batch failed. Lets a sender drop exactly those and send the rest again.
   */
  readonly problems: readonly StoreProblem[] | undefined;
  constructor(message: string, options?: { cause?: unknown; problems?: readonly StoreProblem[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StoreRejectedError";
    this.problems = options?.problems;
  }
}
