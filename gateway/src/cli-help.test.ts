/**
 * `jisr gateway --help` as a technician runs it, built (no tsx): registering the gateway's commands loads
 * commander and their help texts only. zod, the Modbus stack (modbus-serial), MQTT, pino and the config
 * loader are imported by a command's action, when it runs (issue 10: under 0.3 s and 80 MB on a small box).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "cli/bin/jisr.js");

/** Every module URL the command resolved, recorded by a module-resolution hook of Node's own. */
function modulesLoadedBy(args: string[]): { status: number | null; stdout: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "jisr-gateway-help-"));
  const log = join(dir, "loaded.txt");
  writeFileSync(log, "");
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  appendFileSync(${JSON.stringify(log)}, r.url + "\\n");
  return r;
}`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module"; register("./hooks.mjs", import.meta.url);`,
  );
  const res = spawnSync(process.execPath, ["--import", join(dir, "register.mjs"), bin, ...args], {
    env: { ...process.env, JISR_SOURCE: "", NODE_OPTIONS: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { status: res.status, stdout: res.stdout, loaded };
}

const HEAVY = /\/node_modules\/(zod|modbus-serial|serialport|@serialport|mqtt|pino|yaml|better-sqlite3)\//;

describe("jisr gateway --help, as built", () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
  }, 120_000);

  it("loads the gateway's command modules (install too) but no zod, modbus-serial, mqtt, pino or config loader", () => {
    const help = modulesLoadedBy(["gateway", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^\s+read \[options\]/m);
    expect(help.stdout).toMatch(/^\s+status \[options\]/m);
    expect(help.stdout).toMatch(/^\s+install \[options\]/m);
    // The hook sees what it should: the command modules and commander.
    expect(help.loaded.join("\n")).toMatch(/gateway\/dist\/cli-read\.js/);
    expect(help.loaded.join("\n")).toMatch(/node_modules\/commander\//);
    expect(help.loaded.filter((url) => HEAVY.test(url))).toEqual([]);
    expect(
      help.loaded.filter((url) =>
        /gateway\/dist\/(commands|config\/load|profiles|modbus\/link|mqtt|run|service)\b/.test(url),
      ),
    ).toEqual([]);
  });

  it("keeps `jisr gateway run --help` as light, and still prints its help", () => {
    const help = modulesLoadedBy(["gateway", "run", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: jisr gateway run \[options\]/m);
    expect(help.stdout).toContain(
      "JISR_GATEWAY_TOKEN=jisr_... jisr gateway run --config /etc/jisr/gateway.yaml",
    );
    expect(help.loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it("loads the work of a command when it runs: check-config reaches the config loader", () => {
    const run = modulesLoadedBy([
      "gateway",
      "check-config",
      "--config",
      join(root, "gateway/examples/gateway.yaml"),
    ]);
    expect(run.loaded.join("\n")).toMatch(/gateway\/dist\/config\/load\.js/);
    expect(run.loaded.some((url) => /\/node_modules\/zod\//.test(url))).toBe(true);
  });
});
