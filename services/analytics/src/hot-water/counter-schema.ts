/** The limits of a lifetime counter in the hot-water settings, as the energy accounting's counter rules need. */

import { strictObject } from "@jisr/core";
import { z } from "zod";

/** A counter's limits, `maxPowerW` defaulting to `defaultMaxPowerW` (generous: a spike test, not a rating). */
export function counterLimitsSchema(defaultMaxPowerW: number, what: string) {
  return strictObject({
    maxPowerW: z
      .number()
      .positive("must be positive")
      .default(defaultMaxPowerW)
      .describe(
        `Most power ${what} can deliver, W (about 1.3 × its rating): a faster rise is a glitch, not energy.`,
      ),
    toleranceWh: z
      .number()
      .min(0, "must not be negative")
      .default(100)
      .describe("Slack on that test, Wh: at least the counter's resolution (100 for a counter in 0.1 kWh)."),
    jitterWh: z
      .number()
      .min(0, "must not be negative")
      .default(10)
      .describe("A counter going back by at most this is jitter (counts 0), not a reset."),
    rolloverWh: z
      .number()
      .positive("must be positive")
      .optional()
      .describe("Where the counter wraps, Wh (an acc32 in Wh: 4294967296); omit when it never wraps."),
  });
}
