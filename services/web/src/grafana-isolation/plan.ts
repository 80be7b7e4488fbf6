/**
 * Real isolation for facility managers who use Grafana, planned from the institutions file. A Grafana
 * template variable is not access control (a viewer can change `$institution`), and InfluxDB 1.x grants
 * per database, not per tag, so each institution gets:
 *
 * - an InfluxDB database `jisr_<id>` holding a copy of its own points only (copied from the main database
 *   by InfluxQL `SELECT * INTO ... WHERE "institution"::tag = '<id>' GROUP BY *`, raw readings and the analytics
 *   results alike), a read-only InfluxDB user `grafana_<id>` and `GRANT READ ON "jisr_<id>"`;
 * - a Grafana organisation whose only datasource reads that database as that user, and a dashboards
 *   provider that loads the institution dashboard into it.
 *
 * A manager is a Viewer of their institution's organisation only, never of the Main Org (whose datasource
 * reads everything). Organisation ids are kept from one generation to the next (orgs.json): Grafana
 * numbers organisations itself, and provisioning files must name them by number.
 */
import { randomBytes } from "node:crypto";

export interface PlanInstitution {
  id: string;
  name: { fr: string };
}

export interface PlanUser {
  id: string;
  name: string;
  role: "ministry" | "manager" | "technician";
  institutions: readonly string[];
}

export interface OrgEntry {
  institution: string;
  orgId: number;
  /** Grafana organisation name, `jisr-<id>`: unique, URL-safe (the script looks it up by name). */
  orgName: string;
  /** Shown to people in Grafana's organisation switcher. */
  title: string;
  database: string;
  influxUser: string;
  /** Environment variable holding the InfluxDB password, for Grafana's datasource. */
  passwordEnv: string;
  /** Institution no longer in the file: its id stays reserved, nothing is generated for it. */
  retired?: boolean;
}

export interface GrafanaUser {
  login: string;
  name: string;
  /** Organisation ids and role in each; a manager or technician never has org 1 (Main Org). */
  orgs: Array<{ orgId: number; role: "Viewer" }>;
}

export interface IsolationPlan {
  /** Every organisation ever generated (retired ones included), by id. */
  orgs: OrgEntry[];
  users: GrafanaUser[];
  /** InfluxDB password of each active institution's user, by institution id. */
  passwords: Map<string, string>;
}

/** The Main Org: Grafana creates it, and it holds the programme dashboards over the whole database. */
export const MAIN_ORG_ID = 1;

export const databaseOf = (id: string) => `jisr_${id}`;
export const influxUserOf = (id: string) => `grafana_${id}`;
export const passwordEnvOf = (id: string) =>
  `JISR_INFLUX_PASSWORD_${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

export function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

export interface PlanInput {
  institutions: readonly PlanInstitution[];
  users?: readonly PlanUser[];
  /** orgs.json of the previous generation, if any. */
  previous?: readonly OrgEntry[];
  /** Passwords of the previous generation, by environment variable, so a re-generation keeps them. */
  previousPasswords?: ReadonlyMap<string, string>;
  /** Makes passwords (tests pass a fixed one). */
  password?: () => string;
}

export function planIsolation(input: PlanInput): IsolationPlan {
  const previous = new Map((input.previous ?? []).map((o) => [o.institution, o]));
  let next = Math.max(MAIN_ORG_ID, ...(input.previous ?? []).map((o) => o.orgId)) + 1;
  const active = new Set(input.institutions.map((i) => i.id));
  const orgs: OrgEntry[] = input.institutions.map((inst) => {
    const known = previous.get(inst.id);
    return {
      institution: inst.id,
      orgId: known?.orgId ?? next++,
      orgName: `jisr-${inst.id}`,
      title: inst.name.fr,
      database: databaseOf(inst.id),
      influxUser: influxUserOf(inst.id),
      passwordEnv: passwordEnvOf(inst.id),
    };
  });
  for (const old of previous.values()) {
    if (!active.has(old.institution)) orgs.push({ ...old, retired: true });
  }
  orgs.sort((a, b) => a.orgId - b.orgId);
  const make = input.password ?? newPassword;
  const passwords = new Map(
    orgs
      .filter((o) => !o.retired)
      .map((o) => [o.institution, input.previousPasswords?.get(o.passwordEnv) ?? make()] as const),
  );
  const orgOf = new Map(orgs.filter((o) => !o.retired).map((o) => [o.institution, o.orgId]));
  const users = (input.users ?? [])
    .filter((u) => u.role !== "ministry")
    .map((u) => ({
      login: u.id,
      name: u.name,
      orgs: u.institutions.flatMap((id) => {
        const orgId = orgOf.get(id);
        return orgId === undefined ? [] : [{ orgId, role: "Viewer" as const }];
      }),
    }))
    .filter((u) => u.orgs.length > 0);
  return { orgs, users, passwords };
}

export const activeOrgs = (plan: IsolationPlan) => plan.orgs.filter((o) => !o.retired);
