/** Schema of /api/v1/reports: which report, in which format and language. */

import { REPORT_FORMATS } from "@jisr/reports";
import { z } from "zod";
import { institutionId, languageSchema } from "./common.js";

export const PERIOD_PATTERN = /^\d{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?$/;

export const reportQuerySchema = z
  .object({
    period: z
      .string()
      .regex(PERIOD_PATTERN, "must be a month (2026-10), a quarter (2026-Q4) or a year (2026)"),
    institution: institutionId.optional().describe("One institution; the whole programme when absent."),
    format: z.enum(REPORT_FORMATS).default("pdf"),
    lang: languageSchema.optional().describe("Default: the user's language."),
  })
  .strict();
export type ReportQuery = z.output<typeof reportQuerySchema>;
