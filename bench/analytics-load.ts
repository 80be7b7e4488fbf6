/**
 * Loading bench/analytics-month.ts's raw month into each store fast enough to run 400 institutions
 * (52 M points). Through `Store.write` a month of 40 institutions took 1.5-7 min per store: every point
 * built as an object, validated, encoded (InfluxDB) or written value by value with a synced transaction
 * per day (SQLite). The data is the same one-minute readings (analytics-data.ts); only the way in differs:
 *
 * - InfluxDB: line protocol written straight from the numbers, 15 000 lines per request, 3 requests in
 *   flight (influxd parses one while the next is made). No gzip: on two shared cores compressing costs
 *   the CPU influxd needs, and loopback has no bandwidth to save.
 * - SQLite: the store itself creates the series and fields (each institution's first minute through
 *   `SqliteStore.write`, so keys, tags and field kinds are the store's own), then one connection inserts
 *   the rest with a prepared multi-row INSERT, one transaction per institution, rows in primary-key order
 *   (series, field, time), without journal or sync while loading: a bench file nobody else reads yet.
 *
 * The readings of the late day are held back and returned as points, for the job's late-data recompute.
 */

import type { Point } from "@jisr/core";
import { MINUTE_MS } from "@jisr/core";
import type { InfluxClient } from "@jisr/core/influx";
import { SqliteStore } from "@jisr/core/store";
import Database from "better-sqlite3";
import type { Logger } from "pino";
import { institutionId, minuteLines, minutePoints, RAW_SERIES, rawMinutes } from "./analytics-data.js";

export interface RawPlan {
  institutions: number;
  /** The minutes [from, to) of every institution. */
  from: number;
  to: number;
  /** The first institution's readings in [from, to) are held back (the late day). */
  late: { from: number; to: number };
  /** Called after each institution. */
  progress?: (done: number) => void;
}

export interface RawLoad {
  points: number;
  /** Line protocol bytes (InfluxDB) or the file's size (SQLite). */
  bytes: number;
  ms: number;
  /** The held-back readings of the late day. */
  late: Point[];
}

const held = (plan: RawPlan, i: number, time: number) =>
  i === 0 && time >= plan.late.from && time < plan.late.to;

const LINES_PER_WRITE = 15_000;
const IN_FLIGHT = 3;

export async function loadInflux(client: InfluxClient, plan: RawPlan): Promise<RawLoad> {
  const started = performance.now();
  const out: RawLoad = { points: 0, bytes: 0, ms: 0, late: [] };
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const send = async (body: string) => {
    while (pending.size >= IN_FLIGHT) await Promise.race(pending);
    if (failure) throw failure;
    const write = client.write(body, "s").then(
      () => {
        pending.delete(write);
      },
      (err: unknown) => {
        pending.delete(write);
        failure ??= err;
      },
    );
    pending.add(write);
  };
  const perWrite = Math.floor(LINES_PER_WRITE / RAW_SERIES.length);
  for (let i = 0; i < plan.institutions; i++) {
    const lines = minuteLines(i);
    let body: string[] = [];
    for (const m of rawMinutes(i, plan.from, plan.to)) {
      if (held(plan, i, m.time)) {
        out.late.push(...minutePoints(i, m));
        continue;
      }
      body.push(lines(m));
      if (body.length >= perWrite) {
        const text = body.join("\n");
        out.bytes += text.length; // ASCII only: characters are bytes
        out.points += body.length * RAW_SERIES.length;
        body = [];
        await send(text);
      }
    }
    if (body.length > 0) {
      const text = body.join("\n");
      out.bytes += text.length;
      out.points += body.length * RAW_SERIES.length;
      await send(text);
    }
    plan.progress?.(i + 1);
  }
  await Promise.all(pending);
  if (failure) throw failure;
  out.ms = performance.now() - started;
  return out;
}

const ROWS_PER_INSERT = 250;

export async function loadSqlite(path: string, plan: RawPlan, logger: Logger): Promise<RawLoad> {
  const started = performance.now();
  const out: RawLoad = { points: 0, bytes: 0, ms: 0, late: [] };
  // Series and fields made by the store, from each institution's first minute.
  const store = new SqliteStore({ path, logger });
  await store.init();
  const first: Point[] = [];
  for (let i = 0; i < plan.institutions; i++)
    for (const m of rawMinutes(i, plan.from, plan.from + MINUTE_MS)) first.push(...minutePoints(i, m));
  await store.write(first);
  await store.close();

  const db = new Database(path);
  try {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    const seriesId = new Map<string, number>();
    for (const r of db.prepare("SELECT id, measurement, tags FROM series").all() as Array<{
      id: number;
      measurement: string;
      tags: string;
    }>) {
      const tags = JSON.parse(r.tags) as Record<string, string>;
      seriesId.set(`${r.measurement}|${tags.institution}|${tags.device}`, r.id);
    }
    const fieldId = new Map<string, number>();
    for (const r of db.prepare("SELECT id, measurement, name FROM fields").all() as Array<{
      id: number;
      measurement: string;
      name: string;
    }>)
      fieldId.set(`${r.measurement}|${r.name}`, r.id);
    const idOf = (map: Map<string, number>, key: string) => {
      const id = map.get(key);
      if (id === undefined) throw new Error(`bench: the store made no id for ${key}`);
      return id;
    };
    // OR IGNORE: the first minute is already there, written by the store.
    const insert = (rows: number) =>
      db.prepare(
        `INSERT OR IGNORE INTO point_values (series_id, field_id, time, value) VALUES ${Array(rows).fill("(?, ?, ?, ?)").join(", ")}`,
      );
    const many = insert(ROWS_PER_INSERT);
    const one = insert(1);
    const columns = RAW_SERIES.flatMap((s) => s.fields.map(([name, value]) => ({ s, name, value })));
    const params: number[] = new Array(ROWS_PER_INSERT * 4);
    for (let i = 0; i < plan.institutions; i++) {
      // The month kept column by column, then written in the primary key's order (series, field, time),
      // so every insert appends to the end of the table's B-tree.
      const times: number[] = [];
      const values: number[][] = columns.map(() => []);
      for (const m of rawMinutes(i, plan.from, plan.to)) {
        if (held(plan, i, m.time)) {
          out.late.push(...minutePoints(i, m));
          continue;
        }
        times.push(m.time);
        for (let k = 0; k < columns.length; k++)
          (values[k] as number[]).push((columns[k] as (typeof columns)[number]).value(m));
      }
      db.transaction(() => {
        columns.forEach((c, k) => {
          const sid = idOf(seriesId, `${c.s.measurement}|${institutionId(i)}|${c.s.device}`);
          const fid = idOf(fieldId, `${c.s.measurement}|${c.name}`);
          const column = values[k] as number[];
          let r = 0;
          for (; r + ROWS_PER_INSERT <= times.length; r += ROWS_PER_INSERT) {
            for (let j = 0; j < ROWS_PER_INSERT; j++) {
              params[4 * j] = sid;
              params[4 * j + 1] = fid;
              params[4 * j + 2] = times[r + j] as number;
              params[4 * j + 3] = column[r + j] as number;
            }
            many.run(params);
          }
          for (; r < times.length; r++) one.run(sid, fid, times[r] as number, column[r] as number);
        });
      })();
      out.points += times.length * RAW_SERIES.length;
      plan.progress?.(i + 1);
    }
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
  out.ms = performance.now() - started;
  return out;
}
