/**
 * Workspaces meet through their public API (issue 10): an import of another workspace must name one of
 * the entry points its package.json `exports` lists: its index ("."), plus a few named entries, each an
 * area's index.ts (`@jisr/core/store`), a command module `jisr` loads alone for start-up speed
 * (`@jisr/gateway/cli-read`), or `./testing` (test support, for other workspaces' tests only; see
 * test/test-support.test.ts). No `*` pattern: a pattern would make every file public again. Each named
 * entry is justified in the "## Public API" section of the workspace's README, which also says what the
 * workspace holds and where to start reading. A relative import into another workspace's folder fails too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Workspace {
  name: string;
  dir: string;
  /** Entry points listed by name ("." and "./cli"), patterns left out. */
  entries: Set<string>;
  /** Every key of `exports` (patterns included) and the file it points at. */
  exports: Array<[string, unknown]>;
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
    const exports: Array<[string, unknown]> =
      typeof pkg.exports === "string" ? [[".", pkg.exports]] : Object.entries(pkg.exports ?? {});
    const keys = exports.map(([k]) => k);
    return [{ name: pkg.name, dir, entries: new Set(keys.filter((k) => !k.includes("*"))), exports }];
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

/** The text of a README's "## Public API" section (up to the next heading of that level or higher). */
function publicApiSection(readme: string): string | undefined {
  const m = /^## Public API[ \t]*$([\s\S]*?)(?=^#{1,2} |(?![\s\S]))/m.exec(readme);
  return m?.[1];
}

/** The named entries (not ".") of `w` that its README's Public API section does not name in backticks. */
function unjustified(w: Workspace, readme: string): string[] {
  const section = publicApiSection(readme) ?? "";
  return [...w.entries].filter((e) => e !== "." && !section.includes(`\`${e}\``));
}

function readme(w: Workspace): string {
  try {
    return readFileSync(join(root, w.dir, "README.md"), "utf8");
  } catch {
    return "";
  }
}

describe("workspace boundaries", () => {
  const all = workspaces();
  const found = crossings(all);

  it("finds the workspaces and their imports of each other (so the checks below can fail)", () => {
    expect(all.map((w) => w.name)).toEqual(expect.arrayContaining(["@jisr/core", "@jisr/cli", "@jisr/web"]));
    expect(found.filter((c) => c.public).length).toBeGreaterThan(20);
    expect(
      specifiers('import { a } from "@jisr/core/point";\n// import "@jisr/x/y"\nawait import("./z.js");'),
    ).toEqual(["@jisr/core/point", "./z.js"]);
    const readmeText = "# x\n## Public API\n`./cli` for start-up.\n### detail\n`./a`\n## Tests\n`./b`\n";
    expect(publicApiSection(readmeText)).toBe("\n`./cli` for start-up.\n### detail\n`./a`\n");
    const w: Workspace = { name: "x", dir: "x", entries: new Set([".", "./cli", "./a", "./b"]), exports: [] };
    expect(unjustified(w, readmeText)).toEqual(["./b"]);
  });

  it("every workspace exports its index, and no `*` pattern", () => {
    expect(all.length).toBeGreaterThan(10);
    for (const w of all) {
      expect(w.entries.has("."), `${w.name} exports "."`).toBe(true);
      const patterns = w.exports.filter(([k, v]) => k.includes("*") || JSON.stringify(v).includes("*"));
      expect(patterns, `${w.name}: a pattern makes every file public`).toEqual([]);
    }
  });

  it("every entry points at a file that exists; ./testing at a testing/index.ts", () => {
    for (const w of all) {
      for (const [key, target] of w.exports) {
        expect(typeof target, `${w.name} ${key}`).toBe("string");
        expect(existsSync(join(root, w.dir, target as string)), `${w.name} ${key} -> ${target}`).toBe(true);
        if (key === "./testing") expect(target, `${w.name} ./testing`).toBe("./src/testing/index.ts");
      }
    }
  });

  it("every workspace has a README with its Public API, justifying each named entry", () => {
    for (const w of all) {
      const text = readme(w);
      expect(text, `${w.dir}/README.md`).not.toBe("");
      expect(publicApiSection(text), `${w.dir}/README.md has a "## Public API" section`).toBeDefined();
      expect(text, `${w.dir}/README.md says where to start reading`).toMatch(/start reading/i);
      expect(
        unjustified(w, text),
        `${w.dir}/README.md: named entries its Public API does not explain`,
      ).toEqual([]);
    }
  });

  it("imports another workspace only through its exports (its index or a named entry)", () => {
    const offending = found.filter((c) => !c.public);
    expect(
      offending.map((c) => `${c.file}: ${c.specifier}`),
      "deep imports of another workspace: import its index (export what you need there)",
    ).toEqual([]);
  });
});
