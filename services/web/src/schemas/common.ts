/** Pieces shared by the API's schemas: the error body, instants, institution names. */
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
export const iso = (ms: number) => new Date(ms).toISOString();

export const institutionId = idSchema;

export const namesSchema = z.object({ fr: z.string(), ar: z.string(), en: z.string() });
export type Names = z.infer<typeof namesSchema>;

export const languageSchema = z.enum(["fr", "ar", "en"]);

/** A number that may be unknown (no data): null, never 0. */
export const maybe = z.number().nullable();
