/**
 * Durations in the config file are strings with a unit ("90s", "10m", "4h", "1d"), as in the gateway's
 * config: a bare number would leave the reader guessing between seconds and minutes.
 */
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** "2m", "4h", "1d": the shortest exact spelling, for messages. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration string parsed to milliseconds within [minMs, maxMs]. Use `.prefault("10m")` for a default,
 * so the default goes through the same parsing as user input.
 */
export function durationSchema(minMs: number, maxMs: number) {
  const range = `must be between ${formatDuration(minMs)} and ${formatDuration(maxMs)}`;
  return z
    .string()
    .regex(DURATION, 'must be a duration with a unit: "30s", "10m", "4h" or "1d"')
    .transform((s, ctx) => {
      const ms = parseDuration(s) ?? Number.NaN;
      if (!(ms >= minMs && ms <= maxMs)) ctx.addIssue({ code: "custom", message: range });
      return ms;
    });
}
