/**
 * Where a command writes: stdout for its result, stderr for logs, progress and problems. Every
 * workspace's `register*Commands` takes one, so tests pass strings-collecting writers instead of the
 * process's streams. `isTTY` says a terminal is there (readable log lines, a progress line).
 */
export interface CliOutput {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };
