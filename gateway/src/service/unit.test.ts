import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary } from "../../../test/servers/ensure-packages.js";

/**
 * deploy/gateway/jisr-gateway.service, checked by systemd itself: `systemd-analyze verify` prints
 * nothing for a clean unit (it exits 0 even for an unknown key, so the test reads its output). The
 * ExecStart binary must exist for verify: the test points it at a stub, the rest is the shipped file.
 */
const UNIT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../deploy/gateway/jisr-gateway.service");
const analyze = findBinary("systemd-analyze");
const runs = analyze !== undefined && spawnSync(analyze, ["--version"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "jisr-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verify(text: string, name: string): { status: number | null; output: string } {
  const stub = join(dir, "jisr");
  writeFileSync(stub, "#!/bin/sh\nexit 0\n");
  chmodSync(stub, 0o755);
  const path = join(dir, name);
  writeFileSync(path, text.replaceAll("/usr/local/bin/jisr", stub));
  const r = spawnSync(analyze as string, ["verify", path], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe.skipIf(!runs)(
  `the gateway's systemd unit${runs ? "" : " (SKIPPED: systemd-analyze cannot run here; Debian package systemd)"}`,
  () => {
    const text = readFileSync(UNIT, "utf8");

    it("is clean for systemd-analyze verify", () => {
      expect(verify(text, "jisr-gateway.service")).toEqual({ status: 0, output: "" });
    });

    it("would show a mistake (the check can fail)", () => {
      const bad = verify(text.replace("ProtectHome=yes", "ProtectHomme=yes"), "jisr-gateway-typo.service");
      expect(bad.output).toMatch(/Unknown key 'ProtectHomme'/);
    });

    it("runs as its own user, restarts on failure, has a watchdog and is hardened", () => {
      for (const line of [
        "Type=notify",
        "NotifyAccess=all",
        "Restart=on-failure",
        "WatchdogSec=60s",
        "User=jisr-gateway",
        "Group=jisr-gateway",
        "StateDirectory=jisr-gateway",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "NoNewPrivileges=yes",
        "DevicePolicy=closed",
      ])
        expect(text.split("\n"), line).toContain(line);
    });
  },
);
