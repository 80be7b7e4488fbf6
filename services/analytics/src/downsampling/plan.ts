/**
 * The InfluxQL of downsampling, as pure functions of the config (tested without a server):
 * - one retention policy per rollup (`rp_1h`), never the default one;
 * - one continuous query per rollup and raw measurement, selecting explicit fields so the rollup keeps
 *   the raw names (`mean("power_w") AS "power_w"`), and `GROUP BY time(1h), *` to keep every tag;
 * - the same SELECT ... INTO with a time range, to roll up data that arrived too late for the CQ.
 * A CQ's name ends with a hash of its text: setup recognises an unchanged CQ by name and replaces a
 * changed one, without parsing the server's rewritten query text.
 */
import { createHash } from "node:crypto";
import { msLiteral, quoteIdentifier as q } from "@jisr/core/influx";
import type { DownsamplingConfig, Rollup } from "./config.js";

type Spec = Rollup["measurements"][string];

/** The select list: mean/last keep the field's name, max/min add a suffix. */
function selectList(spec: Spec): string {
  return [
    ...spec.mean.map((f) => `mean(${q(f)}) AS ${q(f)}`),
    ...spec.last.map((f) => `last(${q(f)}) AS ${q(f)}`),
    ...spec.max.map((f) => `max(${q(f)}) AS ${q(`${f}_max`)}`),
    ...spec.min.map((f) => `min(${q(f)}) AS ${q(`${f}_min`)}`),
  ].join(", ");
}

/**
 * SELECT ... INTO the rollup from the raw measurement of the default retention policy (not named: the
 * database's default is where every writer writes). With `range`, for a backfill by hand.
 */
export function rollupSelect(
  r: Rollup,
  database: string,
  measurement: string,
  range?: { from: number; to: number },
): string {
  const spec = r.measurements[measurement];
  if (!spec) throw new RangeError(`rollup ${r.name} has no measurement "${measurement}"`);
  const where = range ? ` WHERE time >= ${msLiteral(range.from)} AND time < ${msLiteral(range.to)}` : "";
  return (
    `SELECT ${selectList(spec)} INTO ${q(database)}.${q(r.name)}.${q(measurement)} ` +
    `FROM ${q(measurement)}${where} GROUP BY time(${r.every}), *`
  );
}

export interface PlannedCq {
  name: string;
  /** Prefix shared by every version of this CQ (to find an older one to replace). */
  prefix: string;
  measurement: string;
  create: string;
}

export function plannedCqs(r: Rollup, database: string): PlannedCq[] {
  return Object.keys(r.measurements).map((measurement) => {
    const body =
      `RESAMPLE EVERY ${r.every} FOR ${r.resample_for} ` +
      `BEGIN ${rollupSelect(r, database, measurement)} END`;
    const prefix = `jisr_${r.name}_${measurement}_`;
    const name = `${prefix}${createHash("sha256").update(body).digest("hex").slice(0, 8)}`;
    return {
      name,
      prefix,
      measurement,
      create: `CREATE CONTINUOUS QUERY ${q(name)} ON ${q(database)} ${body}`,
    };
  });
}

export function createRetentionPolicy(name: string, database: string, duration: string): string {
  return `CREATE RETENTION POLICY ${q(name)} ON ${q(database)} DURATION ${duration} REPLICATION 1`;
}

export function alterRetentionPolicy(name: string, database: string, duration: string): string {
  return `ALTER RETENTION POLICY ${q(name)} ON ${q(database)} DURATION ${duration}`;
}

export function dropContinuousQuery(name: string, database: string): string {
  return `DROP CONTINUOUS QUERY ${q(name)} ON ${q(database)}`;
}

/** A config duration as SHOW RETENTION POLICIES prints it: INF → "0s", 90d → "2160h0m0s". */
export function shownDuration(duration: string): string {
  if (duration === "INF") return "0s";
  const m = /^(\d+)([hdw])$/.exec(duration);
  if (!m) throw new RangeError(`"${duration}" is not a retention duration`);
  const hours = Number(m[1]) * { h: 1, d: 24, w: 168 }[m[2] as "h" | "d" | "w"];
  return `${hours}h0m0s`;
}

/** What to do on InfluxDB 2.x and 3.x, where continuous queries do not exist: printed, never executed. */
export function adviceFor(
  generation: "2.x" | "3.x" | "unknown",
  config: DownsamplingConfig,
  database: string,
): string[] {
  if (generation === "unknown") {
    return [
      "The server did not say which InfluxDB it is (no X-Influxdb-Version): nothing was created.",
      "On 1.x run this again against the server itself; on 2.x/3.x see `jisr influx setup --help`.",
    ];
  }
  const lines: string[] = [];
  for (const r of config.rollups) {
    const measurements = Object.keys(r.measurements);
    if (generation === "2.x") {
      lines.push(
        `InfluxDB 2.x has no continuous queries. For ${r.name}: create a bucket "${database}_${r.name}" ` +
          `(retention ${r.duration}), map it for InfluxQL with \`influx v1 dbrp create --db ${database} --rp ${r.name} ` +
          `--bucket-id <its id>\`, and create one task per measurement (${measurements.join(", ")}), e.g.:`,
        `  option task = {name: "jisr_${r.name}_${measurements[0]}", every: ${r.every}, offset: 5m}`,
        `  from(bucket: "${database}") |> range(start: -${r.resample_for}) ` +
          `|> filter(fn: (r) => r._measurement == "${measurements[0]}") ` +
          `|> aggregateWindow(every: ${r.every}, fn: mean, createEmpty: false) |> to(bucket: "${database}_${r.name}")`,
        "  (fn: last for the lifetime counters; the 1.x field lists are in the downsampling config.)",
      );
    } else {
      lines.push(
        `InfluxDB 3 has neither continuous queries nor tasks. For ${r.name}: enable the Processing Engine ` +
          "(--plugin-dir) and create one scheduled trigger per measurement with the official Downsampler plugin " +
          `(source_measurement = ${measurements.join(" | ")}, target_measurement = <name>_${r.every}, window = ${r.every}), ` +
          "or let dashboards query the raw tables, which 3.x scans quickly.",
      );
    }
  }
  return lines;
}
