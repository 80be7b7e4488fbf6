/** Schemas of /api/v1/silences. */

import { idSchema, parseDuration } from "@jisr/core";
import { z } from "zod";
import { instant, instantInput } from "./common.js";

const MAX_SILENCE_MS = 90 * 86_400_000;

export const matchersSchema = z
  .object({
    institution: idSchema.optional(),
    rule: z.string().min(1).max(64).optional(),
    device: z.string().min(1).max(256).optional(),
  })
  .strict()
  .refine(
    (m) => Object.values(m).some((v) => v !== undefined),
    "must name at least one of institution, rule, device",
  );

export const silenceBodySchema = z
  .object({
    matchers: matchersSchema,
    starts_at: instantInput.optional().describe("Default: now."),
    ends_at: instantInput.optional(),
    duration: z
      .string()
      .refine((s) => parseDuration(s) !== undefined, 'must be a duration with a unit: "30m", "4h" or "2d"')
      .optional()
      .describe("Instead of ends_at: how long from starts_at."),
    comment: z.string().trim().min(1, "must say why (who will read it later?)").max(500),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.ends_at === undefined) === (b.duration === undefined))
      ctx.addIssue({ code: "custom", path: ["ends_at"], message: "give ends_at or duration (one of them)" });
  })
  .transform((b, ctx) => {
    const startsAt = b.starts_at === undefined ? undefined : Date.parse(b.starts_at);
    const length = b.duration === undefined ? undefined : (parseDuration(b.duration) ?? 0);
    const endsAt = b.ends_at === undefined ? undefined : Date.parse(b.ends_at);
    if (length !== undefined && (length <= 0 || length > MAX_SILENCE_MS))
      ctx.addIssue({ code: "custom", path: ["duration"], message: "must be more than 0 and at most 90d" });
    return { matchers: b.matchers, startsAt, endsAt, lengthMs: length, comment: b.comment };
  });

export const silencesQuerySchema = z
  .object({ state: z.enum(["active", "pending", "expired", "current", "all"]).default("current") })
  .strict();

export const silenceParamsSchema = z.object({ id: z.string().min(1).max(64) }).strict();

export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.object({
    institution: z.string().optional(),
    rule: z.string().optional(),
    device: z.string().optional(),
  }),
  starts_at: instant,
  ends_at: instant,
  created_by: z.string(),
  comment: z.string(),
  created_at: instant,
  state: z.enum(["active", "pending", "expired"]),
});

export const silenceListSchema = z.object({ silences: z.array(silenceSchema) });

export { MAX_SILENCE_MS };
