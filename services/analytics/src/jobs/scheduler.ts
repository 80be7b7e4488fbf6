/**
 * The analytics service loop: every few minutes, recompute today and yesterday for every institution, and
 * any older day within a trailing window (10 days by default) that received data since the last pass, or
 * whose energy the new data changes (a counter's gap ends: its energy is spread back to the gap's start; see
 * fingerprint.ts, and month.ts for a gap older than the window). The first pass recomputes the whole
 * window, since data may have arrived while the service was down. Older backfills: `jisr analytics run --from ... --to ...`.
 * Days computed once are kept in memory (month-cache.ts), so a pass reads only the days it recomputes.
 */
import { addDays, addMonths, daysBetween, localDay, localDayOf, monthOfDay } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import type { Logger } from "pino";
import type { InstitutionsConfig } from "../config/load.js";
import { type Fingerprints, firstChangedDay, readingFingerprints } from "./fingerprint.js";
import { MonthCache } from "./month-cache.js";
import { type RunReport, runAnalytics } from "./run.js";

export interface AnalyticsSchedulerOptions {
  store: Store;
  institutions: InstitutionsConfig;
  logger: Logger;
  /** Pause between two passes, ms (default 5 minutes). */
  everyMs?: number;
  /** Days looked at for late data, today included (default 10). */
  windowDays?: number;
  /** The clock (default Date.now): tests and the demo's simulated time pass their own. */
  now?: () => number;
  /** Start the timer (default true); false: passes run only through runOnce(). */
  autoStart?: boolean;
}

export interface AnalyticsScheduler {
  /** One pass now (waits for a pass already running); resolves with its report. */
  runOnce(): Promise<RunReport>;
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

export function startAnalyticsScheduler(o: AnalyticsSchedulerOptions): AnalyticsScheduler {
  const log = o.logger.child({ component: "analytics-scheduler" });
  const everyMs = o.everyMs ?? 5 * 60_000;
  const windowDays = o.windowDays ?? 10;
  const now = o.now ?? Date.now;
  let seen: Fingerprints = new Map();
  const cache = new MonthCache();
  let running: Promise<RunReport> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function pass(): Promise<RunReport> {
    const at = now();
    const tz = o.institutions.timeZone;
    const today = localDayOf(at, tz);
    const days = daysBetween(addDays(today, 1 - windowDays), today);
    const fresh = await readingFingerprints(
      o.store,
      o.institutions,
      localDay(days[0] as string, tz).from,
      localDay(today, tz).to,
    );
    const yesterday = addDays(today, -1);
    const fromByInstitution = new Map<string, string>();
    for (const inst of o.institutions.institutions) {
      const changed = firstChangedDay(days, seen.get(inst.id), fresh.get(inst.id), tz);
      fromByInstitution.set(inst.id, changed !== undefined && changed < yesterday ? changed : yesterday);
    }
    const from = [...fromByInstitution.values()].sort()[0] ?? yesterday;
    if (from < yesterday)
      log.info(
        { from, institutions: [...fromByInstitution].filter(([, d]) => d < yesterday).map(([id]) => id) },
        "New data for past days: recomputing them",
      );
    const report = await runAnalytics({
      store: o.store,
      institutions: o.institutions,
      from,
      to: today,
      fromByInstitution,
      logger: o.logger,
      now: at,
      cache,
    });
    cache.pruneBefore(`${addMonths(monthOfDay(today), -1)}-01`);
    // Only after success: a failed pass leaves the days marked as changed, so the next pass retries them.
    seen = fresh;
    return report;
  }

  function runOnce(): Promise<RunReport> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => log.error({ err }, "Analytics pass failed; retrying at the next one"))
        .finally(() => schedule(everyMs));
    }, delayMs);
  }

  if (o.autoStart !== false) schedule(0);
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
