/**
 * `jisr grafana isolation`: writes, from the institutions file (and the users file, for the Grafana
 * users), everything the per-institution isolation needs into one folder:
 *
 *   README.md                                          the steps, in order
 *   orgs.json                                          organisation ids, kept across generations
 *   secrets.env                          (mode 0600)   the InfluxDB passwords, for Grafana's environment
 *   influxdb/apply.sh                                  sends a .influxql file, one statement per request
 *   influxdb/isolation.influxql          (mode 0600)   databases, read-only users, grants
 *   influxdb/copy.influxql                             each institution's recent points into its database
 *   influxdb/backfill.influxql                         the same for the whole history, once
 *   grafana/provisioning/datasources/jisr-institutions.yaml
 *   grafana/provisioning/dashboards/jisr-institutions.yaml
 *   grafana/create-orgs.sh                             organisations and users, via Grafana's HTTP API
 *
 * Generating again keeps organisation ids and passwords, and adds what is new.
 */
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { APPLY_SCRIPT } from "./apply-script.js";
import { backfillStatements, copyStatements, influxqlFile, isolationStatements } from "./influxql.js";
import {
  type IsolationPlan,
  type OrgEntry,
  type PlanInstitution,
  type PlanUser,
  planIsolation,
} from "./plan.js";
import { dashboardsYaml, datasourcesYaml } from "./provisioning.js";
import { readmeOf } from "./readme.js";
import { createOrgsScript } from "./script.js";

export interface GenerateOptions {
  institutions: readonly PlanInstitution[];
  users?: readonly PlanUser[];
  outDir: string;
  /** The main InfluxDB database, default "jisr". */
  database?: string;
  /** Folder of the institution dashboard inside the Grafana container. */
  dashboardsPath?: string;
  rawWindow?: string;
  resultsWindow?: string;
  /** Makes passwords (tests). */
  password?: () => string;
}

export const DEFAULTS = {
  database: "jisr",
  dashboardsPath: "/var/lib/grafana/dashboards/jisr-institution",
  rawWindow: "2h",
  resultsWindow: "45d",
} as const;

const orgsFileSchema = z.object({
  version: z.literal(1),
  orgs: z.array(
    z.object({
      institution: z.string(),
      orgId: z.number().int().min(2),
      orgName: z.string(),
      title: z.string(),
      database: z.string(),
      influxUser: z.string(),
      passwordEnv: z.string(),
      retired: z.boolean().optional(),
    }),
  ),
});

function readPrevious(outDir: string): { orgs: OrgEntry[]; passwords: Map<string, string> } {
  const orgsPath = join(outDir, "orgs.json");
  const orgs = existsSync(orgsPath)
    ? orgsFileSchema.parse(JSON.parse(readFileSync(orgsPath, "utf8"))).orgs
    : [];
  const secretsPath = join(outDir, "secrets.env");
  const passwords = new Map<string, string>();
  if (existsSync(secretsPath)) {
    for (const line of readFileSync(secretsPath, "utf8").split("\n")) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] && m[2] !== undefined) passwords.set(m[1], m[2]);
    }
  }
  return { orgs, passwords };
}

export interface GeneratedFile {
  path: string;
  content: string;
  secret?: boolean;
}

export function isolationFiles(
  plan: IsolationPlan,
  o: Required<Omit<GenerateOptions, "password" | "users">>,
): GeneratedFile[] {
  const active = plan.orgs.filter((x) => !x.retired);
  const secrets = active.map((x) => `${x.passwordEnv}=${plan.passwords.get(x.institution)}`).join("\n");
  const copy = { source: o.database, rawWindow: o.rawWindow, resultsWindow: o.resultsWindow };
  return [
    { path: "README.md", content: readmeOf(plan, o) },
    { path: "orgs.json", content: `${JSON.stringify({ version: 1, orgs: plan.orgs }, null, 2)}\n` },
    { path: "secrets.env", content: `${secrets}\n`, secret: true },
    {
      path: "influxdb/isolation.influxql",
      content: influxqlFile(
        "Per institution: its database, a read-only user and the grant. Run as an InfluxDB admin.\nHolds passwords: keep it private.",
        isolationStatements(plan),
      ),
      secret: true,
    },
    { path: "influxdb/apply.sh", content: APPLY_SCRIPT },
    {
      path: "influxdb/copy.influxql",
      content: influxqlFile(
        `Each institution's recent points from "${o.database}" into its own database. Run every minute.`,
        copyStatements(plan, copy),
      ),
    },
    {
      path: "influxdb/backfill.influxql",
      content: influxqlFile(
        `Each institution's whole history from "${o.database}" into its own database. Run once.`,
        backfillStatements(plan, o.database),
      ),
    },
    { path: "grafana/provisioning/datasources/jisr-institutions.yaml", content: datasourcesYaml(plan) },
    {
      path: "grafana/provisioning/dashboards/jisr-institutions.yaml",
      content: dashboardsYaml(plan, { dashboardsPath: o.dashboardsPath }),
    },
    { path: "grafana/create-orgs.sh", content: createOrgsScript(plan) },
  ];
}

export async function generateIsolation(
  opts: GenerateOptions,
): Promise<{ plan: IsolationPlan; files: string[] }> {
  const previous = readPrevious(opts.outDir);
  const plan = planIsolation({
    institutions: opts.institutions,
    ...(opts.users ? { users: opts.users } : {}),
    previous: previous.orgs,
    previousPasswords: previous.passwords,
    ...(opts.password ? { password: opts.password } : {}),
  });
  const settings = {
    institutions: opts.institutions,
    outDir: opts.outDir,
    database: opts.database ?? DEFAULTS.database,
    dashboardsPath: opts.dashboardsPath ?? DEFAULTS.dashboardsPath,
    rawWindow: opts.rawWindow ?? DEFAULTS.rawWindow,
    resultsWindow: opts.resultsWindow ?? DEFAULTS.resultsWindow,
  };
  const files = isolationFiles(plan, settings);
  for (const f of files) {
    const path = join(opts.outDir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content, { mode: f.secret ? 0o600 : 0o644 });
    // writeFile's mode applies to a new file only, and through the umask.
    await chmod(path, f.secret ? 0o600 : f.path.endsWith(".sh") ? 0o755 : 0o644);
  }
  return { plan, files: files.map((f) => f.path) };
}
