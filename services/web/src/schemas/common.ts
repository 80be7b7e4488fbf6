/** Pieces shared by the API's schemas: the error body, instants, institution names. */
import { idSchema } from "@jisr/core";
import { z } from "zod";

export {
  type ErrorBody,
  errorBodySchema,
  errorResponses,
  instant,
  iso,
} from "@jisr/core";

export const institutionId = idSchema;

export const namesSchema = z.object({ fr: z.string(), ar: z.string(), en: z.string() });
export type Names = z.infer<typeof namesSchema>;

export const languageSchema = z.enum(["fr", "ar", "en"]);

/** A number that may be unknown (no data): null, never 0. */
export const maybe = z.number().nullable();
