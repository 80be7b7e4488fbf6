/**
 * `setupDownsampling`: detect the server, then on InfluxDB 1.x create (or update) the rollup retention
 * policies and continuous queries, logging each statement it runs; on 2.x and 3.x create nothing and
 * return how to downsample there. Idempotent: a second run finds everything in place and changes nothing.
 * Kept out of the write/query path on purpose: it is the only code that names retention policies.
 */
import type { InfluxClient, ServerInfo } from "@jisr/core/influx";
import { quoteIdentifier } from "@jisr/core/influx";
import type { Logger } from "pino";
import type { DownsamplingConfig } from "./config.js";
import {
  adviceFor,
  alterRetentionPolicy,
  createRetentionPolicy,
  dropContinuousQuery,
  plannedCqs,
  shownDuration,
} from "./plan.js";

export type ActionKind =
  | "create_retention_policy"
  | "alter_retention_policy"
  | "create_continuous_query"
  | "drop_continuous_query"
  | "unchanged";

export interface DownsamplingAction {
  kind: ActionKind;
  /** What it is about, e.g. `retention policy "rp_1h"`. */
  subject: string;
  /** The InfluxQL run (or that would run, on a dry run); none for "unchanged". */
  statement?: string;
}

export interface DownsamplingSetup {
  server: ServerInfo;
  dryRun: boolean;
  actions: DownsamplingAction[];
  /** For 2.x/3.x (or an unknown server): what to do there instead. */
  advice: string[];
}

export async function setupDownsampling(o: {
  client: InfluxClient;
  config: DownsamplingConfig;
  logger: Logger;
  dryRun?: boolean;
}): Promise<DownsamplingSetup> {
  const log = o.logger.child({ component: "downsampling", database: o.client.database });
  const server = await o.client.detectServer();
  const dryRun = o.dryRun ?? false;
  if (server.generation !== "1.x") {
    const advice = adviceFor(server.generation, o.config, o.client.database);
    log.info(
      { generation: server.generation, version: server.version },
      "Not InfluxDB 1.x: no retention policy or continuous query created",
    );
    return { server, dryRun, actions: [], advice };
  }
  if (!dryRun) await o.client.createDatabase();
  const actions = await plan1x(o.client, o.config, log);
  for (const action of actions) {
    if (action.statement && !dryRun) await o.client.query(action.statement);
    if (action.kind !== "unchanged") {
      log.info(
        { statement: action.statement, dryRun },
        `${dryRun ? "Would run" : "Ran"}: ${describe(action)}`,
      );
    }
  }
  return { server, dryRun, actions, advice: [] };
}

function describe(a: DownsamplingAction): string {
  const verb: Record<ActionKind, string> = {
    create_retention_policy: "create",
    alter_retention_policy: "change the duration of",
    create_continuous_query: "create",
    drop_continuous_query: "drop the outdated",
    unchanged: "keep",
  };
  return `${verb[a.kind]} ${a.subject}`;
}

/** The statements that bring the database to the config, from what SHOW says exists. */
async function plan1x(
  client: InfluxClient,
  config: DownsamplingConfig,
  log: Logger,
): Promise<DownsamplingAction[]> {
  const db = client.database;
  const policies = await existingPolicies(client);
  const cqs = await existingCqs(client);
  const actions: DownsamplingAction[] = [];
  const defaultPolicy = [...policies.values()].find((p) => p.isDefault);
  if (defaultPolicy && defaultPolicy.duration !== shownDuration(config.raw_retention)) {
    log.warn(
      { policy: defaultPolicy.name, duration: config.raw_retention },
      "Shortening the default retention policy also expires the analytics results written there",
    );
    actions.push({
      kind: "alter_retention_policy",
      subject: `default retention policy "${defaultPolicy.name}" (raw data and results) to ${config.raw_retention}`,
      statement: alterRetentionPolicy(defaultPolicy.name, db, config.raw_retention),
    });
  }
  for (const r of config.rollups) {
    const existing = policies.get(r.name);
    const subject = `retention policy "${r.name}" (${r.duration})`;
    if (!existing) {
      actions.push({
        kind: "create_retention_policy",
        subject,
        statement: createRetentionPolicy(r.name, db, r.duration),
      });
    } else if (existing.duration !== shownDuration(r.duration)) {
      actions.push({
        kind: "alter_retention_policy",
        subject,
        statement: alterRetentionPolicy(r.name, db, r.duration),
      });
    } else {
      actions.push({ kind: "unchanged", subject });
    }
    for (const cq of plannedCqs(r, db)) {
      for (const old of cqs.filter((n) => n.startsWith(cq.prefix) && n !== cq.name)) {
        actions.push({
          kind: "drop_continuous_query",
          subject: `continuous query "${old}"`,
          statement: dropContinuousQuery(old, db),
        });
      }
      const cqSubject = `continuous query "${cq.name}" (${cq.measurement} → ${r.name}, every ${r.every})`;
      if (cqs.includes(cq.name)) actions.push({ kind: "unchanged", subject: cqSubject });
      else actions.push({ kind: "create_continuous_query", subject: cqSubject, statement: cq.create });
    }
  }
  return actions;
}

interface PolicyRow {
  name: string;
  duration: string;
  isDefault: boolean;
}

async function existingPolicies(client: InfluxClient): Promise<Map<string, PolicyRow>> {
  const out = new Map<string, PolicyRow>();
  let result: Awaited<ReturnType<InfluxClient["query"]>>;
  try {
    result = await client.query(`SHOW RETENTION POLICIES ON ${quoteIdentifier(client.database)}`);
  } catch {
    return out; // database not created yet (dry run): nothing exists
  }
  for (const series of result[0]?.series ?? []) {
    const col = (name: string) => series.columns.indexOf(name);
    for (const row of series.values) {
      out.set(String(row[col("name")]), {
        name: String(row[col("name")]),
        duration: String(row[col("duration")]),
        isDefault: row[col("default")] === true,
      });
    }
  }
  return out;
}

/** Names of this database's continuous queries. */
async function existingCqs(client: InfluxClient): Promise<string[]> {
  const result = await client.query("SHOW CONTINUOUS QUERIES");
  const series = (result[0]?.series ?? []).find((s) => s.name === client.database);
  const nameCol = series?.columns.indexOf("name") ?? 0;
  return (series?.values ?? []).map((row) => String(row[nameCol]));
}
