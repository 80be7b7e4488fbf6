/**
 * Workspaces meet through their public API: an import of another workspace must name one of the entry
 * points its package.json `exports` lists by name (its index, plus the few named entries a workspace's
 * README justifies, such as `./cli`, loaded alone for start-up speed). The `"./*"` pattern the exports
 * still carry is not a public entry: it only keeps the deep imports of ALLOWED below working while they
 * are converted. ALLOWED may only shrink: a new deep import fails, and so does an entry nobody needs.
 * A relative import into another workspace's folder fails the same way.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Workspace {
  name: string;
  dir: string;
  /** Entry points listed by name ("." and "./cli"), patterns left out. */
  entries: Set<string>;
}

function workspaces(): Workspace[] {
  const globs = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] })
    .workspaces;
  const dirs = globs.flatMap((g) =>
    g.endsWith("/*") ? readdirSync(join(root, g.slice(0, -2))).map((d) => `${g.slice(0, -1)}${d}`) : [g],
  );
  return dirs.flatMap((dir) => {
    let pkg: { name: string; exports?: Record<string, unknown> | string };
    try {
      pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    } catch {
      return [];
    }
    const keys = typeof pkg.exports === "string" ? ["."] : Object.keys(pkg.exports ?? {});
    return [{ name: pkg.name, dir, entries: new Set(keys.filter((k) => !k.includes("*"))) }];
  });
}

const SKIP = new Set(["node_modules", "dist", "test-output", "public", "vendor"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    if (SKIP.has(name) || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and dynamic imports (not those inside comments). */
function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s*["']([^"']+)["']/gm,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1] as string);
  return found;
}

interface Crossing {
  from: string;
  file: string;
  specifier: string;
  public: boolean;
}

function crossings(all: Workspace[]): Crossing[] {
  const byName = new Map(all.map((w) => [w.name, w]));
  const owner = (path: string) =>
    all
      .filter((w) => path === w.dir || path.startsWith(`${w.dir}/`))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
  const out: Crossing[] = [];
  for (const ws of all) {
    for (const file of sourceFiles(ws.dir)) {
      for (const specifier of specifiers(readFileSync(join(root, file), "utf8"))) {
        const pkg = /^(@jisr\/[a-z0-9-]+)(\/.*)?$/.exec(specifier);
        if (pkg) {
          const target = byName.get(pkg[1] as string);
          if (!target || target === ws) continue;
          const entry = pkg[2] ? `.${pkg[2]}` : ".";
          out.push({ from: ws.name, file, specifier, public: target.entries.has(entry) });
        } else if (specifier.startsWith(".")) {
          const path = relative(root, resolve(root, dirname(file), specifier))
            .split(sep)
            .join("/");
          const target = owner(path);
          if (target && target !== ws) out.push({ from: ws.name, file, specifier: path, public: false });
        }
      }
    }
  }
  return out;
}

/**
 * The deep imports still to convert, as "importing workspace -> specifier". Each is one workspace
 * reaching into another's internals; convert the importers to the target's index (exporting what they
 * need there) and delete the line. The test fails on any import not public and not listed here, and on
 * any line here that no import needs any more.
 */
// 112 on 2026-12-05, when the check was added; 110 after the store options moved into the kit; 108 with the kit's zod compilers.
const ALLOWED: readonly string[] = [
  "@jisr/alerting -> @jisr/core/alert-texts/ar",
  "@jisr/alerting -> @jisr/core/alert-texts/en",
  "@jisr/alerting -> @jisr/core/alert-texts/format",
  "@jisr/alerting -> @jisr/core/alert-texts/fr",
  "@jisr/alerting -> @jisr/core/alert-texts/index",
  "@jisr/alerting -> @jisr/core/alert-texts/types",
  "@jisr/alerting -> @jisr/core/inventory/derive-alerting",
  "@jisr/alerting -> @jisr/core/inventory/load",
  "@jisr/alerting -> @jisr/core/inventory/schema",
  "@jisr/alerting -> @jisr/core/inventory/testing/paths",
  "@jisr/alerting -> @jisr/core/solar/clearsky",
  "@jisr/alerting -> @jisr/core/solar/position",
  "@jisr/alerting -> @jisr/core/solar/pv-system",
  "@jisr/alerting -> @jisr/core/solar/temperature",
  "@jisr/alerting -> @jisr/gateway/config/schema",
  "@jisr/alerting -> @jisr/gateway/drivers/index",
  "@jisr/alerting -> @jisr/gateway/modbus/link-pool",
  "@jisr/alerting -> @jisr/simulators/profile-device/index",
  "@jisr/analytics -> @jisr/core/influx/client",
  "@jisr/analytics -> @jisr/core/influx/influxql",
  "@jisr/analytics -> @jisr/core/influx/response",
  "@jisr/analytics -> @jisr/core/influx/server",
  "@jisr/analytics -> @jisr/core/inventory/derive-analytics",
  "@jisr/analytics -> @jisr/core/inventory/load",
  "@jisr/analytics -> @jisr/core/inventory/schema",
  "@jisr/analytics -> @jisr/core/inventory/testing/paths",
  "@jisr/analytics -> @jisr/core/store/hour-stats",
  "@jisr/analytics -> @jisr/core/store/hour-stats-of",
  "@jisr/cli -> @jisr/alerting/config/from-inventory",
  "@jisr/cli -> @jisr/alerting/config/load",
  "@jisr/cli -> @jisr/alerting/schemas/alerts",
  "@jisr/cli -> @jisr/alerting/service",
  "@jisr/cli -> @jisr/analytics/config/from-inventory",
  "@jisr/cli -> @jisr/analytics/config/load",
  "@jisr/cli -> @jisr/analytics/jobs/scheduler",
  "@jisr/cli -> @jisr/core/inventory/check",
  "@jisr/cli -> @jisr/core/inventory/derive-gateway",
  "@jisr/cli -> @jisr/core/inventory/load",
  "@jisr/cli -> @jisr/core/inventory/schema",
  "@jisr/cli -> @jisr/core/inventory/testing/paths",
  "@jisr/cli -> @jisr/gateway/config/load",
  "@jisr/cli -> @jisr/gateway/config/schema",
  "@jisr/cli -> @jisr/gateway/run/gateway",
  "@jisr/cli -> @jisr/simulators/clock",
  "@jisr/cli -> @jisr/simulators/control/control-server",
  "@jisr/cli -> @jisr/simulators/control/faults",
  "@jisr/cli -> @jisr/simulators/profile-device/index",
  "@jisr/cli -> @jisr/web/schemas/alerts",
  "@jisr/cli -> @jisr/web/schemas/common",
  "@jisr/cli -> @jisr/web/schemas/institutions",
  "@jisr/cli -> @jisr/web/schemas/programme",
  "@jisr/cli -> @jisr/web/schemas/session",
  "@jisr/cli -> @jisr/web/server",
  "@jisr/dashboards -> @jisr/analytics/jobs/testing/job-fixture",
  "@jisr/dashboards -> @jisr/analytics/jobs/points",
  "@jisr/dashboards -> @jisr/core/influx/client",
  "@jisr/dashboards -> @jisr/core/influx/response",
  "@jisr/dashboards -> @jisr/core/line-protocol",
  "@jisr/dashboards -> @jisr/reports/model/build",
  "@jisr/dashboards -> @jisr/web/data/directory",
  "@jisr/dashboards -> @jisr/web/data/summary",
  "@jisr/gateway -> @jisr/core/alert-texts/index",
  "@jisr/gateway -> @jisr/core/config-problems",
  "@jisr/gateway -> @jisr/ingestion/server",
  "@jisr/gateway -> @jisr/ingestion/testing/service",
  "@jisr/gateway -> @jisr/ingestion/testing/fake-influx",
  "@jisr/gateway -> @jisr/simulators/clock",
  "@jisr/gateway -> @jisr/simulators/mqtt/device",
  "@jisr/gateway -> @jisr/simulators/profile-device/image",
  "@jisr/gateway -> @jisr/simulators/profile-device/index",
  "@jisr/gateway -> @jisr/simulators/profile-device/server",
  "@jisr/gateway -> @jisr/simulators/rtu/serial-server",
  "@jisr/gateway -> @jisr/simulators/rtu/sunspec-rtu",
  "@jisr/gateway -> @jisr/simulators/sunspec/register-bank",
  "@jisr/ingestion -> @jisr/core/line-protocol",
  "@jisr/ingestion -> @jisr/core/store/encoded",
  "@jisr/ingestion -> @jisr/core/store/field-types",
  "@jisr/reports -> @jisr/analytics/bills/testing/fixture",
  "@jisr/reports -> @jisr/analytics/config/from-inventory",
  "@jisr/reports -> @jisr/analytics/config/load",
  "@jisr/reports -> @jisr/analytics/jobs/testing/job-fixture",
  "@jisr/reports -> @jisr/analytics/jobs/points",
  "@jisr/reports -> dashboards/src/institution.js",
  "@jisr/reports -> dashboards/src/model.js",
  "@jisr/reports -> dashboards/src/testing/panel-runner.js",
  "@jisr/reports -> dashboards/src/programme.js",
  "@jisr/service-kit -> @jisr/core/influx/client",
  "@jisr/simulators -> @jisr/core/solar/position",
  "@jisr/simulators -> @jisr/core/solar/pv-system",
  "@jisr/simulators -> @jisr/gateway/modbus/link",
  "@jisr/simulators -> @jisr/gateway/modbus/link-types",
  "@jisr/simulators -> @jisr/gateway/profiles/encode",
  "@jisr/simulators -> @jisr/gateway/profiles/index",
  "@jisr/simulators -> @jisr/gateway/sunspec/read-device",
  "@jisr/simulators -> @jisr/ingestion/batch/line-protocol",
  "@jisr/simulators -> @jisr/ingestion/influx",
  "@jisr/simulators -> @jisr/ingestion/server",
  "@jisr/simulators -> @jisr/ingestion/testing/service",
  "@jisr/web -> @jisr/alerting/engine/record",
  "@jisr/web -> @jisr/alerting/engine/testing/helpers",
  "@jisr/web -> @jisr/alerting/engine/types",
  "@jisr/web -> @jisr/alerting/i18n/format",
  "@jisr/web -> @jisr/alerting/i18n/index",
  "@jisr/web -> @jisr/analytics/config/from-inventory",
  "@jisr/web -> @jisr/core/solar/pv-system",
  "@jisr/web -> @jisr/reports/i18n/numbers",
];

describe("workspace boundaries", () => {
  const all = workspaces();
  const found = crossings(all);
  const key = (c: Crossing) => `${c.from} -> ${c.specifier}`;

  it("finds the workspaces and their imports of each other (so the checks below can fail)", () => {
    expect(all.map((w) => w.name)).toEqual(expect.arrayContaining(["@jisr/core", "@jisr/cli", "@jisr/web"]));
    expect(found.filter((c) => c.public).length).toBeGreaterThan(20);
    expect(
      specifiers('import { a } from "@jisr/core/point";\n// import "@jisr/x/y"\nawait import("./z.js");'),
    ).toEqual(["@jisr/core/point", "./z.js"]);
  });

  it("every export map lists the workspace's index", () => {
    const exporting = all.filter((w) => w.entries.size > 0);
    expect(exporting.length).toBeGreaterThan(8);
    for (const w of exporting) expect(w.entries.has("."), `${w.name} exports "."`).toBe(true);
  });

  it("imports another workspace only through its named exports, or a listed deep import", () => {
    const allowed = new Set(ALLOWED);
    const offending = found.filter((c) => !c.public && !allowed.has(key(c)));
    expect(
      offending.map((c) => `${c.file}: ${c.specifier}`),
      "deep imports of another workspace: import its index (export what you need there)",
    ).toEqual([]);
  });

  it("lists no deep import that nothing needs any more (the list only shrinks)", () => {
    const used = new Set(found.filter((c) => !c.public).map(key));
    expect(ALLOWED.filter((k) => !used.has(k))).toEqual([]);
  });
});
