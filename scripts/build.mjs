#!/usr/bin/env node
/**
 * `npm run build` (run by `npm install` and `npm ci` through `prepare`): every workspace's TypeScript to
 * plain JavaScript in <workspace>/dist, file for file, so that `jisr` starts on Node alone instead of
 * compiling TypeScript at every start (cli/bin/jisr.js). esbuild only strips types; tsc checks them in
 * `npm test`.
 *
 * - The folder layout is kept (src/x/y.ts → dist/x/y.js), so paths a module computes from its own URL
 *   (`../../profiles/...`) hold in both.
 * - The workspaces' package exports stay on their TypeScript sources (for tsx, vitest and tsc), so an
 *   import of another workspace (`@jisr/core`, `@jisr/core/store`) is rewritten here to the built file of
 *   that export, as a relative path: the built tree never loads a .ts file. An import that names no
 *   export fails the build, as it would fail in Node.
 * Plain JavaScript, so it runs before anything is built.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const started = performance.now();

/** The workspace folders named in the root package.json ("services/*" expanded). */
function workspaces() {
  const { workspaces: patterns } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return patterns.flatMap((p) => {
    if (!p.endsWith("/*")) return [p];
    const parent = p.slice(0, -2);
    return readdirSync(join(root, parent))
      .filter((d) => statSync(join(root, parent, d)).isDirectory())
      .map((d) => `${parent}/${d}`);
  });
}

/** Production sources: tests stay TypeScript, run by vitest only. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Package name → its folder and its exports (entries by name only: no workspace exports a pattern). */
function packageMap(folders) {
  const map = new Map();
  for (const ws of folders) {
    const pkg = JSON.parse(readFileSync(join(root, ws, "package.json"), "utf8"));
    map.set(pkg.name, { folder: join(root, ws), exports: pkg.exports ?? {} });
  }
  return map;
}

/** The built file an import of `spec` (`@jisr/core`, `@jisr/core/point`) means, or undefined. */
function builtTarget(spec, packages) {
  const m = /^(@[^/]+\/[^/]+)(?:\/(.+))?$/.exec(spec);
  const pkg = m && packages.get(m[1]);
  if (!pkg) return undefined;
  const key = m[2] === undefined ? "." : `./${m[2]}`;
  const target = pkg.exports[key];
  if (typeof target !== "string" || !target.startsWith("./src/") || !target.endsWith(".ts")) {
    throw new Error(`cannot map ${spec} to a built file (export ${key} of ${m[1]})`);
  }
  return join(pkg.folder, "dist", `${target.slice("./src/".length, -".ts".length)}.js`);
}

/** Static imports, re-exports and dynamic imports of a string literal naming a workspace package. */
const WORKSPACE_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(@jisr\/[^"']+)\2/g;

function rewriteImports(code, file, packages) {
  return code.replace(WORKSPACE_IMPORT, (_all, lead, quote, spec) => {
    const target = builtTarget(spec, packages);
    if (!target) return `${lead}${quote}${spec}${quote}`;
    let rel = relative(dirname(file), target).split(sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
}

const folders = workspaces();
const packages = packageMap(folders);
let files = 0;
for (const ws of folders) {
  const src = join(root, ws, "src");
  let entryPoints;
  try {
    entryPoints = sources(src);
  } catch {
    continue; // a workspace without src/
  }
  const outdir = join(root, ws, "dist");
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints,
    outdir,
    outbase: src,
    bundle: false,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "warning",
  });
  for (const out of result.outputFiles) {
    mkdirSync(dirname(out.path), { recursive: true });
    writeFileSync(out.path, rewriteImports(out.text, out.path, packages));
  }
  files += entryPoints.length;
}
process.stderr.write(
  `build: ${files} files to */dist in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
