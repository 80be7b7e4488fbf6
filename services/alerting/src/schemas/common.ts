/** Pieces shared by the API's schemas: the error body, instants, ids. */
import { idSchema, instant, iso } from "@jisr/core";
import { z } from "zod";

export {
  type ErrorBody,
  errorBodySchema,
  errorResponses,
  instant,
  iso,
} from "@jisr/core";

export const nullableInstant = instant.nullable();

export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** An instant in a query or body: ISO-8601 with an offset ("2026-11-29T10:00:00Z"). */
export const instantInput = z.iso.datetime({
  offset: true,
  error: "must be an ISO-8601 date-time, e.g. 2026-11-29T10:00:00Z",
});

export const institutionParam = idSchema;
