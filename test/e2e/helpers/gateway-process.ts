/** For tests: `jisr gateway run` as a real child process, through the real CLI entry (cli/bin/jisr.js). */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../../cli/bin/jisr.js", import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  /** Everything written to stdout so far (JSON log lines). */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code, or the signal that ended the process. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startGatewayProcess(config: string, env: Record<string, string> = {}): GatewayProcess {
  const child = spawn(process.execPath, [bin, "gateway", "run", "--config", config, "--log-level", "debug"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}
