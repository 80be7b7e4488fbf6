/**
 * `jisr influx doctor`: finds field keys that collide with tag keys in an existing InfluxDB 1.x database
 * (issue 9) and says how to remove them.
 *
 * Why it matters: InfluxQL reads a bare `"institution"` as the FIELD of that name once a measurement has
 * one, so a single point with a field `institution` (written straight into InfluxDB, or by an ingestion
 * older than the reserved-key check) blanks every unqualified query of that measurement. Jisr's own
 * queries say `"institution"::tag` and are immune; other tools (Chronograf, a hand-written Grafana panel)
 * are not, and the key never goes away by itself.
 *
 * Why the repair is per shard: on 1.x a field key lives in each shard's field index. Neither DROP SERIES
 * nor DROP MEASUREMENT removes it (checked on 1.6.7: after DROP MEASUREMENT and a copy back, the stale key
 * reappears, even across a restart). DROP SHARD does. So the repair copies the good data of each shard
 * that holds the key into a scratch retention policy (every measurement, field by field, leaving the
 * colliding keys out), drops the shard, and copies the data back measurement by measurement (one SELECT
 * over several measurements would cast an integer field to float where another measurement has it as
 * float).
 *
 * Pure functions build the plan and the text; `diagnose` is the only I/O.
 */
import type { InfluxClient, StatementResult } from "@jisr/core/influx";
import { quoteIdentifier as q, quoteString } from "@jisr/core/influx";
import { z } from "zod";

/** Tag keys every Jisr series may carry: a field of this name is refused by ingestion (issue 9). */
export const RESERVED_TAGS = ["institution", "device"] as const;

/** The scratch retention policy the repair copies through; dropped at the end. */
export const REPAIR_RP = "jisr_repair";

/** Series listed per collision; the count is always complete. */
const LISTED_SERIES = 20;

export interface Shard {
  id: number;
  /** RFC 3339, as SHOW SHARDS prints them (and InfluxQL accepts in WHERE time). */
  start: string;
  end: string;
}

export interface Collision {
  retentionPolicy: string;
  measurement: string;
  key: string;
  fieldType: string;
  /** Why it collides: a tag key of this measurement, a reserved tag key, or both. */
  reason: "tag" | "reserved" | "tag and reserved";
  /** Series that hold at least one value of the field (over all time), and their points. */
  seriesCount: number;
  points: number;
  series: Array<Record<string, string>>;
  /** Shards of the retention policy to rebuild (those holding values of the field). */
  shards: Shard[];
}

export interface Diagnosis {
  database: string;
  collisions: Collision[];
  /** Field keys per retention policy and measurement (for the copy statements). */
  fields: Map<string, Map<string, Array<{ key: string; type: string }>>>;
  /** Why shards could not be listed (SHOW SHARDS needs an admin), if so. */
  shardsError?: string;
}

const showShardsRow = z.tuple([z.number(), z.string(), z.string(), z.number(), z.string(), z.string()]);

function rows(
  result: StatementResult | undefined,
): Array<{ name: string; tags: Record<string, string>; values: unknown[][] }> {
  return (result?.series ?? []).map((s) => ({ name: s.name, tags: s.tags, values: s.values }));
}

/** `"db"."rp"."m"`: every statement names its retention policy, so none depends on the default. */
export function target(database: string, rp: string, measurement: string): string {
  return `${q(database)}.${q(rp)}.${q(measurement)}`;
}

const timeRange = (s: Shard) => `time >= ${quoteString(s.start)} AND time < ${quoteString(s.end)}`;

/** Finds the collisions of `client.database`; read-only (SHOW and SELECT count only). */
export async function diagnose(client: InfluxClient): Promise<Diagnosis> {
  const database = client.database;
  const [rpResult] = await client.query(`SHOW RETENTION POLICIES ON ${q(database)}`);
  const rps = (rpResult?.series[0]?.values ?? []).map((v) => String(v[0]));
  const [tagResult] = await client.query("SHOW TAG KEYS");
  const tagKeys = new Map<string, Set<string>>();
  for (const s of rows(tagResult)) tagKeys.set(s.name, new Set(s.values.map((v) => String(v[0]))));

  const fields: Diagnosis["fields"] = new Map();
  const found: Array<Omit<Collision, "seriesCount" | "points" | "series" | "shards">> = [];
  for (const rp of rps) {
    const [fieldResult] = await client.query(`SHOW FIELD KEYS FROM ${q(rp)}./.*/`);
    const perMeasurement = new Map<string, Array<{ key: string; type: string }>>();
    for (const s of rows(fieldResult)) {
      const list = s.values.map((v) => ({ key: String(v[0]), type: String(v[1]) }));
      perMeasurement.set(s.name, list);
      const tags = tagKeys.get(s.name) ?? new Set<string>();
      for (const { key, type } of list) {
        const isTag = tags.has(key);
        const isReserved = (RESERVED_TAGS as readonly string[]).includes(key);
        if (!isTag && !isReserved) continue;
        const reason = isTag && isReserved ? "tag and reserved" : isTag ? "tag" : "reserved";
        found.push({ retentionPolicy: rp, measurement: s.name, key, fieldType: type, reason });
      }
    }
    fields.set(rp, perMeasurement);
  }

  let shardsByRp = new Map<string, Shard[]>();
  let shardsError: string | undefined;
  if (found.length > 0) {
    try {
      shardsByRp = await listShards(client, database);
    } catch (err) {
      shardsError = (err as Error).message;
    }
  }

  const collisions: Collision[] = [];
  for (const c of found) {
    const from = target(database, c.retentionPolicy, c.measurement);
    const field = `${q(c.key)}::field`;
    const [perSeries] = await client.query(`SELECT count(${field}) FROM ${from} GROUP BY *`);
    const held = rows(perSeries).filter((s) => Number(s.values[0]?.[1] ?? 0) > 0);
    const shards = shardsByRp.get(c.retentionPolicy) ?? [];
    collisions.push({
      ...c,
      seriesCount: held.length,
      points: held.reduce((n, s) => n + Number(s.values[0]?.[1] ?? 0), 0),
      series: held.slice(0, LISTED_SERIES).map((s) => s.tags),
      shards: await shardsHolding(client, from, field, shards),
    });
  }
  return { database, collisions, fields, ...(shardsError ? { shardsError } : {}) };
}

async function listShards(client: InfluxClient, database: string): Promise<Map<string, Shard[]>> {
  const [result] = await client.query("SHOW SHARDS");
  const out = new Map<string, Shard[]>();
  for (const s of rows(result)) {
    if (s.name !== database) continue;
    for (const raw of s.values) {
      const [id, , rp, , start, end] = showShardsRow.parse(raw.slice(0, 6));
      out.set(rp, [...(out.get(rp) ?? []), { id, start, end }]);
    }
  }
  return out;
}

/**
 * The shards whose time range holds values of the field. When none does (the key outlived its points,
 * e.g. after DROP SERIES), every shard holding the measurement, since the stale key may be in any.
 */
async function shardsHolding(
  client: InfluxClient,
  from: string,
  field: string,
  shards: Shard[],
): Promise<Shard[]> {
  if (shards.length === 0) return [];
  const counts = async (what: string) => {
    const results = await client.query(
      shards.map((s) => `SELECT count(${what}) FROM ${from} WHERE ${timeRange(s)}`).join("; "),
    );
    return shards.filter((_, i) =>
      rows(results[i]).some((r) => r.values.some((v) => v.slice(1).some((n) => Number(n) > 0))),
    );
  };
  const withValues = await counts(field);
  return withValues.length > 0 ? withValues : counts("*");
}

/**
 * The repair, as InfluxQL statements in order (comments start with `--`). Runnable as they are, one per
 * request, by an admin, with writers (ingestion, the analytics job, continuous queries) stopped: a point
 * written to a shard between its copy and its DROP SHARD would be lost.
 */
export function repairStatements(d: Diagnosis): string[] {
  const db = d.database;
  const bad = new Map<string, Set<string>>(); // "rp\u0000measurement" → colliding keys
  const shards = new Map<string, Map<number, Shard>>(); // rp → shards to rebuild
  for (const c of d.collisions) {
    const k = `${c.retentionPolicy}\u0000${c.measurement}`;
    bad.set(k, new Set([...(bad.get(k) ?? []), c.key]));
    const perRp = shards.get(c.retentionPolicy) ?? new Map<number, Shard>();
    for (const s of c.shards) perRp.set(s.id, s);
    shards.set(c.retentionPolicy, perRp);
  }
  const out: string[] = [`CREATE RETENTION POLICY ${q(REPAIR_RP)} ON ${q(db)} DURATION INF REPLICATION 1`];
  for (const [rp, byId] of shards) {
    const measurements = d.fields.get(rp) ?? new Map();
    for (const shard of [...byId.values()].sort((a, b) => a.id - b.id)) {
      out.push(`-- shard ${shard.id} of "${rp}", ${shard.start} to ${shard.end}: copy out, drop, copy back`);
      for (const [m, list] of [...measurements].sort(([a], [b]) => a.localeCompare(b))) {
        const skip = bad.get(`${rp}\u0000${m}`) ?? new Set<string>();
        const keep = (list as Array<{ key: string }>).filter((f) => !skip.has(f.key));
        if (keep.length === 0) continue;
        const select = keep.map((f) => `${q(f.key)}::field`).join(", ");
        out.push(
          `SELECT ${select} INTO ${target(db, REPAIR_RP, m)} FROM ${target(db, rp, m)} WHERE ${timeRange(shard)} GROUP BY *`,
        );
      }
      out.push(`DROP SHARD ${shard.id}`);
      for (const m of [...measurements.keys()].sort()) {
        out.push(
          `SELECT * INTO ${target(db, rp, m)} FROM ${target(db, REPAIR_RP, m)} WHERE ${timeRange(shard)} GROUP BY *`,
        );
      }
    }
  }
  out.push(`DROP RETENTION POLICY ${q(REPAIR_RP)} ON ${q(db)}`);
  return out;
}

/** One line per series, tags in key order: `institution=dar-b device=evil`. */
function seriesText(tags: Record<string, string>): string {
  const keys = Object.keys(tags).filter((k) => tags[k] !== "");
  return keys.length === 0
    ? "(no tags)"
    : keys
        .sort()
        .map((k) => `${k}=${tags[k]}`)
        .join(" ");
}

/** The report: the collisions, then how to repair them. */
export function formatDiagnosis(d: Diagnosis): string {
  if (d.collisions.length === 0)
    return `database "${d.database}": no field key collides with a tag key (nor is named ${RESERVED_TAGS.join(" or ")}).\n`;
  const lines = [`database "${d.database}": ${d.collisions.length} field key(s) collide with tag keys.`, ""];
  for (const c of d.collisions) {
    const why =
      c.reason === "tag"
        ? "also a tag key of this measurement"
        : c.reason === "reserved"
          ? "a reserved tag name"
          : "also a tag key of this measurement, and a reserved tag name";
    lines.push(
      `- "${c.retentionPolicy}"."${c.measurement}": field "${c.key}" (${c.fieldType}), ${why}: ` +
        `${c.seriesCount} series, ${c.points} point(s)`,
    );
    for (const s of c.series) lines.push(`    ${seriesText(s)}`);
    if (c.seriesCount > c.series.length) lines.push(`    … and ${c.seriesCount - c.series.length} more`);
  }
  lines.push(
    "",
    'Effect: a query that names the tag without ::tag (WHERE "institution" = \'x\', GROUP BY "device")',
    'reads the field instead and returns nothing or the wrong rows. Jisr\'s own queries use "key"::tag and',
    "are not affected; other tools are, until the key is removed.",
    "",
    "Repair (InfluxDB 1.x; an admin; stop ingestion, the analytics job and the continuous queries first:",
    "a point written to a shard between its copy and DROP SHARD is lost). InfluxDB 1.x keeps a field key",
    "in the shard's index even after DROP SERIES or DROP MEASUREMENT; only dropping the shard removes it.",
    "So each shard holding the key is copied out without the colliding fields, dropped, and copied back.",
    "If a listed series is not genuine, drop it first, e.g.:",
  );
  const first = d.collisions[0] as Collision;
  const example = first.series[0];
  if (example) {
    const where = Object.keys(example)
      .filter((k) => example[k] !== "")
      .sort()
      .map((k) => `${q(k)}::tag = ${quoteString(example[k] as string)}`)
      .join(" AND ");
    lines.push(`  DROP SERIES FROM ${q(first.measurement)} WHERE ${where}`);
  }
  if (d.shardsError) {
    lines.push(
      "",
      `SHOW SHARDS failed (${d.shardsError}): run the doctor as an InfluxDB admin to get the statements.`,
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    "",
    "Then run these statements in order, one per request (e.g. influx -database <db> -execute '<statement>'),",
    "and run `jisr influx doctor` again: it must find nothing.",
    "",
    ...repairStatements(d).map((s) => (s.startsWith("--") ? s : `${s};`)),
  );
  return `${lines.join("\n")}\n`;
}

/** The statements of a printed report (not comments), for running them one by one. */
export function statementsOf(report: string): string[] {
  const start = report.indexOf(`CREATE RETENTION POLICY ${q(REPAIR_RP)}`);
  if (start < 0) return [];
  return report
    .slice(start)
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("--"))
    .map((l) => l.replace(/;$/, ""));
}
