/**
 * Reading and writing the users file (YAML, users/schema.ts). Writes go to a temporary file in the same
 * folder, then rename over the old one (mode 0600), so the running service never reads half a file.
 */
import { readFile } from "node:fs/promises";
import { problemsOf, ValidationError } from "@jisr/core/errors";
import { generateToken, hashToken, newTokenId, writePrivateFile } from "@jisr/service-kit";
import { parse, stringify } from "yaml";
import { hashPassword, type ScryptParams } from "./password.js";
import {
  type ApiToken,
  type Language,
  type Role,
  type User,
  type UsersFile,
  usersFileSchema,
} from "./schema.js";

const HEADER = `# Jisr users: who may log in to the web page, with which role and institutions.
# Written by \`jisr user add\` and \`jisr user token\`; schema: services/web/src/users/schema.ts.
# Passwords and API tokens are stored as hashes only.
`;

/** Parses users YAML; throws ValidationError naming every problem as `path: message`. */
export function parseUsers(text: string, source = "(text)"): UsersFile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ValidationError(`users file ${source}`, [{ path: "(yaml)", message: (err as Error).message }]);
  }
  const parsed = usersFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(`users file ${source}`, problemsOf(parsed.error));
  return parsed.data;
}

export async function readUsersFile(path: string): Promise<UsersFile> {
  return parseUsers(await readFile(path, "utf8"), path);
}

/** The file, or an empty one when it does not exist yet. */
async function readOrEmpty(path: string): Promise<UsersFile> {
  try {
    return await readUsersFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, users: [] };
    throw err;
  }
}

export async function writeUsersFile(path: string, content: UsersFile): Promise<void> {
  const checked = usersFileSchema.safeParse(content);
  if (!checked.success) throw new ValidationError(`users for ${path}`, problemsOf(checked.error));
  await writePrivateFile(path, HEADER + stringify(checked.data));
}

export interface NewUser {
  id: string;
  name: string;
  role: Role;
  institutions?: string[];
  language?: Language;
  password: string;
}

/**
 * Adds a user (or, with `replace`, replaces one, keeping their API tokens), creating the file if missing.
 * The password is hashed here and never written.
 */
export async function addUser(
  path: string,
  input: NewUser,
  opts: { replace?: boolean; params?: ScryptParams } = {},
): Promise<User> {
  if (input.password.length < 8) throw new RangeError("the password must be at least 8 characters long");
  const current = await readOrEmpty(path);
  const existing = current.users.find((u) => u.id === input.id);
  if (existing && !opts.replace) {
    throw new RangeError(`user "${input.id}" already exists in ${path}: use --replace to change them`);
  }
  const user = {
    id: input.id,
    name: input.name,
    role: input.role,
    institutions: input.institutions ?? [],
    language: input.language ?? "fr",
    password_hash: await hashPassword(input.password, opts.params),
    tokens: existing?.tokens ?? [],
  };
  const users = existing ? current.users.map((u) => (u === existing ? user : u)) : [...current.users, user];
  await writeUsersFile(path, { ...current, users });
  return user;
}

/** Issues an API token for a user and records its hash; the token is returned once and never stored. */
export async function addApiToken(
  path: string,
  userId: string,
  opts: { note?: string; now?: Date } = {},
): Promise<{ token: string; entry: ApiToken }> {
  const current = await readUsersFile(path);
  const user = current.users.find((u) => u.id === userId);
  if (!user) throw new RangeError(`no user "${userId}" in ${path}: add them first with \`jisr user add\``);
  const token = generateToken();
  const entry: ApiToken = {
    id: newTokenId(),
    sha256: hashToken(token),
    created: (opts.now ?? new Date()).toISOString(),
    ...(opts.note === undefined ? {} : { note: opts.note }),
  };
  const users = current.users.map((u) => (u === user ? { ...u, tokens: [...u.tokens, entry] } : u));
  await writeUsersFile(path, { ...current, users });
  return { token, entry };
}
