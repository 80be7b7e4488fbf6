/**
 * One evaluation of every institution: recent readings through the Store → the rules (pure) → the
 * lifecycle and the notifications to send, recorded in the state file. A rule that throws on one
 * institution is logged and leaves that institution's alerts as they were (no result is no verdict).
 */
import type { Logger } from "pino";
import type { AlertingConfig } from "./config/schema.js";
import { timingFor } from "./config/timing.js";
import { type RecordResult, recordEvaluation } from "./engine/record.js";
import type { Condition } from "./engine/types.js";
import type { StoreReadings } from "./readings/loader.js";
import { lookbackMs } from "./rules/config/schema.js";
import { toSiteInfo } from "./rules/config/site-schema.js";
import { evaluateRules } from "./rules/evaluate.js";
import type { RuleResult, SiteInfo } from "./rules/types.js";
import type { AlertStore } from "./store/alert-store.js";

export interface EvaluationReport extends RecordResult {
  now: number;
  results: number;
  /** Institutions whose rules threw (their alerts were left as they were). */
  failed: string[];
}

/** A RuleResult is a Condition; this keeps the two types in step at compile time. */
const asCondition = (r: RuleResult): Condition => r;

export class Evaluator {
  readonly #config: AlertingConfig;
  readonly #alerts: AlertStore;
  readonly #readings: StoreReadings;
  readonly #log: Logger;
  readonly #sites: Map<string, SiteInfo>;
  readonly #timing: ReturnType<typeof timingFor>;

  constructor(config: AlertingConfig, alerts: AlertStore, readings: StoreReadings, logger: Logger) {
    this.#config = config;
    this.#alerts = alerts;
    this.#readings = readings;
    this.#log = logger;
    this.#sites = new Map(config.institutions.map((i) => [i.id, toSiteInfo(i.site)]));
    this.#timing = timingFor(config.timings);
  }

  async run(now: number): Promise<EvaluationReport> {
    const from = now - lookbackMs(this.#config.rules);
    const readings = await this.#readings.load(from, now);
    const conditions: Condition[] = [];
    const failed: string[] = [];
    for (const [institution, site] of this.#sites) {
      try {
        const input = { institution, now, from, site, readings: readings.get(institution) ?? [] };
        conditions.push(...evaluateRules(input, this.#config.rules).map(asCondition));
      } catch (err) {
        failed.push(institution);
        this.#log.error(
          { err, institution },
          "Rules failed on this institution; its alerts are left as they were",
        );
      }
    }
    const recorded = recordEvaluation(
      this.#alerts,
      { now, conditions },
      { timing: this.#timing, recipients: this.#config.recipients, inhibitRules: this.#config.inhibit_rules },
    );
    for (const t of recorded.transitions) {
      const { id, rule, institution, device, severity } = t.alert;
      this.#log.info(
        { alert: id, rule, institution, device, severity, from: t.from, to: t.to },
        "Alert changed state",
      );
    }
    this.#log.debug(
      {
        now: new Date(now).toISOString(),
        results: conditions.length,
        notifications: recorded.notifications.length,
      },
      "Evaluation done",
    );
    return { ...recorded, now, results: conditions.length, failed };
  }
}
