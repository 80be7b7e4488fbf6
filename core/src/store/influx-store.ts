/**
 * The production store: InfluxDB through its v1 API (1.x natively, 2.x/3.x through v1 compatibility).
 *
 * "All or none": every point is validated before the first request, so an invalid batch writes nothing.
 * A batch over 5 000 points goes in several requests; if the server fails between two, the first ones
 * are written, and the caller's retry of the whole batch overwrites them with the same values (same
 * series and time), so the end state is the same.
 */

import { InfluxClient, type InfluxClientOptions } from "../influx/client.js";
import { buildAggregateQuery, buildLatestQuery } from "../influx/influxql.js";
import { type InfluxSeries, rowObject } from "../influx/response.js";
import { encodePoints } from "../line-protocol.js";
import type { FieldValue, Point } from "../point.js";
import { type EncodedBatch, type EncodedWriter, isCheckedEncodedBatch } from "./encoded.js";
import { InfluxFieldTypes } from "./influx-field-types.js";
import {
  type AggregateQuery,
  type LatestQuery,
  type LatestRow,
  type SeriesResult,
  type Store,
  StoreRejectedError,
} from "./types.js";
import {
  checkAggregateQuery,
  checkLatestQuery,
  compareGroups,
  groupKey,
  groupTags,
  validatePoints,
} from "./validate.js";

/** InfluxDB's own advice is 5 000 lines per request. */
export const MAX_LINES_PER_WRITE = 5_000;

export type InfluxStoreOptions = InfluxClientOptions;

export class InfluxStore implements Store, EncodedWriter {
  readonly kind = "influxdb" as const;
  readonly client: InfluxClient;

  /** Field types seen on the server or written by this process, per measurement (see field-types.ts). */
  readonly fieldTypes: InfluxFieldTypes;

  constructor(options: InfluxStoreOptions | InfluxClient) {
    this.client = options instanceof InfluxClient ? options : new InfluxClient(options);
    this.fieldTypes = new InfluxFieldTypes(this.client);
  }

  async init(): Promise<void> {
    await this.client.createDatabase();
  }

  async write(points: readonly Point[]): Promise<void> {
    validatePoints(points);
    await this.fieldTypes.load(points.map((p) => p.measurement));
    const added = this.fieldTypes.checkPoints(points);
    await this.fieldTypes.writing(added, async () => {
      for (let i = 0; i < points.length; i += MAX_LINES_PER_WRITE) {
        await this.client.write(encodePoints(points.slice(i, i + MAX_LINES_PER_WRITE), "ms"), "ms");
      }
    });
  }

  /**
   * Batches checked and encoded on the way in (store/encoded.ts): their lines are sent as they are. The
   * field-type check runs on each batch's set of (measurement, field, type), not on every point; on a
   * conflict the batches go through `write`, which refuses them with every point named, as it always did.
   */
  async writeEncoded(batches: readonly EncodedBatch[]): Promise<void> {
    const measurements = new Set<string>();
    for (const b of batches) {
      if (!isCheckedEncodedBatch(b))
        throw new TypeError("writeEncoded takes only checkedEncodedBatch() batches");
      for (const m of b.fieldTypes.keys()) measurements.add(m);
    }
    await this.fieldTypes.load(measurements);
    const added = this.fieldTypes.addedBy(batches);
    if (added === undefined) return this.write(batches.flatMap((x) => x.points()));
    await this.fieldTypes.writing(added, async () => {
      let chunk: string[] = [];
      for (const b of batches) {
        for (const line of b.lines) {
          chunk.push(line);
          if (chunk.length === MAX_LINES_PER_WRITE) {
            await this.client.write(chunk.join("\n"), "ms");
            chunk = [];
          }
        }
      }
      if (chunk.length > 0) await this.client.write(chunk.join("\n"), "ms");
    });
  }

  async aggregate(query: AggregateQuery): Promise<SeriesResult[]> {
    const q = checkAggregateQuery(query);
    const [statement] = await this.client.query(buildAggregateQuery(q));
    if (statement?.partial) throw truncated(q.measurement);
    const groupBy = q.groupBy ?? [];
    const results = (statement?.series ?? []).map((s) => ({
      tags: groupTags(s.tags, groupBy),
      points: s.values.map((row) => ({ time: timeOf(row[0]), value: numericValue(row[1], q) })),
    }));
    return results.sort((a, b) => compareGroups(a.tags, b.tags, groupBy));
  }

  async latest(query: LatestQuery): Promise<LatestRow[]> {
    const q = checkLatestQuery(query);
    const [statement] = await this.client.query(buildLatestQuery(q));
    if (statement?.partial) throw truncated(q.measurement);
    // One row per series; keep the newest per groupBy combination (ties: the first series in tag order).
    const newest = new Map<string, LatestRow>();
    for (const series of statement?.series ?? []) {
      const row = latestRowOf(series);
      if (!row) continue;
      const key = groupKey(row.tags, q.groupBy);
      const seen = newest.get(key);
      if (!seen || row.time > seen.time) newest.set(key, row);
    }
    return [...newest.values()].sort((a, b) => compareGroups(a.tags, b.tags, q.groupBy));
  }

  async ping(): Promise<boolean> {
    return (await this.client.ping()).ok;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

function latestRowOf(series: InfluxSeries): LatestRow | undefined {
  const first = series.values[0];
  if (!first) return undefined;
  const { time, ...columns } = rowObject(series, first);
  const fields: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(columns)) if (value !== null) fields[name] = value;
  // GROUP BY * reports every tag key of the measurement, "" where this series has none.
  const tags = Object.fromEntries(Object.entries(series.tags).filter(([, v]) => v !== ""));
  return { tags, time: timeOf(time ?? null), fields };
}

function timeOf(cell: unknown): number {
  if (typeof cell !== "number")
    throw new StoreRejectedError(`InfluxDB returned a time that is not epoch ms: ${cell}`);
  return cell;
}

function numericValue(cell: unknown, q: AggregateQuery): number {
  if (typeof cell === "number") return cell;
  throw new StoreRejectedError(
    `${q.fn}("${q.field}") on "${q.measurement}" returned ${JSON.stringify(cell)}: ` +
      `aggregates need a numeric field (only count works on strings and booleans)`,
  );
}

function truncated(measurement: string): StoreRejectedError {
  return new StoreRejectedError(
    `InfluxDB cut the result for "${measurement}" short (max-row-limit): narrow the time range or use a wider bucket`,
  );
}
