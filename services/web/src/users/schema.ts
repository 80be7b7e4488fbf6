/**
 * The users file (YAML): ONE strict zod schema. Per user: login id, name, role, institutions, language,
 * password hash (users/password.ts) and the hashes of the API tokens issued to them. Written by
 * `jisr user add` / `jisr user token`; read (and re-read on change) by the web service.
 *
 * Roles (README "Access control"): `ministry` sees every institution; `manager` and `technician` see the
 * institutions listed; technicians (and the ministry) acknowledge alerts. The fourth role, `gateway`
 * (write for one institution), is not a user: it is an ingestion token (`jisr token new`), so the file
 * refuses it with that advice.
 */

import { idSchema, strictObject } from "@jisr/core";
import { z } from "zod";
import { HASH_PATTERN } from "./password.js";

export const ROLES = ["ministry", "manager", "technician"] as const;
export type Role = (typeof ROLES)[number];

export const LANGUAGES = ["fr", "ar", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export const userIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    "must be lower-case letters, digits, '.', '-' or '_' (max 63), starting with a letter or digit",
  );

const roleSchema = z.string().transform((role, ctx) => {
  if ((ROLES as readonly string[]).includes(role)) return role as Role;
  ctx.addIssue({
    code: "custom",
    message:
      role === "gateway"
        ? "gateway is not a user role: a gateway writes with an ingestion token (`jisr token new --institution ID`)"
        : `must be one of ${ROLES.join(", ")}`,
  });
  return z.NEVER;
});

export const apiTokenSchema = strictObject({
  id: z.string().regex(/^tok_[0-9a-f]{8,32}$/, "must be tok_ followed by 8 to 32 hex digits"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits (SHA-256 of the token)"),
  created: z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" }),
  note: z.string().max(200).optional().describe("What the token is for (which script, which machine)."),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const userSchema = strictObject({
  id: userIdSchema.describe("Login id."),
  name: z
    .string()
    .min(1, "must not be empty")
    .max(120)
    .describe("Shown on the page and on acknowledgements."),
  role: roleSchema.describe(`One of ${ROLES.join(", ")}.`),
  institutions: z
    .array(idSchema)
    .default([])
    .describe(
      "Institutions a manager or technician sees (ids of the institutions file); none for the ministry.",
    ),
  language: z.enum(LANGUAGES).default("fr").describe("Language of the page at first login."),
  password_hash: z
    .string()
    .regex(HASH_PATTERN, "must be a hash written by `jisr user add` ($scrypt$ln=..,r=..,p=..$salt$hash)")
    .describe("scrypt hash of the password, with its salt and parameters; never the password."),
  tokens: z.array(apiTokenSchema).default([]).describe("API tokens issued to this user (hashes only)."),
}).superRefine((user, ctx) => {
  if (user.role === "ministry" && user.institutions.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["institutions"],
      message: "must be empty for the ministry, which sees every institution",
    });
  }
  if (user.role !== "ministry" && user.institutions.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["institutions"],
      message: `must list at least one for a ${user.role}`,
    });
  }
  const seen = new Set<string>();
  for (const [i, id] of user.institutions.entries()) {
    if (seen.has(id)) ctx.addIssue({ code: "custom", path: ["institutions", i], message: "is listed twice" });
    seen.add(id);
  }
});
export type User = z.output<typeof userSchema>;
export type UserInput = z.input<typeof userSchema>;

export const usersFileSchema = strictObject({
  version: z.literal(1).default(1),
  users: z.array(userSchema).default([]),
}).superRefine((file, ctx) => {
  const seen = new Map<string, string>();
  const claim = (key: string, path: (string | number)[]) => {
    const first = seen.get(key);
    if (first) ctx.addIssue({ code: "custom", path, message: `duplicates ${first}` });
    else seen.set(key, path.join("."));
  };
  for (const [i, user] of file.users.entries()) {
    claim(`user:${user.id}`, ["users", i, "id"]);
    for (const [j, token] of user.tokens.entries()) {
      claim(`token:${token.id}`, ["users", i, "tokens", j, "id"]);
      claim(`sha:${token.sha256}`, ["users", i, "tokens", j, "sha256"]);
    }
  }
});
export type UsersFile = z.output<typeof usersFileSchema>;

/** JSON Schema of the file as written, for editor completion. */
export function usersJsonSchema(): unknown {
  return z.toJSONSchema(usersFileSchema, { io: "input", unrepresentable: "any" });
}
