/**
 * Response pieces every service's HTTP API shares: the error body every JISR_ERR_* answer has, and
 * instants as ISO-8601 UTC strings. Route schemas are zod (the kit's zod compilers, @jisr/service-kit).
 */
import { z } from "zod";

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** For a route's `response`: every 4xx and 5xx answer has the error body. */
export const errorResponses = { "4xx": errorBodySchema, "5xx": errorBodySchema };

/** Instants leave as ISO-8601 UTC strings. */
export const instant = z.iso.datetime();
export const iso = (ms: number) => new Date(ms).toISOString();
