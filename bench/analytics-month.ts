/**
 * Speed of the analytics, next to the size of the data it reads:
 * 1. for each size in `--institutions` (40 by default; e.g. `40,400`), a month of one-minute readings of that
 *    many institutions loaded into SQLite and into InfluxDB (bench/analytics-load.ts; timed apart, it is
 *    not the job's time), then the job computing and storing that month's results on each, three times:
 *    every hour from the raw readings (`keepHourStats: false`); keeping the hours it reads, none kept yet;
 *    and reading those kept hours back (as a month's end does once the scheduler's passes kept its hours
 *    as the readings came), each run's result points checked equal to the first's. Then one
 *    institution's day whose readings arrived late recomputed (the days before it served from the job's
 *    cache); then how the job's time grows with the number of institutions. On InfluxDB the job's reads
 *    (its InfluxQL statements, recorded) are then sent again alone, as many at a time as the job runs
 *    institutions, their answers read but not parsed (analytics-replay.ts): the database's own time for
 *    those reads, the floor under the job on this machine, and the ratio of the job to it;
 * 2. a year of the Grafana dashboards' queries (dashboards/grafana/*.json, the queries as Grafana sends
 *    them for "last 12 months" and every institution) against InfluxDB holding a year of daily results and
 *    a year of hourly rollups, plus the month of raw data; then the same with the raw-series panels
 *    pointed at the rollup retention policy `rp_1h`.
 *
 *   npx tsx bench/analytics-month.ts [--institutions 40,400] [--month 2026-11] [--skip-sqlite]
 *     [--skip-influxdb] [--skip-dashboards] [--sqlite-readers N]
 *
 * (`--scale` is the old name of `--institutions`.) 400 institutions are opt-in: 52 M raw points, a SQLite
 * file of about 6 GB in the temporary folder while it runs, and time. On the shared 2-core machine at a
 * load average of 13-26 (6 December 2026), loading 400 took 46 min into SQLite and InfluxDB had 215
 * of 400 loaded after 23 min, where 40 took 28 s and 113 s; expect about ten times the 40-institution
 * run per store, more on a busy machine.
 * The machine is shared: the bench prints the load average next to its times.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Point } from "@jisr/core";
import {
  addDays,
  addMonths,
  daysBetween,
  encodePoints,
  HOUR_MS,
  localDay,
  localDayOf,
  localMonth,
  localMonthOf,
} from "@jisr/core";
import { InfluxClient } from "@jisr/core/influx";
import type { Store } from "@jisr/core/store";
import { DEFAULT_SQLITE_READERS, InfluxStore, KEPT_HOUR_STATS, SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { interpolate } from "../dashboards/src/interpolate.js";
import { backfillDownsampling } from "../services/analytics/src/downsampling/backfill.js";
import { loadDownsampling } from "../services/analytics/src/downsampling/config.js";
import { setupDownsampling } from "../services/analytics/src/downsampling/setup.js";
import { MonthCache } from "../services/analytics/src/jobs/month-cache.js";
import { DEFAULT_CONCURRENCY, runAnalytics } from "../services/analytics/src/jobs/run.js";
import { watchingWrites } from "../services/analytics/src/jobs/testing/watch-writes.js";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";
import {
  benchInstitutions,
  benchInstitutionsYaml,
  institutionId,
  yearOfResults,
  yearOfRollups,
} from "./analytics-data.js";
import { loadInflux, loadSqlite, type RawLoad, type RawPlan } from "./analytics-load.js";
import { recordQueries, replayQueries } from "./analytics-replay.js";
import { buildOnce } from "./build.js";
import { cpuSecondsOf } from "./proc-cpu.js";

const { values: args } = parseArgs({
  options: {
    institutions: { type: "string" },
    scale: { type: "string" },
    month: { type: "string", default: "2026-11" },
    "skip-sqlite": { type: "boolean", default: false },
    "skip-influxdb": { type: "boolean", default: false },
    "skip-dashboards": { type: "boolean", default: false },
    "sqlite-readers": { type: "string" },
  },
});
/** Reader threads of the SQLite store (SqliteStoreOptions.readers; its default when not given). */
const SQLITE_READERS = args["sqlite-readers"] === undefined ? undefined : Number(args["sqlite-readers"]);
if (SQLITE_READERS !== undefined && !(Number.isInteger(SQLITE_READERS) && SQLITE_READERS >= 0))
  throw new Error("bench: --sqlite-readers must be a whole number ≥ 0 (0: reads on the main thread)");
/** The sizes to run, in order; the dashboards part uses the first. */
const SIZES = (args.institutions ?? args.scale ?? "40").split(",").map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error("bench: --institutions must be whole numbers ≥ 1, separated by commas (e.g. 40,400)");
let N = SIZES[0] as number;
const MONTH = args.month as string;
const TZ = "Africa/Casablanca";
const logger = pino({ level: "silent" });
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

/** The day whose readings of the first institution arrive late (written after the month's run). */
const LATE_DAY = `${MONTH}-15`;

/** The month's raw readings with 3 h of context on both sides; the first institution's LATE_DAY held back. */
function rawPlan(): RawPlan {
  const month = localMonth(MONTH, TZ);
  const lateDay = localDay(LATE_DAY, TZ);
  return {
    institutions: N,
    from: month.from - 3 * HOUR_MS,
    to: month.to + 3 * HOUR_MS,
    late: { from: lateDay.from, to: lateDay.to },
    progress: (done) => process.stderr.write(`\r  raw data: ${done}/${N} institutions`),
  };
}

/**
 * The month's job on `store`, its result points collected (the kept hour statistics it writes left out):
 * with `keepHourStats` false, every hour read from the raw readings; true, hours kept in the store read
 * back while current, the others read and kept.
 */
async function monthJob(store: Store, cache: MonthCache, keepHourStats: boolean) {
  const month = localMonth(MONTH, TZ);
  const last = addDays(`${addMonths(MONTH, 1)}-01`, -1);
  const results: Point[] = [];
  let kept = 0;
  // The store itself (its class and hour statistics kept), its writes also seen here.
  const watched = watchingWrites(store, (points) => {
    for (const p of points) {
      if (p.measurement === KEPT_HOUR_STATS) kept++;
      else results.push(p);
    }
  });
  const [report, ms] = await time(() =>
    runAnalytics({
      store: watched,
      institutions: benchInstitutions(N),
      from: `${MONTH}-01`,
      to: last,
      logger,
      now: month.to + HOUR_MS,
      cache,
      keepHourStats,
    }),
  );
  return { report, ms, results, kept };
}

/**
 * The month on the kept hours as an operator runs it: `jisr analytics run` (built, bench/build.ts) in a
 * process of its own, started cold, timed from spawn to exit. Resolves to its time and its report's points.
 */
async function cliMonthJob(storeArgs: readonly string[], institutionsFile: string) {
  buildOnce();
  const last = addDays(`${addMonths(MONTH, 1)}-01`, -1);
  const argv = [
    fileURLToPath(new URL("../cli/bin/jisr.js", import.meta.url)),
    ...["analytics", "run", "--from", `${MONTH}-01`, "--to", last, "--institutions", institutionsFile],
    ...storeArgs,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, JISR_SOURCE: "", JISR_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`bench: jisr analytics run exited with ${code}`);
  const report = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { points?: number };
  return { ms, points: report.points ?? -1 };
}

/** The same results, point for point (order aside: institutions finish in any order). */
function sameResults(a: readonly Point[], b: readonly Point[]): boolean {
  const key = (p: Point) => JSON.stringify([p.measurement, p.tags, p.time, Object.entries(p.fields).sort()]);
  const [x, y] = [a.map(key).sort(), b.map(key).sort()];
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

/** The late day's readings arrive; the job recomputes that day (and the month's savings) of that institution. */
async function lateDayJob(store: Store, cache: MonthCache, late: Point[]) {
  await store.write(late);
  return time(() =>
    runAnalytics({
      store,
      institutions: benchInstitutions(N),
      only: [institutionId(0)],
      from: LATE_DAY,
      to: LATE_DAY,
      logger,
      now: localMonth(MONTH, TZ).to + HOUR_MS,
      cache,
    }),
  );
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

interface PanelQuery {
  query: string;
  /** The panel's relative range (`now/d`, `now/M`, `15m`), which Grafana uses instead of the dashboard's. */
  timeFrom?: string;
}

/** Every InfluxQL query of every dashboard file, by dashboard, with its panel's range override. */
function dashboardQueries(): Map<string, PanelQuery[]> {
  const dir = new URL("../dashboards/grafana/", import.meta.url);
  const out = new Map<string, PanelQuery[]>();
  const walk = (node: unknown, into: PanelQuery[]) => {
    if (Array.isArray(node)) for (const n of node) walk(n, into);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      const timeFrom = typeof o.timeFrom === "string" ? o.timeFrom : undefined;
      if (Array.isArray(o.targets))
        for (const t of o.targets) if (typeof t?.query === "string") into.push({ query: t.query, timeFrom });
      for (const [k, v] of Object.entries(o)) if (k !== "targets") walk(v, into);
    }
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const queries: PanelQuery[] = [];
    walk(JSON.parse(readFileSync(new URL(file, dir), "utf8")), queries);
    out.set(file.replace(/\.json$/, ""), queries);
  }
  return out;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/**
 * The range Grafana queries a panel over: the dashboard's, or the panel's `timeFrom` ending at `to`
 * (`now/d` and `now/M` start at the local midnight and first of the month, in the dashboard's zone).
 * Without this a "today" panel would be timed over a whole year, which no user ever asks for.
 */
function panelRange(timeFrom: string | undefined, from: number, to: number): [number, number] {
  if (timeFrom === undefined) return [from, to];
  if (timeFrom === "now/d") return [localDay(localDayOf(to, TZ), TZ).from, to];
  if (timeFrom === "now/M") return [localMonth(localMonthOf(to, TZ), TZ).from, to];
  const m = /^(\d+)([smhd])$/.exec(timeFrom);
  if (!m) throw new Error(`bench: unknown panel timeFrom "${timeFrom}"`);
  return [Math.max(from, to - Number(m[1]) * (UNIT_MS[m[2] as string] as number)), to];
}

async function runDashboards(
  client: InfluxClient,
  from: number,
  to: number,
  rollup: boolean,
  institutions: string[],
) {
  const rows: Array<{
    dashboard: string;
    queries: number;
    totalMs: number;
    slowestMs: number;
    slowest: string;
  }> = [];
  for (const [dashboard, queries] of dashboardQueries()) {
    let totalMs = 0;
    let slowestMs = 0;
    let slowest = "";
    for (const { query: raw, timeFrom } of queries) {
      const [panelFrom, panelTo] = panelRange(timeFrom, from, to);
      let q = interpolate(raw, {
        from: panelFrom,
        to: panelTo,
        intervalMs: 6 * HOUR_MS,
        variables: { institution: institutions, silence_minutes: ["15"] },
        multi: new Set(["institution"]),
      });
      if (rollup) q = q.replace(/FROM "(pv_inverter|grid_meter|hot_water)"/g, 'FROM "rp_1h"."$1"');
      const [, ms] = await time(() => client.query(q));
      totalMs += ms;
      if (ms > slowestMs) [slowestMs, slowest] = [ms, raw];
    }
    rows.push({ dashboard, queries: queries.length, totalMs, slowestMs, slowest });
  }
  return rows;
}

/** A year before the month's end of daily results (the month itself comes from the job) and of rollups. */
async function writeYear(client: InfluxClient, store: InfluxStore) {
  const yearFrom = localDay(`${addMonths(MONTH, -11)}-01`, TZ).from;
  const monthFrom = localMonth(MONTH, TZ).from;
  const days = daysBetween(`${addMonths(MONTH, -11)}-01`, addDays(`${MONTH}-01`, -1)).map(
    (d) => localDay(d, TZ).from,
  );
  const results = yearOfResults(N, days);
  await store.write(results);
  const hours = Math.round((localMonth(MONTH, TZ).to - yearFrom) / HOUR_MS);
  let rollupPoints = 0;
  let rollupBytes = 0;
  for (let i = 0; i < N; i++) {
    const points: Point[] = yearOfRollups(i, yearFrom, hours);
    for (let k = 0; k < points.length; k += 5000) {
      const body = encodePoints(points.slice(k, k + 5000), "ms");
      rollupBytes += Buffer.byteLength(body);
      // Bench only: writes straight into the rollup policy, as the continuous queries would have.
      const res = await fetch(`${client.url}/write?db=${client.database}&rp=rp_1h&precision=ms`, {
        method: "POST",
        body,
      });
      if (res.status !== 204) throw new Error(`rollup write: ${res.status} ${await res.text()}`);
    }
    rollupPoints += points.length;
  }
  return {
    yearFrom,
    monthFrom,
    results: { points: results.length, bytes: Buffer.byteLength(encodePoints(results, "ms")) },
    rollups: { points: rollupPoints, bytes: rollupBytes },
  };
}

async function main(): Promise<void> {
  ensurePackages();
  const dir = mkdtempSync(join(tmpdir(), "jisr-bench-analytics-"));
  const influxd = await startInfluxd();
  const lines: string[] = [];
  try {
    lines.push(
      `\nA month (${MONTH}) of one-minute readings (PV inverter, grid meter, water heater per institution); this machine's load average (1 / 5 / 15 min) at the start: ${load()} on ${cpus().length} CPUs:`,
    );
    const client = new InfluxClient({
      url: influxd.url,
      database: "bench_analytics",
      logger,
      timeoutMs: 120_000,
    });
    const influx = new InfluxStore(client);
    interface Row {
      store: string;
      n: number;
      raw: RawLoad;
      loadedAt: string;
      jobMs: number;
      /** The job keeping the hours it reads (nothing kept yet), then again reading them back. */
      keepingMs: number;
      keptMs: number;
      keptPoints: number;
      /** `jisr analytics run` on the kept hours, in a process of its own. */
      cliMs: number;
      jobAt: string;
      lateMs: number;
      results: number;
      /** InfluxDB: the job's reads sent again alone, and influxd's CPU seconds for the job and for them. */
      alone?: { ms: number; jobCpu: number; aloneCpu: number; queries: number };
      /** InfluxDB: the same for the job reading the kept hours. */
      keptAlone?: { ms: number; jobCpu: number; aloneCpu: number; queries: number };
    }
    const rows: Row[] = [];
    for (const size of [...SIZES].reverse()) {
      // The largest size last would leave the dashboards' database holding it: run sizes largest first
      // on their own databases (dropped after), the first size (the dashboards') last on bench_analytics.
      N = size;
      const runs: Array<[string, () => Promise<[Store, RawLoad]>, (s: Store) => Promise<void>]> = [];
      if (!args["skip-sqlite"]) {
        const path = join(dir, `bench-${N}.sqlite`);
        runs.push([
          `SQLite (file, ${SQLITE_READERS ?? DEFAULT_SQLITE_READERS} reader threads)`,
          async () => {
            const raw = await loadSqlite(path, rawPlan(), logger);
            raw.bytes = statSync(path).size;
            const store = new SqliteStore({
              path,
              logger,
              ...(SQLITE_READERS === undefined ? {} : { readers: SQLITE_READERS }),
            });
            await store.init();
            return [store, raw];
          },
          async (store) => {
            await store.close();
            rmSync(path, { force: true });
            rmSync(`${path}-wal`, { force: true });
            rmSync(`${path}-shm`, { force: true });
          },
        ]);
      }
      if (!args["skip-influxdb"])
        runs.push([
          "InfluxDB 1.6.7",
          async () => {
            const store =
              N === SIZES[0]
                ? influx
                : new InfluxStore(
                    new InfluxClient({
                      url: influxd.url,
                      database: `bench_${N}`,
                      logger,
                      timeoutMs: 120_000,
                    }),
                  );
            await store.init();
            return [store, await loadInflux(store.client, rawPlan())];
          },
          async (store) => {
            if (store === influx) return;
            await (store as InfluxStore).client.query(`DROP DATABASE "bench_${N}"`);
            await store.close();
          },
        ]);
      for (const [name, open, done] of runs) {
        process.stderr.write(`${name}, ${N} institutions\n`);
        const [store, raw] = await open();
        process.stderr.write("\n");
        const loadedAt = load();
        const cache = new MonthCache();
        const influx = store instanceof InfluxStore ? store : undefined;
        const influxPid = influxd.process.pid as number;
        /** The month's job, timed, and on InfluxDB its reads sent again alone (the floor under it). */
        const timed = async (keep: boolean, monthCache: MonthCache) => {
          const recording = influx ? recordQueries() : undefined;
          const cpu0 = cpuSecondsOf(influxPid);
          const run = await monthJob(store, monthCache, keep).finally(() => recording?.stop());
          const jobCpu = cpuSecondsOf(influxPid) - cpu0;
          let alone: Row["alone"];
          if (influx && recording) {
            // The baseline: the same statements, as many at a time as the job runs institutions.
            const cpu1 = cpuSecondsOf(influxPid);
            const replay = await replayQueries(
              influxd.url,
              influx.client.database,
              recording.queries,
              DEFAULT_CONCURRENCY,
            );
            alone = {
              ms: replay.ms,
              jobCpu,
              aloneCpu: cpuSecondsOf(influxPid) - cpu1,
              queries: recording.queries.length,
            };
          }
          return { ...run, alone };
        };
        // 1. Every hour from the raw readings; 2. the same, keeping the hours read (none kept yet);
        // 3. a month whose hours were kept (by run 2 here; in production by the scheduler's passes as the
        // readings came), read back. Each with a fresh month cache: nothing computed is carried over.
        const plain = await timed(false, new MonthCache());
        const jobAt = load();
        const keeping = await timed(true, new MonthCache());
        const kept = await timed(true, cache);
        for (const [what, run] of [
          ["keeping the hours", keeping],
          ["reading the kept hours", kept],
        ] as const)
          if (!sameResults(plain.results, run.results))
            throw new Error(
              `bench: the job ${what} wrote other results than from the raw readings (${name})`,
            );
        if (kept.kept !== 0)
          throw new Error(`bench: the month read again kept ${kept.kept} hours anew (${name})`);
        // 4. The same as an operator runs it: the built CLI, a process of its own, nothing warm.
        const institutionsFile = join(dir, `institutions-${N}.yaml`);
        writeFileSync(institutionsFile, benchInstitutionsYaml(N));
        const cli = await cliMonthJob(
          influx
            ? ["--influx-url", influxd.url, "--database", influx.client.database]
            : ["--sqlite", (store as SqliteStore).path],
          institutionsFile,
        );
        if (cli.points !== plain.report.points)
          throw new Error(
            `bench: jisr analytics run wrote ${cli.points} points, not ${plain.report.points} (${name})`,
          );
        const [, lateMs] = await lateDayJob(store, cache, raw.late);
        rows.push({
          store: name,
          n: N,
          raw,
          loadedAt,
          jobMs: plain.ms,
          keepingMs: keeping.ms,
          keptMs: kept.ms,
          keptPoints: keeping.kept,
          cliMs: cli.ms,
          jobAt,
          lateMs,
          results: plain.report.points,
          ...(plain.alone ? { alone: plain.alone } : {}),
          ...(kept.alone ? { keptAlone: kept.alone } : {}),
        });
        await done(store);
      }
    }
    lines.push(
      "| institutions | store | raw points | raw size | data load (not the job) | load avg after loading | job: compute + store the month | per institution | growth of the job (× institutions) | load avg after the job | late day recomputed (1 institution) | result points | InfluxDB alone: the job's reads sent again | job ÷ reads alone | influxd CPU: job / reads alone | job keeping its hours (none kept yet; hours kept) | job on the kept hours (same results) | its reads alone | influxd CPU: job / reads alone | `jisr analytics run` on the kept hours (own process, spawn to exit) |",
      "|---:|---|---:|---:|---:|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const r of [...rows].sort((a, b) => a.n - b.n || a.store.localeCompare(b.store))) {
      const first = rows.filter((x) => x.store === r.store).reduce((a, b) => (b.n < a.n ? b : a));
      const growth =
        r === first
          ? "–"
          : `× ${(r.jobMs / first.jobMs).toFixed(1)} (× ${(r.n / first.n).toFixed(0)}); per institution × ${(r.jobMs / r.n / (first.jobMs / first.n)).toFixed(2)}`;
      const alone = r.alone
        ? `${seconds(r.alone.ms)} (${r.alone.queries} requests) | × ${(r.jobMs / r.alone.ms).toFixed(2)} | ${r.alone.jobCpu.toFixed(1)} s / ${r.alone.aloneCpu.toFixed(1)} s`
        : "– | – | –";
      const keptAlone = r.keptAlone
        ? `${seconds(r.keptAlone.ms)} (${r.keptAlone.queries} requests) | ${r.keptAlone.jobCpu.toFixed(1)} s / ${r.keptAlone.aloneCpu.toFixed(1)} s`
        : "– | –";
      const keeping = `${seconds(r.keepingMs)} (${r.keptPoints.toLocaleString("en")}) | **${seconds(r.keptMs)}** | ${keptAlone}`;
      const size = r.store.startsWith("SQLite")
        ? `${mb(r.raw.bytes)} file`
        : `${mb(r.raw.bytes)} line protocol`;
      lines.push(
        `| ${r.n} | ${r.store} | ${r.raw.points.toLocaleString("en")} | ${size} | ${seconds(r.raw.ms)} | ${r.loadedAt} | ${seconds(r.jobMs)} | ${(r.jobMs / r.n).toFixed(0)} ms | ${growth} | ${r.jobAt} | ${(r.lateMs / 1000).toFixed(2)} s | ${r.results} | ${alone} | ${keeping} | ${seconds(r.cliMs)} |`,
      );
    }
    N = SIZES[0] as number;
    if (args["skip-dashboards"] || args["skip-influxdb"]) {
      await influx.close();
      return;
    }
    process.stderr.write("Downsampling and a year of dashboards\n");
    await setupDownsampling({ client, config: loadDownsampling(), logger });
    const month = localMonth(MONTH, TZ);
    const [, backfillMs] = await time(() =>
      backfillDownsampling({ client, config: loadDownsampling(), from: month.from, to: month.to, logger }),
    );
    const year = await writeYear(client, influx);
    lines.push(
      "",
      `Downsampling the month into rp_1h by hand (SELECT ... INTO, ${N} institutions): ${seconds(backfillMs)}`,
      `A year of data for the dashboards: daily results ${year.results.points.toLocaleString("en")} points (${mb(year.results.bytes)}); hourly rollups ${year.rollups.points.toLocaleString("en")} points (${mb(year.rollups.bytes)}); raw one-minute data for the last month only (above).`,
      "",
      "A year of the dashboards' queries (last 12 months, $__interval 6h; panels with their own range, such as today or this month, over that range as Grafana does), run one after the other:",
      "| dashboard | institutions | queries | raw panels on | total | slowest query | which |",
      "|---|---|---:|---|---:|---:|---|",
    );
    const all = Array.from({ length: N }, (_, i) => institutionId(i));
    for (const [scope, institutions] of [
      [`all ${N}`, all],
      ["one", all.slice(0, 1)],
    ] as const) {
      for (const rollup of [false, true]) {
        for (const r of await runDashboards(client, year.yearFrom, month.to - 1, rollup, [...institutions])) {
          const which = `\`${r.slowest.slice(0, 70).replaceAll("|", "\\|")}…\``;
          const on = rollup ? "rp_1h (a year)" : "raw (one month)";
          lines.push(
            `| ${r.dashboard} | ${scope} | ${r.queries} | ${on} | ${r.totalMs.toFixed(0)} ms | ${r.slowestMs.toFixed(0)} ms | ${which} |`,
          );
        }
      }
    }
    await influx.close();
  } finally {
    await influxd.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(lines.join("\n"));
  }
}

await main();
