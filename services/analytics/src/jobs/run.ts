/**
 * `runAnalytics`: compute and store the results of every institution for the local days [from, to].
 * Months run in order (the export cap reads the year's earlier months back), each institution-month reads
 * its raw series once and writes its points in one batch. Writing is idempotent: a point has the same
 * series (measurement + institution) and time as the one it replaces.
 */
import type { Store } from "@jisr/core/store/types";
import { addMonths, daysOfMonth, isDay, localDayOf, monthOfDay } from "@jisr/core/time/local-time";
import type { Logger } from "pino";
import type { Institution, InstitutionsConfig } from "../config/load.js";
import type { DeviceEvent } from "../energy/hourly.js";
import { computeMonth, type JobContext } from "./month.js";
import type { MonthCache } from "./month-cache.js";

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
  const report: RunReport = { institutions: insts.length, months: 0, points: 0, events: 0, ms: 0 };
  let lastProgress = Date.now();
  log.info(
    { institutions: insts.length, from: o.from, to: o.to, tasks: tasks.length },
    "Analytics run started",
  );
  for (const task of tasks) {
    const result = await computeMonth(ctx, task.inst, task.month, task);
    await o.store.write(result.points);
    report.months++;
    report.points += result.points.length;
    report.events += result.events.length;
    logEvents(log, task.inst.id, result.events);
    if (Date.now() - lastProgress >= (o.progressEveryMs ?? 10_000)) {
      lastProgress = Date.now();
      const pct = Math.round((report.months / tasks.length) * 100);
      log.info(
        { done: report.months, total: tasks.length, pct, points: report.points },
        "Analytics progress",
      );
    }
  }
  report.ms = Date.now() - started;
  log.info(report, "Analytics run finished");
  return report;
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
