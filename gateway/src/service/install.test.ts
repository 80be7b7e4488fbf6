import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary } from "../../../test/servers/ensure-packages.js";
import {
  defaultExec,
  planInstall,
  renderUnit,
  runGatewayInstall,
  SHIPPED_UNIT,
  UNIT_PATH,
} from "./install.js";

/**
 * `jisr gateway install`: into a temporary root (as an image is built), the written unit checked by
 * systemd itself; the plan a real install follows, printed by --dry-run without touching the system.
 */
const analyze = findBinary("systemd-analyze");
const verifies = analyze !== undefined && spawnSync(analyze, ["--version"]).status === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "jisr-install-"));
  dirs.push(d);
  return d;
}

function capture() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  return { out, io };
}

const shipped = readFileSync(SHIPPED_UNIT, "utf8");

describe("jisr gateway install --root", () => {
  it("writes the unit, the config and state directories under the root, and leaves the system alone", () => {
    const root = tempDir();
    const { out, io } = capture();
    expect(runGatewayInstall({ root }, io, false), out.stderr).toBe(0);
    const unit = readFileSync(join(root, UNIT_PATH), "utf8");
    // The shipped unit, with ExecStart pointing at this Node and this jisr by absolute path.
    expect(unit).toBe(renderUnit(shipped, defaultExec(), "/etc/jisr/gateway.yaml"));
    expect(unit).toMatch(
      /^ExecStart=\/\S+node\S* \/\S+\/cli\/bin\/jisr\.js gateway run --config \/etc\/jisr\/gateway\.yaml$/m,
    );
    expect(statSync(join(root, UNIT_PATH)).mode & 0o777).toBe(0o644);
    expect(statSync(join(root, "var/lib/jisr-gateway")).mode & 0o777).toBe(0o750);
    expect(statSync(join(root, "etc/jisr")).isDirectory()).toBe(true);
    expect(out.stdout).toContain("skipped: user jisr-gateway: not created under --root");
    expect(out.stdout).toContain("skipped: systemctl: not run under --root");
    // No config under the root yet: said, with what to do.
    expect(out.stdout).toMatch(/note: No config at .*\/etc\/jisr\/gateway\.yaml yet/);
    // Nothing else was written: only etc/ and var/ under the root.
    expect(readdirSync(root).sort()).toEqual(["etc", "var"]);
  });

  it("is safe to run again: the unit is reported unchanged", () => {
    const root = tempDir();
    expect(runGatewayInstall({ root }, capture().io, false)).toBe(0);
    const again = capture();
    expect(runGatewayInstall({ root }, again.io, false)).toBe(0);
    expect(again.out.stdout).toMatch(
      /^unchanged: systemd unit \/etc\/systemd\/system\/jisr-gateway\.service/m,
    );
  });

  it.skipIf(!verifies)(
    `writes a unit systemd-analyze verify finds clean${verifies ? "" : " (SKIPPED: no systemd-analyze here)"}`,
    () => {
      const root = tempDir();
      expect(runGatewayInstall({ root, config: "/etc/jisr/site-12.yaml" }, capture().io, false)).toBe(0);
      const r = spawnSync(analyze as string, ["verify", join(root, UNIT_PATH)], { encoding: "utf8" });
      expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({
        status: 0,
        output: "",
      });
      // The check can fail: an ExecStart binary that does not exist is reported.
      const broken = tempDir();
      runGatewayInstall({ root: broken, exec: "/nonexistent/jisr" }, capture().io, false);
      const bad = spawnSync(analyze as string, ["verify", join(broken, UNIT_PATH)], { encoding: "utf8" });
      expect(`${bad.stdout}${bad.stderr}`).toMatch(/\/nonexistent\/jisr/);
    },
  );
});

describe("jisr gateway install --dry-run", () => {
  it("prints the steps of a real install, in order, and changes nothing", () => {
    const { out, io } = capture();
    expect(runGatewayInstall({ dryRun: true, config: "/etc/jisr/gateway.yaml" }, io, false), out.stderr).toBe(
      0,
    );
    const lines = out.stdout.split("\n");
    expect(lines[0]).toBe("Would do, in order:");
    const text = out.stdout;
    const order = [
      /useradd --system --user-group --home-dir \/var\/lib\/jisr-gateway --no-create-home --shell \/usr\/sbin\/nologin --comment 'Jisr Solar gateway' jisr-gateway|skipped: user jisr-gateway: exists/,
      /mkdir -p -m 755 \/etc\/jisr/,
      /mkdir -p -m 750 \/var\/lib\/jisr-gateway && chown jisr-gateway:jisr-gateway \/var\/lib\/jisr-gateway/,
      /write \/etc\/systemd\/system\/jisr-gateway\.service \(mode 644\)/,
      /systemctl daemon-reload/,
      /systemctl enable (--now )?jisr-gateway/,
    ].map((re) => text.search(re));
    expect(
      order.every((i) => i >= 0),
      text,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("starts the service only once a config is there", () => {
    const without = planInstall({ config: "/etc/jisr/gateway.yaml" }, shipped, {
      userPresent: false,
      configPresent: false,
    });
    const withConfig = planInstall({ config: "/etc/jisr/gateway.yaml" }, shipped, {
      userPresent: true,
      configPresent: true,
    });
    const systemctl = (p: typeof without) =>
      p.steps.flatMap((s) => (s.kind === "systemctl" ? [s.argv.join(" ")] : []));
    expect(systemctl(without)).toEqual(["systemctl daemon-reload", "systemctl enable jisr-gateway"]);
    expect(systemctl(withConfig)).toEqual(["systemctl daemon-reload", "systemctl enable --now jisr-gateway"]);
    expect(withConfig.steps[0]).toEqual({ kind: "skip", what: "user jisr-gateway: exists" });
    expect(withConfig.notes).toEqual([]);
  });

  it("warns when the code sits where the unit cannot see it (ProtectHome=yes)", () => {
    const plan = planInstall(
      { config: "/etc/jisr/gateway.yaml", exec: "/usr/bin/node /home/pi/jisr/cli/bin/jisr.js" },
      shipped,
      { userPresent: true, configPresent: true },
    );
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /^\/home\/pi\/jisr\/cli\/bin\/jisr\.js is under \/home, .*ProtectHome=yes.*\/opt\/jisr/,
      ),
    ]);
    const nvm = planInstall(
      {
        config: "/etc/jisr/gateway.yaml",
        exec: "/root/.nvm/versions/node/v20.19.0/bin/node /opt/jisr/cli/bin/jisr.js",
      },
      shipped,
      { userPresent: true, configPresent: true },
    );
    expect(nvm.notes).toEqual([expect.stringMatching(/^\/root\/\.nvm\/.*\/node is under \/root/)]);
  });

  it("refuses a relative config path and, without --root or --dry-run, a user that is not root", () => {
    const relative = capture();
    expect(runGatewayInstall({ dryRun: true, config: "gateway.yaml" }, relative.io, true)).toBe(1);
    expect(relative.out.stderr).toMatch(/--config: give an absolute path/);
    const notRoot = capture();
    expect(runGatewayInstall({}, notRoot.io, false)).toBe(1);
    expect(notRoot.out.stderr).toMatch(/needs root: sudo jisr gateway install/);
  });

  it("under --root, starts nothing even with a config present (an image is enabled at build time)", () => {
    const root = tempDir();
    mkdirSync(join(root, "etc/jisr"), { recursive: true });
    writeFileSync(join(root, "etc/jisr/gateway.yaml"), "institution: x\n");
    const { out, io } = capture();
    expect(runGatewayInstall({ root }, io, false)).toBe(0);
    expect(out.stdout).not.toMatch(/note: No config/);
    expect(existsSync(join(root, UNIT_PATH))).toBe(true);
  });
});
