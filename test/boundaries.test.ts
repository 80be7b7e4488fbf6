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
// 112 on 2026-12-05, when the check was added; 110 after the store options moved into the kit; 108 with the kit's zod compilers;
// 4 once the importers took the public entries (2026-12-06), the rest in files being edited.
const ALLOWED: readonly string[] = [
  "@jisr/analytics -> @jisr/core/influx/client",
  "@jisr/ingestion -> @jisr/core/line-protocol",
  "@jisr/ingestion -> @jisr/core/store/encoded",
  "@jisr/ingestion -> @jisr/core/store/field-types",
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
