/** Schemas of /api/v1/login, /api/v1/logout and /api/v1/me. */
import { z } from "zod";
import { ROLES } from "../users/schema.js";
import { languageSchema } from "./common.js";
import { institutionSchema } from "./institutions.js";

export const loginBodySchema = z
  .object({
    // Ids are lower-case; a phone's keyboard capitalises the first letter.
    id: z.string().trim().min(1, "must not be empty").max(64).toLowerCase(),
    password: z.string().min(1, "must not be empty").max(1024),
  })
  .strict();

export const meSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  language: languageSchema,
  /** How this request was authenticated. */
  via: z.enum(["session", "token"]),
  institutions: z.array(institutionSchema),
  /** What the page may offer. */
  can: z.object({ programme: z.boolean(), acknowledge: z.boolean(), programme_reports: z.boolean() }),
});
export type MeJson = z.infer<typeof meSchema>;

export const loginResponseSchema = z.object({ user: meSchema, expires_at: z.iso.datetime() });
