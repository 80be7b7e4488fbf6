import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Issue 13, footprint: a gateway with no MQTT device and an HTTP uplink must not load the MQTT client
 * (+21 MiB) nor aedes. They are reached only through `await import(...)` in run/gateway.ts and
 * run/uplink.ts; this walks the static import graph of `jisr gateway run` (what Node loads before any
 * dynamic import runs) and fails if a static import brings them back.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Value imports and re-exports (not `import type`/`export type`, erased at run time) and bare imports.
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^;]*?\bfrom\s+)?["']([^"']+)["']/gm;

function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(STATIC)].map((m) => m[1] as string);
}

/** Every bare package (and gateway file) reached from `entries` through static imports of gateway files. */
function reachedFrom(...entries: string[]): { packages: Map<string, string>; files: Set<string> } {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
        if (existsSync(target)) todo.push(target);
      } else if (!spec.startsWith("node:")) {
        const name = spec.startsWith("@")
          ? spec.split("/").slice(0, 2).join("/")
          : (spec.split("/")[0] as string);
        if (!packages.has(name)) packages.set(name, file.slice(SRC.length + 1));
      }
    }
  }
  return { packages, files: seen };
}

function packagesReached(...entries: string[]): Map<string, string> {
  return reachedFrom(...entries).packages;
}

/**
 * What `jisr gateway run` loads for any config: cli-run.ts and what it imports at once when it runs (the
 * config loader and the gateway, imported inside the command so that `--help` stays fast).
 */
const RUN_ENTRIES = [join(SRC, "cli-run.ts"), join(SRC, "config", "load.ts"), join(SRC, "run", "gateway.ts")];

describe("what `jisr gateway run` loads before its config asks for more", () => {
  it("does not load mqtt or aedes statically", () => {
    const reached = packagesReached(...RUN_ENTRIES);
    // The walk itself works: the packages every gateway needs are found.
    expect([...reached.keys()]).toEqual(expect.arrayContaining(["pino", "better-sqlite3"]));
    // modbus-serial comes after the config is known (run/gateway.ts imports the drivers then), so that
    // serialport can be left out (serial-gate.ts); the drivers do reach it.
    expect(reached.get("modbus-serial"), "modbus-serial imported statically by this file").toBeUndefined();
    expect(packagesReached(join(SRC, "drivers", "index.ts")).has("modbus-serial")).toBe(true);
    expect(reached.get("mqtt"), "mqtt imported statically by this file").toBeUndefined();
    expect(reached.get("aedes"), "aedes imported statically by this file").toBeUndefined();
  });

  it("does not load the local page and alerts (Intl time zones, ~10 MiB of ICU data) statically", () => {
    const { files } = reachedFrom(...RUN_ENTRIES);
    const local = [...files].filter((f) => f.includes(`${join(SRC, "local")}/`));
    expect(local.map((f) => f.slice(SRC.length + 1))).toEqual([]);
    expect(files.has(join(SRC, "run", "poller.ts"))).toBe(true);
  });

  it("would notice a static import of mqtt (the MQTT sender imports it)", () => {
    const reached = packagesReached(join(SRC, "uplink", "mqtt-sender.ts"));
    expect(reached.has("mqtt")).toBe(true);
  });
});
