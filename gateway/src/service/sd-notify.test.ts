import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findBinary } from "../../../test/servers/ensure-packages.js";
import { sdNotifier, watchdogInterval } from "./sd-notify.js";

/**
 * The notify protocol against a real unix datagram socket, as systemd listens on: socat receives on
 * it (UNIX-RECV) and prints what arrives. systemd-notify (from the systemd package) sends.
 */
const missing = ["socat", "systemd-notify"].filter((b) => findBinary(b) === undefined);

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function receiver(): Promise<{ path: string; received: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), "jisr-notify-"));
  const path = join(dir, "notify");
  let out = "";
  const child: ChildProcess = spawn(findBinary("socat") as string, ["-u", `UNIX-RECV:${path}`, "STDOUT"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout?.on("data", (b: Buffer) => {
    out += `${b.toString()}\n`;
  });
  cleanup.push(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  await vi.waitFor(() => expect(existsSync(path)).toBe(true), { timeout: 5000, interval: 20 });
  return { path, received: () => out };
}

describe.skipIf(missing.length > 0)(
  `sd_notify (needs ${missing.join(", ") || "socat, systemd-notify"})`,
  () => {
    it("says READY=1 with a status, feeds the watchdog at half WatchdogSec, and says STOPPING=1", async () => {
      const { path, received } = await receiver();
      const notifier = sdNotifier({
        env: {
          ...process.env,
          NOTIFY_SOCKET: path,
          WATCHDOG_USEC: "600000",
          WATCHDOG_PID: String(process.pid),
        },
      });
      expect(notifier.active).toBe(true);
      expect(notifier.watchdogIntervalMs).toBe(300);
      await notifier.start("polling 3 device(s)");
      await vi.waitFor(() => expect(received()).toContain("READY=1"), { timeout: 10_000, interval: 20 });
      expect(received()).toContain("STATUS=polling 3 device(s)");
      // Several feeds: generous bounds, the machine may be busy.
      await vi.waitFor(() => expect(received().split("WATCHDOG=1").length - 1).toBeGreaterThanOrEqual(3), {
        timeout: 15_000,
        interval: 50,
      });
      await notifier.stop();
      await vi.waitFor(() => expect(received()).toContain("STOPPING=1"), { timeout: 10_000, interval: 20 });
      const feeds = received().split("WATCHDOG=1").length - 1;
      await new Promise((r) => setTimeout(r, 800));
      expect(received().split("WATCHDOG=1").length - 1).toBe(feeds); // no feed after stop
    }, 40_000);

    it("does nothing outside systemd", async () => {
      const { NOTIFY_SOCKET: _n, ...env } = process.env;
      const notifier = sdNotifier({ env, binary: "/nonexistent/systemd-notify" });
      expect(notifier.active).toBe(false);
      await notifier.start("x");
      await notifier.stop();
    });
  },
);

describe("watchdogInterval", () => {
  it("is half of WATCHDOG_USEC, and only for this process", () => {
    expect(watchdogInterval({ WATCHDOG_USEC: "60000000" })).toBe(30_000);
    expect(watchdogInterval({ WATCHDOG_USEC: "60000000", WATCHDOG_PID: String(process.pid) })).toBe(30_000);
    expect(watchdogInterval({ WATCHDOG_USEC: "60000000", WATCHDOG_PID: "1" })).toBeUndefined();
    expect(watchdogInterval({})).toBeUndefined();
    expect(watchdogInterval({ WATCHDOG_USEC: "abc" })).toBeUndefined();
  });
});
