/**
 * `runAnalytics`: compute and store the results of every institution for the local days [from, to].
 * Months run in order (the export cap reads the year's earlier months back); within a month a few
 * institutions run at a time (their reads and writes overlap; nothing is shared between them). Each
 * institution-month reads its raw series once and writes its points in one batch. Writing is idempotent:
 * a point has the same series (measurement + institution) and time as the one it replaces.
 */
import { addMonths, daysBetween, daysOfMonth, isDay, localDayOf, monthOfDay } from "@jisr/core";
import { keptHourStatsOf, type Store } from "@jisr/core/store";
import type { Logger } from "pino";
import type { Institution, InstitutionsConfig } from "../config/load.js";
import { ANOMALY_KINDS, type CounterEventKind } from "../energy/counter.js";
import type { DeviceEvent } from "../energy/hourly.js";
import type { YearBefore } from "../tariff/savings.js";
import { computeMonth, type JobContext, readYearsBefore } from "./month.js";
import type { MonthCache } from "./month-cache.js";
import type { RunProgress } from "./progress.js";

/**
 * Institutions computed at the same time within a month: enough to overlap one's reads with another's work.
 * 8, not 4: on SQLite with reader threads the main thread then rarely waits for reads with nothing else to
 * do (bench month, 40 institutions, quiet machine: 5.1 s twice at 4, 4.9 s twice at 8); InfluxDB the same
 * (9.6 s at both). Each institution-month in flight holds its month of readings, a few MB.
 */
export const DEFAULT_CONCURRENCY = 8;

export interface RunAnalyticsOptions {
  store: Store;
  institutions: InstitutionsConfig;
  /** First local day "YYYY-MM-DD", included. */
  from: string;
  /** Last local day, included; days after today (at `now`) are skipped. */
  to: string;
  logger: Logger;
  /** Only these institution ids (default: all of the file). */
  only?: readonly string[];
  /** Per institution, a first day later than `from` (the scheduler recomputes from the oldest change). */
  fromByInstitution?: ReadonlyMap<string, string>;
  /** "Now", epoch ms: sets today. Default Date.now(). */
  now?: number;
  /** A progress line at most this often, ms (default 10 s). */
  progressEveryMs?: number;
  /** Days kept between runs (the scheduler's); without it, each month is read from its 1st. */
  cache?: MonthCache;
  /** Called after each institution-month (a terminal's progress line). */
  onProgress?: (progress: RunProgress) => void;
  /** Institutions computed at the same time within a month (default DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /**
   * Keep each hour's statistics in the store (measurement `jisr_hour_stats`) and read them back while the
   * hour's readings are unchanged (default true; core's kept-hour-stats.ts): a month read again, or the
   * month after the scheduler's passes kept its hours, reads a few hundred rows per series.
   */
  keepHourStats?: boolean;
}

export interface RunReport {
  institutions: number;
  /** Institution-months computed. */
  months: number;
  points: number;
  /** Counter events (spikes, resets, rollovers, gaps) met on the way. */
  events: number;
  ms: number;
}

interface Task {
  inst: Institution;
  month: string;
  /** Daily points written for [firstDay, lastDay]. */
  firstDay: string;
  lastDay: string;
  /** Computed through this day: the month's last, or today. */
  through: string;
}

export async function runAnalytics(o: RunAnalyticsOptions): Promise<RunReport> {
  for (const [name, day] of [
    ["from", o.from],
    ["to", o.to],
  ] as const) {
    if (!isDay(day)) throw new RangeError(`${name}: "${day}" is not a day (YYYY-MM-DD)`);
  }
  const started = Date.now();
  const log = o.logger.child({ component: "analytics-job" });
  const today = localDayOf(o.now ?? Date.now(), o.institutions.timeZone);
  const insts = o.institutions.institutions.filter((i) => !o.only || o.only.includes(i.id));
  const unknown = (o.only ?? []).filter((id) => !insts.some((i) => i.id === id));
  if (unknown.length > 0) throw new RangeError(`unknown institution(s): ${unknown.join(", ")}`);
  const tasks = plan(insts, o, today);
  const ctx: JobContext = {
    store: o.store,
    config: o.institutions,
    log,
    ...(o.cache ? { cache: o.cache } : {}),
  };
  // Keeping is a saving, not a result: a failed keeping write is logged (once at warn, then at debug)
  // and the run goes on from the readings, which it reads again next time.
  let keepFailures = 0;
  const kept =
    o.keepHourStats === false
      ? undefined
      : keptHourStatsOf(o.store, {
          onKeepFailed: (err, q) => {
            const at = keepFailures++ === 0 ? "warn" : "debug";
            log[at](
              { err, measurement: q.measurement, field: q.field, where: q.where },
              "Could not keep hour statistics (jisr_hour_stats): results computed from the raw readings, the hours read again next time",
            );
          },
        });
  if (kept) ctx.hourStats = kept;
  const report: RunReport = { institutions: insts.length, months: 0, points: 0, events: 0, ms: 0 };
  let lastProgress = Date.now();
  log.info(
    { institutions: insts.length, from: o.from, to: o.to, tasks: tasks.length },
    "Analytics run started",
  );
  const totalDays = tasks.reduce((n, t) => n + dayCount(t), 0);
  const remaining = new Map<string, number>();
  for (const t of tasks) remaining.set(t.inst.id, (remaining.get(t.inst.id) ?? 0) + 1);
  const summaries = new Map<string, InstitutionSummary>();
  let daysDone = 0;
  let institutionsDone = insts.length - remaining.size; // institutions with nothing to compute
  let years = new Map<string, YearBefore>();
  const runTask = async (task: Task) => {
    const taskStarted = Date.now();
    const yearBefore = years.get(task.inst.id) ?? { producedKwh: 0, exportedKwh: 0 };
    const result = await computeMonth(ctx, task.inst, task.month, { ...task, yearBefore });
    await o.store.write(result.points);
    report.months++;
    report.points += result.points.length;
    report.events += result.events.length;
    logEvents(log, task.inst.id, result.events);
    const summary = summaries.get(task.inst.id) ?? newSummary();
    summaries.set(task.inst.id, summary);
    summary.months++;
    summary.days += dayCount(task);
    summary.points += result.points.length;
    summary.ms += Date.now() - taskStarted;
    for (const e of result.events) summary.counter[e.kind] = (summary.counter[e.kind] ?? 0) + 1;
    daysDone += dayCount(task);
    const left = (remaining.get(task.inst.id) ?? 1) - 1;
    remaining.set(task.inst.id, left);
    if (left === 0) {
      institutionsDone++;
      logInstitution(log, task.inst.id, summary);
    }
    const progress: RunProgress = {
      month: task.month,
      institutionsDone,
      institutions: insts.length,
      daysDone,
      days: totalDays,
      elapsedMs: Date.now() - started,
    };
    o.onProgress?.(progress);
    if (Date.now() - lastProgress >= (o.progressEveryMs ?? 10_000)) {
      lastProgress = Date.now();
      const pct = Math.round((report.months / tasks.length) * 100);
      log.info(
        { done: report.months, total: tasks.length, pct, points: report.points, daysDone, days: totalDays },
        "Analytics progress",
      );
    }
  };
  // Months one after the other; within a month, a pool of `concurrency` institutions.
  for (const monthTasks of byMonth(tasks)) {
    // The export cap's year so far, read back from the earlier months' points, for all institutions at once.
    years = await readYearsBefore(o.store, (monthTasks[0] as Task).month, o.institutions.timeZone);
    await pool(monthTasks, Math.max(1, o.concurrency ?? DEFAULT_CONCURRENCY), runTask);
  }
  report.ms = Date.now() - started;
  if (keepFailures > 1)
    log.warn({ failures: keepFailures }, "Hour statistics could not be kept this run (first failure above)");
  log.info(report, "Analytics run finished");
  return report;
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure fails the whole (after the others settle). */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length && errors.length === 0) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

function byMonth(tasks: readonly Task[]): Task[][] {
  const months = new Map<string, Task[]>();
  for (const t of tasks) months.set(t.month, [...(months.get(t.month) ?? []), t]);
  return [...months.values()];
}

function dayCount(t: Task): number {
  return daysBetween(t.firstDay, t.lastDay).length;
}

interface InstitutionSummary {
  months: number;
  days: number;
  points: number;
  ms: number;
  /** Counter events by kind. */
  counter: Partial<Record<string, number>>;
}

function newSummary(): InstitutionSummary {
  return { months: 0, days: 0, points: 0, ms: 0, counter: {} };
}

/** One line per institution once all its months are done: what was written and what its counters needed. */
function logInstitution(log: Logger, institution: string, s: InstitutionSummary): void {
  const anomalies = Object.entries(s.counter)
    .filter(([kind]) => ANOMALY_KINDS.has(kind as CounterEventKind))
    .reduce((n, [, c]) => n + (c ?? 0), 0);
  log.info(
    {
      institution,
      months: s.months,
      days: s.days,
      points: s.points,
      ms: s.ms,
      counter_anomalies: anomalies,
      counter: s.counter,
    },
    `Institution ${institution}: ${s.days} day(s), ${s.points} point(s), ${anomalies} counter decision(s)`,
  );
}

/** Institution-months in month order (then institution order), each with the days to write. */
function plan(insts: readonly Institution[], o: RunAnalyticsOptions, today: string): Task[] {
  const last = o.to < today ? o.to : today;
  const tasks: Task[] = [];
  for (const inst of insts) {
    const first = maxDay(o.from, o.fromByInstitution?.get(inst.id));
    for (let month = monthOfDay(first); month <= monthOfDay(last); month = addMonths(month, 1)) {
      const days = daysOfMonth(month);
      const firstDay = maxDay(first, days[0] as string);
      const lastDay = minDay(last, days.at(-1) as string);
      // The monthly point covers the month so far, so a month is computed to its end (or today).
      const through = minDay(today, days.at(-1) as string);
      if (firstDay <= lastDay) tasks.push({ inst, month, firstDay, lastDay, through });
    }
  }
  // Stable sort: month order first, institutions in file order within a month.
  return tasks.sort((a, b) => (a.month === b.month ? 0 : a.month < b.month ? -1 : 1));
}

function maxDay(a: string, b: string | undefined): string {
  return b !== undefined && b > a ? b : a;
}

function minDay(a: string, b: string): string {
  return b < a ? b : a;
}

/** Counter anomalies are worth a line each (they change energy); gaps are summed up. */
function logEvents(log: Logger, institution: string, events: readonly DeviceEvent[]): void {
  const gaps = events.filter((e) => e.kind === "gap").length;
  if (gaps > 0) log.debug({ institution, gaps }, "Gaps in counter readings: energy spread across them");
  for (const e of events) {
    if (e.kind === "gap") continue;
    log.info(
      {
        institution,
        device: e.device,
        kind: e.kind,
        at: new Date(e.time).toISOString(),
        value: e.value,
        reference: e.reference,
        wh: e.wh,
        ...(e.readings !== undefined ? { readings: e.readings } : {}),
        ...(e.since !== undefined ? { since: new Date(e.since).toISOString() } : {}),
      },
      `Counter ${e.kind}`,
    );
  }
}
