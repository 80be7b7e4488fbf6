/**
 * A pseudo-terminal pair made by socat: two serial ports wired to each other, the stand-in for an RS-485
 * bus in tests. A simulator opens one end, the gateway the other. A pty does not throttle to the baud rate:
 * bytes cross at memory speed, so tests on it check framing and ordering, not line timing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./ensure-packages.js";

export interface PtyPair {
  /** One end (give it to the simulated devices). */
  a: string;
  /** The other end (give it to the gateway). */
  b: string;
  /** Stops socat: both ends vanish, as if the cable were pulled. The links can be brought back. */
  unplug(): Promise<void>;
  /** Starts socat again on the same two paths (new pseudo-terminals behind them). */
  replug(): Promise<void>;
  /** Stops socat and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

const READY_MS = 5000;

async function waitForLinks(paths: string[], child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (!paths.every((p) => existsSync(p))) {
    if (child.exitCode !== null)
      throw new Error(`socat exited (${child.exitCode}) before the ptys existed:\n${output()}`);
    if (Date.now() > deadline)
      throw new Error(`socat did not create ${paths.join(" and ")} within ${READY_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function launch(bin: string, a: string, b: string): { child: ChildProcess; output: () => string } {
  const child = spawn(bin, ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-5000);
  });
  return { child, output: () => text };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await gone;
  clearTimeout(timer);
}

/** Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits until both links exist. */
export async function startPtyPair(): Promise<PtyPair> {
  const bin = findBinary("socat");
  if (!bin) throw new Error("socat is not installed (Debian package: socat)");
  const dir = mkdtempSync(join(tmpdir(), "jisr-pty-"));
  const a = join(dir, "ttyA");
  const b = join(dir, "ttyB");
  let current: ChildProcess | undefined;
  const start = async () => {
    const { child, output } = launch(bin, a, b);
    current = child;
    try {
      await waitForLinks([a, b], child, output);
    } catch (err) {
      await kill(child);
      throw err;
    }
  };
  const unplug = async () => {
    if (current) await kill(current);
    current = undefined;
    // socat removes its links on a clean exit; make sure, so replug() waits for the new ones.
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  };
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    a,
    b,
    unplug,
    replug: start,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
