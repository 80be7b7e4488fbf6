/**
 * Runs a dashboard panel's queries against a real InfluxDB the way Grafana would (see interpolate.ts) and
 * returns plain rows, so the query tests compare numbers and not JSON shapes.
 */
import { backfillDownsampling, loadDownsampling, setupDownsampling } from "@jisr/analytics";
import { encodePoints } from "@jisr/core";
import type { StatementResult } from "@jisr/core/influx";
import { InfluxClient } from "@jisr/core/influx";
import { pino } from "pino";
import { interpolate, leftoverVariables } from "../interpolate.js";
import type { Dashboard, Panel } from "../model.js";
import { fixturePoints } from "./fixtures.js";

export interface Range {
  from: number;
  to: number;
}

export type Row = Record<string, number | string | boolean | null>;

export interface RunOptions {
  /** The range of panels without `timeFrom` under "", and of the others under their `timeFrom`. */
  ranges: Record<string, Range>;
  intervalMs: number;
  variables: Record<string, readonly string[]>;
}

/**
 * A fresh database holding the fixture points, and their hourly rollups made the way production makes
 * them: `jisr influx setup`'s retention policy and `jisr influx downsample`'s SELECT ... INTO.
 */
export async function loadFixtures(url: string, database: string): Promise<InfluxClient> {
  const logger = pino({ level: "silent" });
  const client = new InfluxClient({ url, database, logger });
  await client.createDatabase();
  const points = fixturePoints();
  await client.write(encodePoints(points));
  const config = loadDownsampling();
  await setupDownsampling({ client, config, logger });
  const times = points.map((p) => p.time as number);
  await backfillDownsampling({
    client,
    config,
    from: Math.min(...times),
    to: Math.max(...times) + 1,
    logger,
  });
  return client;
}

export function panelByTitle(d: Dashboard, title: string): Panel {
  const panel = d.panels.find((p) => p.title === title);
  if (!panel) throw new Error(`dashboard ${d.uid} has no panel "${title}"`);
  return panel;
}

/** Floats compared to 6 decimals: 29.4 + 7 must equal 36.4, not 36.400000000000006. */
function round(v: Row[string]): Row[string] {
  return typeof v === "number" ? Math.round(v * 1e6) / 1e6 : v;
}

/**
 * One row per value row of every series, the series' tags merged in. Rows whose values are all null
 * (the empty buckets of `fill(null)`) are left out.
 */
export function toRows(result: StatementResult | undefined): Row[] {
  const rows: Row[] = [];
  for (const s of result?.series ?? []) {
    for (const values of s.values) {
      const row: Row = { ...s.tags };
      s.columns.forEach((c, i) => {
        row[c] = round(values[i] ?? null);
      });
      const data = s.columns.filter((c) => c !== "time");
      if (data.some((c) => row[c] !== null)) rows.push(row);
    }
  }
  return rows;
}

/** The InfluxQL each target of the panel sends, variables and macros substituted. */
export function panelQueries(d: Dashboard, panel: Panel, opts: RunOptions): string[] {
  const range = opts.ranges[panel.timeFrom ?? ""];
  if (!range)
    throw new Error(`no range given for panel "${panel.title}" (timeFrom ${panel.timeFrom ?? "none"})`);
  const multi = new Set(d.templating.list.filter((v) => v.multi || v.includeAll).map((v) => v.name));
  // The panel's min interval is a lower bound for $__interval, as in Grafana.
  const intervalMs = Math.max(opts.intervalMs, panel.interval ? durationMs(panel.interval) : 0);
  return panel.targets.map((t) => {
    const q = interpolate(t.query, {
      ...range,
      intervalMs,
      variables: opts.variables,
      multi,
    });
    const left = leftoverVariables(q);
    if (left.length > 0)
      throw new Error(`panel "${panel.title}": $${left.join(", $")} not substituted in ${q}`);
    return q;
  });
}

/** A Grafana min interval (`15m`, `1h`, `1d`) in ms. */
export function durationMs(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw new Error(`unsupported interval "${text}"`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
}

/** Rows per target, in target order. */
export async function runPanel(
  client: InfluxClient,
  d: Dashboard,
  panel: Panel,
  opts: RunOptions,
): Promise<Row[][]> {
  const out: Row[][] = [];
  for (const q of panelQueries(d, panel, opts)) {
    const [result] = await client.query(q);
    if (result?.partial) throw new Error(`panel "${panel.title}": partial result for ${q}`);
    out.push(toRows(result));
  }
  return out;
}

/** Aggregates over a whole range carry the range start (or 0) as their time: not what is being tested. */
export function withoutTime(rowsPerTarget: Row[][]): Row[][] {
  return rowsPerTarget.map((rows) => rows.map(({ time: _time, ...rest }) => rest));
}

/** InfluxDB orders series by their tag keys (device before institution): tests compare in a fixed order. */
export function sorted(rowsPerTarget: Row[][]): Row[][] {
  const key = (r: Row) =>
    `${r.institution ?? ""}\u0000${r.device ?? ""}\u0000${String(r.time ?? "").padStart(16, "0")}`;
  return rowsPerTarget.map((rows) => [...rows].sort((a, b) => key(a).localeCompare(key(b))));
}
