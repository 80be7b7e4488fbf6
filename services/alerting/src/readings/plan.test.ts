import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { READING_PLAN } from "./plan.js";

const PROFILES = fileURLToPath(new URL("../../../../gateway/profiles/", import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith(".yaml") ? [path] : [];
  });
}

/** Every `measurement:` value anywhere in a YAML document. */
function measurements(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) measurements(n, into);
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      if (k === "measurement" && typeof v === "string") into.add(v);
      else measurements(v, into);
    }
  return into;
}

describe("the readings the alert rules get", () => {
  it("include every measurement a built-in device profile writes, so no device looks silent", () => {
    const written = new Set<string>();
    for (const file of yamlFiles(PROFILES)) measurements(parse(readFileSync(file, "utf8")), written);
    // Guards the walk itself: the profiles do write these.
    expect([...written]).toEqual(
      expect.arrayContaining(["pv_inverter", "grid_meter", "hot_water", "weather"]),
    );
    const read = new Set(READING_PLAN.map((p) => p.measurement));
    expect([...written].filter((m) => !read.has(m)).sort()).toEqual([]);
  });
});
