/**
 * The InfluxQL of the isolation, run by an InfluxDB admin (InfluxDB must run with `auth-enabled = true`,
 * or grants mean nothing):
 *
 * - isolation.influxql: per institution, its database, its read-only user and the grant. Safe to run
 *   again with apply.sh: CREATE DATABASE and CREATE USER with the same password are no-ops, and SET
 *   PASSWORD brings an existing user's password in line.
 * - copy.influxql: per institution, its points of the recent past, copied from the main database. Run it
 *   every minute (cron): raw readings of the last `rawWindow`, analytics results of the last
 *   `resultsWindow` (the job rewrites the month's days and its monthly point). Copying again is harmless:
 *   a point with the same series and time replaces the one before.
 * - backfill.influxql: the same without a time bound, once, to fill a new database with the history.
 *
 * `GROUP BY *` keeps tags as tags (without it SELECT INTO turns them into fields), and `:MEASUREMENT`
 * keeps each measurement's name.
 */
import { MEASUREMENTS } from "@jisr/analytics";
import { activeOrgs, type IsolationPlan } from "./plan.js";

/** The analytics results (docs/analytics-results.md), recomputed for weeks after their day. */
export const RESULT_MEASUREMENTS = Object.values(MEASUREMENTS);

export interface CopyOptions {
  /** The main database every service writes into, default "jisr". */
  source: string;
  /** InfluxQL durations, e.g. "2h", "40d". */
  rawWindow: string;
  resultsWindow: string;
}

const ident = (name: string) => `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const literal = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function isolationStatements(plan: IsolationPlan): string[] {
  return activeOrgs(plan).flatMap((o) => {
    const password = literal(plan.passwords.get(o.institution) ?? "");
    return [
      `CREATE DATABASE ${ident(o.database)}`,
      `CREATE USER ${ident(o.influxUser)} WITH PASSWORD ${password}`,
      `SET PASSWORD FOR ${ident(o.influxUser)} = ${password}`,
      `GRANT READ ON ${ident(o.database)} TO ${ident(o.influxUser)}`,
    ];
  });
}

function copyInto(database: string, from: string, institution: string, window?: string): string {
  const time = window ? ` AND time > now() - ${window}` : "";
  return `SELECT * INTO ${ident(database)}."autogen".:MEASUREMENT FROM ${from} WHERE "institution"::tag = ${literal(institution)}${time} GROUP BY *`;
}

export function copyStatements(plan: IsolationPlan, o: CopyOptions): string[] {
  const source = ident(o.source);
  const results = RESULT_MEASUREMENTS.map((m) => `${source}."autogen".${ident(m)}`).join(", ");
  return activeOrgs(plan).flatMap((org) => [
    copyInto(org.database, `${source}."autogen"./.*/`, org.institution, o.rawWindow),
    copyInto(org.database, results, org.institution, o.resultsWindow),
  ]);
}

export function backfillStatements(plan: IsolationPlan, source: string): string[] {
  return activeOrgs(plan).map((org) =>
    copyInto(org.database, `${ident(source)}."autogen"./.*/`, org.institution),
  );
}

/**
 * Statements as a file: `--` comment lines, then one statement per line ending in `;`. apply.sh sends
 * them one request each; `curl --data-urlencode q@FILE` sends them in one (which stops at an error).
 */
export function influxqlFile(header: string, statements: readonly string[]): string {
  return `${header
    .split("\n")
    .map((l) => `-- ${l}`.trimEnd())
    .join("\n")}\n${statements.map((q) => `${q};`).join("\n")}\n`;
}
