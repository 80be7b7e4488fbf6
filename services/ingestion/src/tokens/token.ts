/**
 * Token format and hashing. A token is `jisr_` + 32 random bytes in base64url (43 characters): long enough
 * that a stored SHA-256 (no salt, no slow hash) is safe, since nobody can guess 256 random bits.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_PATTERN = /^jisr_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return `jisr_${randomBytes(32).toString("base64url")}`;
}

export function newTokenId(): string {
  return `tok_${randomBytes(6).toString("hex")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Finds the entry whose hash matches, comparing against every entry in constant time, so neither the
 * position of a match nor a partial match shows in the response time.
 */
export function findByHash<T extends { sha256: string }>(
  entries: readonly T[],
  presented: string,
): T | undefined {
  const hash = Buffer.from(hashToken(presented), "hex");
  let found: T | undefined;
  for (const entry of entries) {
    const candidate = Buffer.from(entry.sha256, "hex");
    if (candidate.length === hash.length && timingSafeEqual(candidate, hash) && found === undefined)
      found = entry;
  }
  return found;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}
