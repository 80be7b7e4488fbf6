/** Pieces shared by the API's schemas: the error body, instants, ids. */
import { idSchema } from "@jisr/core/point";
import { z } from "zod";

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const errorResponses = { "4xx": errorBodySchema, "5xx": errorBodySchema };

/** Instants leave as ISO-8601 UTC strings. */
export const instant = z.iso.datetime();
export const nullableInstant = instant.nullable();

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** An instant in a query or body: ISO-8601 with an offset ("2026-11-29T10:00:00Z"). */
export const instantInput = z.iso.datetime({
  offset: true,
  error: "must be an ISO-8601 date-time, e.g. 2026-11-29T10:00:00Z",
});

export const institutionParam = idSchema;
