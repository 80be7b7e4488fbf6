/**
 * The JSON Grafana loads is generated: the committed files must be exactly what the builders produce
 * today (run `npx tsx dashboards/src/build.ts` after changing a builder), and nothing else may sit in
 * dashboards/grafana/, since the file provider would load it too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OUTPUT_DIR, writeDashboards } from "./build.js";
import { CATALOGUE, render } from "./catalogue.js";

describe("generated dashboards", () => {
  for (const { file, build } of CATALOGUE) {
    it(`dashboards/grafana/${file} is the builders' output (else: npx tsx dashboards/src/build.ts)`, () => {
      expect(readFileSync(join(OUTPUT_DIR, file), "utf8")).toBe(render(build()));
    });
  }

  it("dashboards/grafana holds only the generated files", () => {
    expect(readdirSync(OUTPUT_DIR).sort()).toEqual(CATALOGUE.map((e) => e.file).sort());
  });

  it("the build script writes every dashboard", () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-dashboards-"));
    try {
      const written = writeDashboards(dir);
      expect(written.map((p) => p.slice(dir.length + 1)).sort()).toEqual(CATALOGUE.map((e) => e.file).sort());
      expect(JSON.parse(readFileSync(written[0] as string, "utf8"))).toHaveProperty("schemaVersion", 41);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
