/**
 * The gateway's own record of what it read: with --log-level debug, every poll whose points are queued
 * logs "Polled" with `stamped_at`, the timestamps of those points, after the enqueue committed. This is
 * the list of readings that must arrive.
 */

interface LogLine {
  msg?: string;
  device?: string;
  stamped_at?: number[];
  level?: number;
}

/** Parses pino JSON lines, skipping anything that is not one (a partial last line, say). */
export function logLines(text: string): LogLine[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** The timestamps of the points of every "Polled" line of one device, in order. */
export function polledAt(text: string, device: string): number[] {
  return logLines(text)
    .filter((l) => l.msg === "Polled" && l.device === device)
    .flatMap((l) => l.stamped_at ?? []);
}

/** How many polls of one device were queued ("Polled" lines): one pv_inverter point each. */
export function pollCount(text: string, device: string): number {
  return logLines(text).filter((l) => l.msg === "Polled" && l.device === device).length;
}

/** An in-process pino destination that keeps every line. */
export function logSink(): { write(s: string): void; text(): string } {
  let text = "";
  return {
    write: (s: string) => {
      text += s;
    },
    text: () => text,
  };
}

/** Expected times missing from what was stored (empty when every reading arrived). */
export function missing(expected: readonly number[], stored: readonly number[]): number[] {
  const have = new Set(stored);
  return expected.filter((t) => !have.has(t));
}
