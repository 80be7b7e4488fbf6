/**
 * Writes dashboards/grafana/*.json from the TypeScript builders: `npx tsx dashboards/src/build.ts`.
 * The JSON files are committed (Grafana reads them); build.test.ts fails when they differ from this output.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CATALOGUE, render } from "./catalogue.js";

export const OUTPUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../grafana");

export function writeDashboards(dir = OUTPUT_DIR): string[] {
  return CATALOGUE.map(({ file, build }) => {
    const path = join(dir, file);
    writeFileSync(path, render(build()));
    return path;
  });
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  for (const path of writeDashboards()) process.stdout.write(`wrote ${path}\n`);
}
