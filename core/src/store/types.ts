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

/** The database refused the data itself (HTTP 400, e.g. a field type conflict): retrying will not help. */
export class StoreRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreRejectedError";
  }
}
