/**
 * `npm run build` (scripts/build.mjs, about a second) once per bench run, for the benches that run the
 * built `jisr` as an operator does: the sources may have changed since `npm install` built dist/.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
let built = false;

export function buildOnce(): void {
  if (built) return;
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`bench: npm run build failed: ${build.stderr}`);
  built = true;
}
