/**
 * The shape of Grafana's provisioning files as Jisr writes them (apiVersion 1), checked with zod so a typo
 * in a key fails the tests instead of being ignored by Grafana at start-up. Strict objects: only the keys
 * Jisr uses are accepted; add a key here when the files need it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const influxDatasource = z.strictObject({
  name: z.string().min(1),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, "must be 1-40 letters, digits, - or _"),
  type: z.literal("influxdb"),
  access: z.literal("proxy"),
  url: z.string().min(1),
  /** InfluxDB 1.x user (Grafana's `user` key for InfluxQL); its password goes in secureJsonData. */
  user: z.string().optional(),
  secureJsonData: z.strictObject({ password: z.string() }).optional(),
  isDefault: z.boolean().optional(),
  jsonData: z.strictObject({
    /** InfluxQL, the language every InfluxDB generation answers on /query. */
    version: z.literal("InfluxQL"),
    dbName: z.string().min(1),
    httpMode: z.enum(["GET", "POST"]),
    timeInterval: z
      .string()
      .regex(/^\d+[smhd]$/, "must be a duration such as 10s")
      .optional(),
  }),
});

export const datasourcesFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  datasources: z.array(influxDatasource).min(1),
});

const fileProvider = z.strictObject({
  name: z.string().min(1),
  folder: z.string().optional(),
  type: z.literal("file"),
  disableDeletion: z.boolean().optional(),
  allowUiUpdates: z.boolean().optional(),
  updateIntervalSeconds: z.number().int().positive().optional(),
  options: z.strictObject({
    path: z.string().startsWith("/", "must be an absolute path inside the Grafana container"),
    foldersFromFilesStructure: z.boolean().optional(),
  }),
});

export const dashboardsFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  providers: z.array(fileProvider).min(1),
});

export type DatasourcesFile = z.infer<typeof datasourcesFileSchema>;
export type DashboardsFile = z.infer<typeof dashboardsFileSchema>;

export interface Provisioning {
  datasources: DatasourcesFile[];
  dashboards: DashboardsFile[];
}

/** `path: message` for every issue, so one run reports every mistake in a file. */
function parseFile<T>(schema: z.ZodType<T>, path: string): T {
  const result = schema.safeParse(parse(readFileSync(path, "utf8")));
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`${path}:\n  ${issues.join("\n  ")}`);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Reads and checks provisioning/datasources/*.yaml and provisioning/dashboards/*.yaml. */
export function loadProvisioning(provisioningDir: string): Provisioning {
  return {
    datasources: yamlFiles(join(provisioningDir, "datasources")).map((f) =>
      parseFile(datasourcesFileSchema, f),
    ),
    dashboards: yamlFiles(join(provisioningDir, "dashboards")).map((f) => parseFile(dashboardsFileSchema, f)),
  };
}

export function provisionedUids(p: Provisioning): Set<string> {
  return new Set(p.datasources.flatMap((f) => f.datasources.map((d) => d.uid)));
}
