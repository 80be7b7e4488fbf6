/**
 * The committed dashboards and provisioning files, checked offline (no Grafana server can run here):
 * Grafana's strict dashboard schema, the semantic checks of checks.ts, the provisioning files' shape, and
 * that docker-compose.yml mounts them where the files say.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CATALOGUE } from "./catalogue.js";
import { checkDashboard } from "./checks.js";
import type { Dashboard } from "./model.js";
import { datasourcesFileSchema, loadProvisioning, provisionedUids } from "./provisioning.js";
import { dashboardValidator } from "./schema-validator.js";

const dashboardsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(dashboardsDir, "..");
const provisioning = loadProvisioning(join(dashboardsDir, "provisioning"));
const committed = CATALOGUE.map(({ file }) => ({
  file,
  dashboard: JSON.parse(readFileSync(join(dashboardsDir, "grafana", file), "utf8")) as Dashboard,
}));

describe("dashboards against Grafana's strict dashboard schema (vendor/grafana-schema)", () => {
  const validate = dashboardValidator();

  for (const { file, dashboard } of committed) {
    it(`${file} validates`, () => {
      const ok = validate(dashboard);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it("the schema really rejects a broken dashboard (so the check above can fail)", () => {
    const broken = structuredClone(committed[0]?.dashboard) as unknown as Record<string, unknown>;
    const panels = broken.panels as Record<string, unknown>[];
    (panels[0] as Record<string, unknown>).gridPos = { x: 0, y: 0, w: 25, h: 4 };
    (panels[1] as Record<string, unknown>).colour = "red";
    expect(validate(broken)).toBe(false);
    expect(validate(committed[0]?.dashboard)).toBe(true);
  });
});

describe("semantic checks", () => {
  const uids = provisionedUids(provisioning);

  for (const { file, dashboard } of committed) {
    it(`${file}: unique ids, provisioned datasources, known variables, filtered queries, tidy grid`, () => {
      expect(checkDashboard(dashboard, uids)).toEqual([]);
    });
  }

  it("every dashboard has the institution variable from the tag values: one institution, without All, on the managers' dashboard; several or All elsewhere", () => {
    for (const { file, dashboard } of committed) {
      const v = dashboard.templating.list.find((x) => x.name === "institution");
      const manager = dashboard.uid.startsWith("jisr-institution");
      expect(v, file).toMatchObject({
        type: "query",
        query: 'SHOW TAG VALUES WITH KEY = "institution"',
        multi: !manager,
        includeAll: !manager,
      });
    }
    expect(committed.filter((c) => c.dashboard.uid.startsWith("jisr-institution")).length).toBeGreaterThan(0);
  });

  it("dashboards have distinct uids and the time zone of the institutions", () => {
    const all = committed.map((c) => c.dashboard);
    expect(new Set(all.map((x) => x.uid)).size).toBe(all.length);
    for (const x of all) expect(x.timezone).toBe("Africa/Casablanca");
  });
});

describe("provisioning files", () => {
  it("provision one InfluxDB datasource speaking InfluxQL over POST, with the uid the dashboards use", () => {
    const [file] = provisioning.datasources;
    expect(file?.datasources).toEqual([
      expect.objectContaining({
        uid: "jisr-influxdb",
        type: "influxdb",
        jsonData: expect.objectContaining({
          version: "InfluxQL",
          httpMode: "POST",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's environment expansion, on purpose
          dbName: "${JISR_INFLUX_DATABASE}",
        }),
      }),
    ]);
  });

  it("a malformed datasource file is refused, naming the path (so the shape check can fail)", () => {
    const result = datasourcesFileSchema.safeParse({
      apiVersion: 1,
      datasources: [
        { name: "x", uid: "x", type: "influxdb", access: "proxy", url: "u", jsonData: { dbname: "jisr" } },
      ],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(["datasources.0.jsonData.dbName", "datasources.0.jsonData"]),
    );
  });

  it("docker-compose.yml mounts dashboards/grafana where the file provider reads, and sets the datasource's variables", () => {
    const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
      services: { grafana: { volumes: string[]; environment: Record<string, string> } };
    };
    const grafana = compose.services.grafana;
    const path = provisioning.dashboards[0]?.providers[0]?.options.path;
    expect(grafana.volumes).toContain(`./dashboards/grafana:${path}:ro`);
    expect(grafana.volumes).toContain("./dashboards/provisioning:/etc/grafana/provisioning:ro");
    const text = readFileSync(join(dashboardsDir, "provisioning/datasources/influxdb.yaml"), "utf8");
    const used = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(grafana.environment, name).toHaveProperty(name);
  });
});
