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

/**
 * Entries by the hash of their token, for a lookup whose cost does not grow with the number of tokens
 * (`findByHash` compares against every entry). The map is keyed by the SHA-256 of the presented token, so
 * how long the lookup takes depends on a hash the sender cannot steer, never on how close a guess is;
 * the entry found is then confirmed with a constant-time comparison of the two digests.
 */
export class TokenIndex<T extends { sha256: string }> {
  readonly #byHash = new Map<string, { entry: T; digest: Buffer }>();

  constructor(entries: readonly T[]) {
    for (const entry of entries) {
      // The first entry wins on a repeated hash, as in findByHash (the file schema refuses repeats anyway).
      if (!this.#byHash.has(entry.sha256))
        this.#byHash.set(entry.sha256, { entry, digest: Buffer.from(entry.sha256, "hex") });
    }
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** The entry of a presented token, or undefined. */
  find(presented: string): T | undefined {
    const hex = hashToken(presented);
    const found = this.#byHash.get(hex);
    if (found === undefined) return undefined;
    const digest = Buffer.from(hex, "hex");
    return found.digest.length === digest.length && timingSafeEqual(found.digest, digest)
      ? found.entry
      : undefined;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}
