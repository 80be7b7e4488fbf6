/**
 * One convention for test support, so "where are the helpers of this test?" has one answer:
 *
 * - Helpers, fixtures, fake servers and test beds live in a `testing/` folder beside the code they serve
 *   (`services/web/src/testing/bed.ts`, `gateway/src/sunspec/testing/fixtures.ts`); programs that tests
 *   start as child processes live in `testdata/`.
 * - A body of tests shared by several test files (the same cases on SQLite and on InfluxDB) is a
 *   `*.suite.ts` file beside them; vitest runs only `*.test.ts`.
 * - Production code never imports any of it.
 *
 * This test fails on a production import of test support, and on a support file named in one of the old
 * ways (test-helper.ts, test-fixtures.ts, job-fixture.ts, test-bed.ts, build-suite.ts ...) outside testing/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIP = new Set(["node_modules", "dist", "test-output", "public", "vendor"]);

/** Workspace source folders (and the package name each answers to). */
function workspaceSources(): Array<{ name: string; src: string }> {
  const globs = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] })
    .workspaces;
  const dirs = globs.flatMap((g) =>
    g.endsWith("/*") ? readdirSync(join(root, g.slice(0, -2))).map((d) => `${g.slice(0, -1)}${d}`) : [g],
  );
  return dirs.flatMap((dir) => {
    try {
      const { name } = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as { name: string };
      return [{ name, src: join(dir, "src") }];
    } catch {
      return [];
    }
  });
}

function tsFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (SKIP.has(name) || name.startsWith(".")) return [];
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const isTest = (path: string) => path.endsWith(".test.ts");
const isSuite = (path: string) => path.endsWith(".suite.ts");
const inSupportFolder = (path: string) => /(^|\/)(testing|testdata)\//.test(path);
const isSupport = (path: string) => isSuite(path) || inSupportFolder(path);

function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const re of [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ])
    for (const m of code.matchAll(re)) found.push(m[1] as string);
  return found;
}

const sources = workspaceSources();
const srcOf = new Map(sources.map((w) => [w.name, w.src]));
const files = sources.flatMap((w) => tsFiles(w.src));

/** The repository path an import names, for relative and `@jisr/<workspace>/<path>` imports. */
function target(file: string, spec: string): string | undefined {
  if (spec.startsWith(".")) return relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, ".ts");
  const m = /^(@jisr\/[^/]+)\/(.+)$/.exec(spec);
  const src = m ? srcOf.get(m[1] as string) : undefined;
  if (!m || !src) return undefined;
  // An entry names a file (`@jisr/gateway/cli-read`) or an area's index (`@jisr/core/testing`).
  const sub = (m[2] as string).replace(/\.js$/, "");
  const leaf = join(src, `${sub}.ts`);
  return existsSync(join(root, leaf)) ? leaf : join(src, sub, "index.ts");
}

describe("test support", () => {
  it("is found in every workspace's sources (the scan sees the files)", () => {
    expect(files.filter(isSupport).length).toBeGreaterThan(20);
    expect(files.filter((f) => !isTest(f) && !isSupport(f)).length).toBeGreaterThan(300);
    // A workspace's `./testing` entry is its testing/index.ts: support, as a production import of it would be.
    expect(isSupport(target("services/web/src/app.ts", "@jisr/core/testing") ?? "")).toBe(true);
  });

  it("is never imported by production code", () => {
    const production = files.filter((f) => !isTest(f) && !isSupport(f));
    const leaks = production.flatMap((file) =>
      specifiers(readFileSync(join(root, file), "utf8"))
        .filter((spec) => {
          const t = target(file, spec);
          return t !== undefined && isSupport(t);
        })
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(leaks).toEqual([]);
  });

  it("is named the one way: in testing/ or testdata/, or a *.suite.ts", () => {
    const OLD =
      /(^|[-/])(test-helpers?|test-fixtures?|test-bed|test-report|fixtures?|job-fixture|[\w-]+-suite)\.ts$/;
    const misplaced = files.filter((f) => !isTest(f) && !inSupportFolder(f) && OLD.test(f));
    expect(misplaced).toEqual([]);
  });
});
