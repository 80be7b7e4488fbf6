/**
 * Durations in config files are strings with a unit ("500ms", "10s", "2m", "1h"), as in Telegraf: a bare
 * number would leave the reader guessing between seconds and milliseconds.
 */
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Milliseconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}

/** "2m", "1.5s", "250ms": the shortest exact spelling, for messages and status output. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * A duration string, parsed to milliseconds and kept within [minMs, maxMs]. Use `.prefault("10s")` for a
 * default, so the default is parsed like user input (`.default` would skip the transform).
 */
export function durationSchema(minMs: number, maxMs: number) {
  const range = `must be between ${formatDuration(minMs)} and ${formatDuration(maxMs)}`;
  const example = formatDuration(Math.min(maxMs, Math.max(minMs, 30_000)));
  return z
    .string({
      // A bare number is the usual mistake ("interval: 30"): say what to write instead. Left undefined
      // for a missing key, so the caller's "is required" applies.
      error: (issue) =>
        issue.input === undefined
          ? undefined
          : `expected a duration such as "${example}", not ${typeof issue.input === "number" ? `the number ${issue.input}: give its unit, e.g. "${issue.input}s"` : `a ${Array.isArray(issue.input) ? "list" : typeof issue.input}`}`,
    })
    .regex(DURATION, 'must be a duration with a unit: "500ms", "10s", "2m" or "1h"')
    .transform((s, ctx) => {
      const ms = parseDuration(s) ?? Number.NaN;
      if (!(ms >= minMs && ms <= maxMs)) ctx.addIssue({ code: "custom", message: range });
      return ms;
    });
}
