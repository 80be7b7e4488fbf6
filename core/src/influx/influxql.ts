/**
 * Building InfluxQL safely. Every identifier is double-quoted and every string is single-quoted, with the
 * escapes of the InfluxQL scanner (`\\`, `\"`, `\'`, `\n`), so a tag value such as `it's "x"\` stays one
 * literal and can never end the string and add a clause. Only the subset that also runs on the v1
 * compatibility of 2.x and 3.x is used: plain SELECT with time bounds in epoch ms, GROUP BY, fill(none).
 * Tags are always compared and grouped as tags (`quoteTag`), never as whatever a bare name resolves to.
 */
import type { HourStatsQuery } from "../store/hour-stats.js";
import type { AggregateQuery, LatestQuery } from "../store/types.js";

function escapeQuoted(s: string, quote: '"' | "'"): string {
  let out = "";
  for (const c of s) {
    if (c === "\\" || c === quote) out += `\\${c}`;
    else if (c === "\n")
      out += "\\n"; // a raw line break inside quotes is a parse error in InfluxQL
    else out += c;
  }
  return out;
}

export function quoteIdentifier(name: string): string {
  return `"${escapeQuoted(name, '"')}"`;
}

export function quoteString(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** An absolute instant as an InfluxQL duration literal since the epoch, e.g. `1700000000000ms`. */
export function msLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`time ${ms} is not a whole number of milliseconds`);
  return `${ms}ms`;
}

/**
 * A tag key as a tag: `"institution"::tag`. Without the `::tag`, InfluxQL reads a bare key as the FIELD of
 * that name whenever the measurement has one, so a stray field `institution` written by anyone (straight
 * into InfluxDB, or by an old ingestion) would make `WHERE "institution" = 'a'` match nothing and blank
 * every reader of that measurement. Supported in WHERE and GROUP BY from 1.x through the v1 API of 3.x.
 */
export function quoteTag(key: string): string {
  return `${quoteIdentifier(key)}::tag`;
}

/** `"k1"::tag = 'v1' AND "k2"::tag = 'v2'` in key order, or "" without filters. */
export function tagConditions(where: Record<string, string> | undefined): string {
  return Object.keys(where ?? {})
    .sort()
    .map((k) => `${quoteTag(k)} = ${quoteString((where as Record<string, string>)[k] as string)}`)
    .join(" AND ");
}

/** `WHERE` the time conditions and the tag filters, in that order. */
export function whereClause(timeConditions: string[], where: Record<string, string> | undefined): string {
  const tags = tagConditions(where);
  return `WHERE ${[...timeConditions, ...(tags ? [tags] : [])].join(" AND ")}`;
}

/** One aggregate per epoch-aligned bucket, per groupBy combination; empty buckets are left out. */
export function buildAggregateQuery(q: AggregateQuery): string {
  const where = whereClause([`time >= ${msLiteral(q.from)}`, `time < ${msLiteral(q.to)}`], q.where);
  const groupBy = [`time(${msLiteral(q.everyMs)})`, ...(q.groupBy ?? []).map(quoteTag)].join(", ");
  return (
    `SELECT ${q.fn}(${quoteIdentifier(q.field)}) FROM ${quoteIdentifier(q.measurement)} ${where} ` +
    `GROUP BY ${groupBy} fill(none)`
  );
}

/**
 * The newest row of every series (GROUP BY *), so tags come back as tags and the columns hold only fields;
 * the store then keeps the newest per groupBy combination.
 */
export function buildLatestQuery(q: LatestQuery & { now: number; lookbackMs: number }): string {
  const where = whereClause(
    [`time >= ${msLiteral(q.now - q.lookbackMs)}`, `time <= ${msLiteral(q.now)}`],
    q.where,
  );
  return `SELECT * FROM ${quoteIdentifier(q.measurement)} ${where} GROUP BY * ORDER BY time DESC LIMIT 1`;
}

/**
 * Rows per statement of the hour statistics: InfluxDB 1.x answers 10 000 at most (max-row-limit) and marks
 * the rest as cut.
 */
export const HOUR_STATS_ROWS = 9_000;

/**
 * The statements of an hour-statistics query (store/hour-stats.ts), sent in one request. Both start with
 * the readings per hour and series group. "mean": that is all, as a plan: the reader then reads the raw
 * readings in ranges of at most HOUR_STATS_ROWS rows (buildRawReadQuery) and adds them up per hour (one
 * raw read costs InfluxDB 1.6 a third of the `count(…) FROM (SELECT mean(…) GROUP BY time(1m))` subquery
 * it replaces, issue 12). "last": then each bucket's last value in statements of at most HOUR_STATS_ROWS
 * rows for `series` series, which the reader adds up per hour (a difference() subquery costs InfluxDB 1.6
 * five times that).
 */
export function buildHourStatsQueries(q: HourStatsQuery, series = 1): string[] {
  const field = quoteIdentifier(q.field);
  const time = [`time >= ${msLiteral(q.from)}`, `time < ${msLiteral(q.to)}`];
  const where = whereClause(time, q.where);
  const tags = (q.groupBy ?? []).map(quoteTag);
  const groupBy = (every: number) => [`time(${msLiteral(every)})`, ...tags].join(", ");
  const from = quoteIdentifier(q.measurement);
  const readings = `SELECT count(${field}) AS "readings" FROM ${from} ${where} GROUP BY ${groupBy(3_600_000)} fill(none)`;
  if (q.bucketFn === "mean") return [readings];
  const hoursPerStatement = Math.max(
    1,
    Math.floor(HOUR_STATS_ROWS / Math.max(1, series) / (3_600_000 / q.bucketMs)),
  );
  const out = [readings];
  for (let start = q.from; start < q.to; start += hoursPerStatement * 3_600_000) {
    const end = Math.min(q.to, start + hoursPerStatement * 3_600_000);
    out.push(
      `SELECT last(${field}) FROM ${from} ${whereClause([`time >= ${msLiteral(start)}`, `time < ${msLiteral(end)}`], q.where)} ` +
        `GROUP BY ${groupBy(q.bucketMs)} fill(none)`,
    );
  }
  return out;
}

/** The raw readings of `q.field` in [from, to), one series per groupBy combination, oldest first. */
export function buildRawReadQuery(q: HourStatsQuery, from: number, to: number): string {
  const where = whereClause([`time >= ${msLiteral(from)}`, `time < ${msLiteral(to)}`], q.where);
  const tags = (q.groupBy ?? []).map(quoteTag);
  return (
    `SELECT ${quoteIdentifier(q.field)} FROM ${quoteIdentifier(q.measurement)} ${where}` +
    (tags.length > 0 ? ` GROUP BY ${tags.join(", ")}` : "")
  );
}
