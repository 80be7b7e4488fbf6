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

/** Legends spelt the same in both languages. */
const SAME_IN_FR_AND_EN = new Set(["Production · $tag_institution", "Silence (minutes)"]);

describe("fr, ar and en from one definition", () => {
  const byKind = new Map<string, Map<string, Dashboard>>();
  for (const entry of CATALOGUE) {
    const dashboard = committed.find((c) => c.file === entry.file)?.dashboard as Dashboard;
    byKind.set(entry.kind, (byKind.get(entry.kind) ?? new Map()).set(entry.lang, dashboard));
  }
  /** What must not differ between languages: queries, layout, panel kinds, thresholds, variables' queries. */
  const shape = (d: Dashboard) => ({
    time: d.time,
    refresh: d.refresh,
    variables: d.templating.list.map((v) => [v.name, v.query, v.multi, v.includeAll]),
    panels: d.panels.map((p) => ({
      type: p.type,
      gridPos: p.gridPos,
      timeFrom: p.timeFrom,
      interval: p.interval,
      queries: p.targets.map((t) => [t.refId, t.query, t.resultFormat]),
      thresholds: p.fieldConfig.defaults.thresholds,
      unit: p.fieldConfig.defaults.unit.replace("suffix: د.م.", "suffix: MAD"),
    })),
  });
  /** Everything a user reads. */
  const texts = (d: Dashboard) => [
    d.title,
    d.description,
    ...d.links.flatMap((l) => [l.title, l.tooltip]),
    ...d.templating.list.flatMap((v) => [v.label, v.description]),
    ...d.panels.flatMap((p) => [
      p.title,
      p.description,
      ...p.targets.flatMap((t) =>
        t.alias && t.alias !== "$tag_institution" && !t.alias.startsWith("$tag_") ? [t.alias] : [],
      ),
    ]),
  ];

  it("every kind exists in the three languages, with its own uid and language tag", () => {
    expect([...byKind.keys()].sort()).toEqual(["fleet-health", "institution", "programme"]);
    for (const [kind, langs] of byKind) {
      expect([...langs.keys()].sort(), kind).toEqual(["ar", "en", "fr"]);
      for (const [lang, d] of langs) expect(d.tags, `${kind} ${lang}`).toContain(`jisr-${lang}`);
    }
  });

  it("the same queries, layout, thresholds and units in every language; only the words change", () => {
    for (const [kind, langs] of byKind) {
      const fr = langs.get("fr") as Dashboard;
      for (const lang of ["ar", "en"]) {
        const other = langs.get(lang) as Dashboard;
        expect(shape(other), `${kind} ${lang}`).toEqual(shape(fr));
        const [a, b] = [texts(fr), texts(other)];
        expect(b).toHaveLength(a.length);
        // Every title, description and legend is translated, but for words French and English share.
        a.forEach((text, i) => {
          if (lang === "en" && SAME_IN_FR_AND_EN.has(text)) expect(b[i]).toBe(text);
          else expect(b[i], `${kind} ${lang}: "${text}"`).not.toBe(text);
        });
        if (lang === "ar") for (const text of b) expect(text, kind).toMatch(/[\u0600-\u06FF]/);
      }
    }
  });

  it("money reads MAD in French and English, د.م. in Arabic", () => {
    const units = (d: Dashboard) => new Set(d.panels.map((p) => p.fieldConfig.defaults.unit));
    expect(units(byKind.get("programme")?.get("fr") as Dashboard)).toContain("suffix: MAD");
    expect(units(byKind.get("programme")?.get("ar") as Dashboard)).toContain("suffix: د.م.");
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
