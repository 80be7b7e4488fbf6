/** Small builders shared by the rule config sections, so every threshold is validated the same way. */
import { strictObject } from "@jisr/core";
import { z } from "zod";

/** A number in [min, max], with the unit in the messages. */
export function bounded(min: number, max: number, unit: string) {
  const u = unit ? ` ${unit}` : "";
  return z
    .number({ error: (issue) => (issue.input === undefined ? "is required" : "must be a number") })
    .min(min, `must be at least ${min}${u}`)
    .max(max, `must be at most ${max}${u}`);
}

/** A whole number in [min, max]. */
export function whole(min: number, max: number, unit: string) {
  return bounded(min, max, unit).int("must be a whole number");
}

export const severitySchema = z.enum(["critical", "major", "minor", "info"]);

export const enabled = () =>
  z.boolean().default(true).describe("Run this rule; false turns it off everywhere.");

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** "HH:MM" → minutes after local midnight. */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export const windowSchema = strictObject({
  start: z.string().regex(HHMM, 'must be a local time "HH:MM"').describe('Local time it opens, "06:00".'),
  end: z
    .string()
    .regex(HHMM, 'must be a local time "HH:MM" (24:00 for midnight)')
    .describe('Local time it closes (excluded), "09:00"; "24:00" for midnight.'),
}).refine((w) => minuteOfDay(w.start) < minuteOfDay(w.end), {
  message: "must end after it starts (a window cannot cross midnight: split it in two)",
  path: ["end"],
});

export type LocalWindow = z.output<typeof windowSchema>;
