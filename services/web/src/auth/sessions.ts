/**
 * Server-side sessions: the cookie holds a random id (256 bits), the server keeps only its SHA-256 with
 * the user and the expiry. Logging out deletes the entry, so a stolen cookie dies with it, which a signed
 * stateless cookie cannot do. Sessions live in memory: a restart logs everyone out, which is acceptable
 * for one process serving a few hundred people. A session ends after `ttlMs` (absolute) or `idleMs`
 * without a request, whichever comes first.
 */
import { createHash, randomBytes } from "node:crypto";

export interface SessionOptions {
  /** Absolute lifetime, default 12 h. */
  ttlMs?: number;
  /** Ends after this long without a request, default 2 h. */
  idleMs?: number;
  clock: () => number;
}

export interface Session {
  userId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

const hash = (id: string) => createHash("sha256").update(id, "utf8").digest("hex");

export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  readonly ttlMs: number;
  readonly idleMs: number;
  readonly #clock: () => number;
  readonly #sessions = new Map<string, Session>();

  constructor(opts: SessionOptions) {
    this.ttlMs = opts.ttlMs ?? 12 * 3_600_000;
    this.idleMs = opts.idleMs ?? 2 * 3_600_000;
    this.#clock = opts.clock;
  }

  /** Opens a session; returns the id to put in the cookie (never stored). */
  create(userId: string): { id: string; session: Session } {
    const now = this.#clock();
    this.#purge(now);
    const id = randomBytes(32).toString("base64url");
    const session = { userId, createdAt: now, expiresAt: now + this.ttlMs, lastSeenAt: now };
    this.#sessions.set(hash(id), session);
    return { id, session };
  }

  /** The live session of a cookie value (and marks it seen), or undefined. */
  get(id: string): Session | undefined {
    if (!SESSION_ID_PATTERN.test(id)) return undefined;
    const key = hash(id);
    const session = this.#sessions.get(key);
    const now = this.#clock();
    if (!session) return undefined;
    if (!this.#alive(session, now)) {
      this.#sessions.delete(key);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  destroy(id: string): void {
    this.#sessions.delete(hash(id));
  }

  /** Ends every session of a user (password changed, user removed). */
  destroyUser(userId: string): void {
    for (const [key, s] of this.#sessions) if (s.userId === userId) this.#sessions.delete(key);
  }

  get size(): number {
    return this.#sessions.size;
  }

  #alive(s: Session, now: number): boolean {
    return now < s.expiresAt && now - s.lastSeenAt < this.idleMs;
  }

  #purge(now: number): void {
    for (const [key, s] of this.#sessions) if (!this.#alive(s, now)) this.#sessions.delete(key);
  }
}
