/**
 * The tokens file: one entry per issued token, the token itself never stored, only its SHA-256.
 * Written by `jisr token new`, read (and re-read on change) by the running service.
 */
import { idSchema } from "@jisr/core";
import { z } from "zod";

export const tokenEntrySchema = z
  .object({
    id: z.string().regex(/^tok_[0-9a-f]{8,32}$/, "must be tok_ followed by 8 to 32 hex digits"),
    institution: idSchema,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits (SHA-256 of the token)"),
    created: z.iso.datetime({
      offset: true,
      message: "must be an ISO-8601 date-time, e.g. 2026-11-29T10:00:00Z",
    }),
    note: z.string().max(200).optional(),
  })
  .strict();
export type TokenEntry = z.infer<typeof tokenEntrySchema>;

export const tokensFileSchema = z
  .object({
    version: z.literal(1).default(1),
    tokens: z.array(tokenEntrySchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.tokens.forEach((t, i) => {
      for (const key of ["id", "sha256"] as const) {
        const first = seen.get(`${key}:${t[key]}`);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["tokens", i, key],
            message: `duplicates tokens.${first}.${key}`,
          });
        } else seen.set(`${key}:${t[key]}`, i);
      }
    });
  });
export type TokensFile = z.infer<typeof tokensFileSchema>;
