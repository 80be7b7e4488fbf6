/**
 * Reading and writing the tokens file (JSON, see schemas/tokens.ts). Writes go to a temporary file in the
 * same folder, then rename over the old one, so the running service never reads half a file.
 */
import { readFile } from "node:fs/promises";
import { problemsOf, ValidationError } from "@jisr/core/errors";
import { writePrivateFile } from "../private-file.js";
import { type TokenEntry, type TokensFile, tokensFileSchema } from "./schema.js";
import { generateToken, hashToken, newTokenId } from "./token.js";

/**
 * Reads and validates the file; throws ValidationError naming every problem, or the fs error. With
 * `emptyIsEmpty`, a file holding nothing but whitespace is a registry without tokens (as `touch
 * tokens.json` leaves it); the running service does not ask for that, so an emptied file keeps its last
 * good tokens rather than refusing every sender.
 */
export async function readTokensFile(
  path: string,
  opts: { emptyIsEmpty?: boolean } = {},
): Promise<TokensFile> {
  const text = await readFile(path, "utf8");
  if (opts.emptyIsEmpty && text.trim() === "") return { version: 1, tokens: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`tokens file ${path}`, [{ path: "(root)", message: (err as Error).message }]);
  }
  const parsed = tokensFileSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`tokens file ${path}`, problemsOf(parsed.error));
  return parsed.data;
}

/** Replaces the file atomically with mode 0600 (it holds hashes only, but who may write matters). */
export async function writeTokensFile(path: string, content: TokensFile): Promise<void> {
  const parsed = tokensFileSchema.safeParse(content);
  if (!parsed.success) throw new ValidationError(`tokens for ${path}`, problemsOf(parsed.error));
  await writePrivateFile(path, `${JSON.stringify(parsed.data, null, 2)}\n`);
}

export interface NewToken {
  token: string;
  entry: TokenEntry;
}

/**
 * Issues a token for one institution and records its hash, creating the file if missing. The token is
 * returned once and never stored.
 */
export async function addToken(
  path: string,
  institution: string,
  opts: { note?: string; now?: Date } = {},
): Promise<NewToken> {
  const current = await readTokensFile(path, { emptyIsEmpty: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return { version: 1 as const, tokens: [] };
    throw err;
  });
  const token = generateToken();
  const entry: TokenEntry = {
    id: newTokenId(),
    institution,
    sha256: hashToken(token),
    created: (opts.now ?? new Date()).toISOString(),
    ...(opts.note === undefined ? {} : { note: opts.note }),
  };
  await writeTokensFile(path, { ...current, tokens: [...current.tokens, entry] });
  return { token, entry };
}
