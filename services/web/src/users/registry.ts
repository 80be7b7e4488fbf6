/**
 * The users, kept in step with the users file while the service runs (as the ingestion service's token
 * registry: stat every `pollMs`, since fs.watch loses a file replaced by rename, which is how `jisr user
 * add` writes). A broken file keeps the last good users, with an error logged once per broken version.
 * Users naming an institution the institutions file does not know are refused at start, so a typo does
 * not silently lock a manager out.
 */
import { stat } from "node:fs/promises";
import { ValidationError } from "@jisr/core/errors";
import { findByHash, TOKEN_PATTERN } from "@jisr/service-kit";
import type { Logger } from "pino";
import { readUsersFile } from "./file.js";
import { DEFAULT_PARAMS, dummyHash, parseHash } from "./password.js";
import type { User, UsersFile } from "./schema.js";

export interface UsersRegistryOptions {
  path: string;
  log: Logger;
  /** Ids of the institutions that exist. */
  institutions: ReadonlySet<string>;
  /** How often to look for a change, default 1000 ms. */
  pollMs?: number;
}

export class UsersRegistry {
  readonly path: string;
  readonly #opts: UsersRegistryOptions;
  #byId = new Map<string, User>();
  #tokens: Array<{ sha256: string; user: string }> = [];
  #version = "";
  #dummy: Promise<string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(opts: UsersRegistryOptions) {
    this.path = opts.path;
    this.#opts = opts;
  }

  /** Reads the file once; throws if it is missing or invalid, so a misconfigured service does not start. */
  async start(): Promise<void> {
    const version = await this.#currentVersion().catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
      throw new Error(
        `users file ${this.path} does not exist: create it with \`jisr user add --users ${this.path} --id <id> --role ministry\``,
        { cause: err },
      );
    });
    await this.#load(version, true);
    this.#timer = setInterval(() => {
      void this.check();
    }, this.#opts.pollMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): User | undefined {
    return this.#byId.get(id);
  }

  /** The user an API token belongs to, or undefined when the token is malformed or unknown. */
  userOfToken(token: string): User | undefined {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const entry = findByHash(this.#tokens, token);
    return entry && this.#byId.get(entry.user);
  }

  /** A hash with the users' own cost, checked for unknown ids so they answer as slowly as known ones. */
  dummyHash(): Promise<string> {
    const first = this.#byId.values().next().value;
    this.#dummy ??= dummyHash(first ? parseHash(first.password_hash).params : DEFAULT_PARAMS);
    return this.#dummy;
  }

  /** Re-reads the file if it changed since the last read. Never throws; concurrent calls share one check. */
  check(): Promise<void> {
    this.#checking ??= this.#checkOnce().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #checkOnce(): Promise<void> {
    let version: string;
    try {
      version = await this.#currentVersion();
    } catch (err) {
      if (this.#version !== "missing") {
        this.#version = "missing";
        this.#opts.log.error({ err, path: this.path }, "Users file unreadable; keeping the last good users");
      }
      return;
    }
    if (version === this.#version) return;
    try {
      await this.#load(version, false);
    } catch (err) {
      this.#version = version;
      this.#opts.log.error({ err, path: this.path }, "Users file is not valid; keeping the last good users");
    }
  }

  async #currentVersion(): Promise<string> {
    const s = await stat(this.path);
    // ino changes on rename-replace; mtime and size on an in-place edit.
    return `${s.ino}:${s.mtimeMs}:${s.ctimeMs}:${s.size}`;
  }

  async #load(version: string, first: boolean): Promise<void> {
    const file = await readUsersFile(this.path);
    this.#checkInstitutions(file);
    this.#byId = new Map(file.users.map((u) => [u.id, u]));
    this.#tokens = file.users.flatMap((u) => u.tokens.map((t) => ({ sha256: t.sha256, user: u.id })));
    this.#version = version;
    this.#opts.log.info(
      { path: this.path, users: file.users.length },
      first ? "Users loaded" : "Users file changed; users reloaded",
    );
  }

  #checkInstitutions(file: UsersFile): void {
    const problems = file.users.flatMap((u, i) =>
      u.institutions
        .map((id, j) => ({ id, j }))
        .filter(({ id }) => !this.#opts.institutions.has(id))
        .map(({ id, j }) => ({
          path: `users.${i}.institutions.${j}`,
          message: `"${id}" is not an institution of the institutions file`,
        })),
    );
    if (problems.length > 0) throw new ValidationError(`users file ${this.path}`, problems);
  }
}
