/**
 * The set of valid tokens, kept in step with the tokens file while the service runs. The file is polled
 * (stat every `pollMs`) rather than watched: fs.watch loses track of a file replaced by rename, which is
 * exactly how `jisr token new` writes it. A broken or missing file keeps the last good set, with an error
 * logged once per broken version.
 */
import { stat } from "node:fs/promises";
import { readTokensFile } from "./file.js";
import type { TokenEntry } from "./schema.js";
import { TOKEN_PATTERN, TokenIndex } from "./token.js";

/** The two levels used; satisfied by pino and by Fastify's logger. */
export interface RegistryLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TokenRegistryOptions {
  path: string;
  log: RegistryLog;
  /** How often to look for a change, default 1000 ms. */
  pollMs?: number;
}

export class TokenRegistry {
  readonly path: string;
  readonly #log: RegistryLog;
  readonly #pollMs: number;
  /** By token hash: one map lookup per request, however many tokens there are. */
  #index = new TokenIndex<TokenEntry>([]);
  /** Identity of the file version last read (good or bad), to read each version once. */
  #version = "";
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(opts: TokenRegistryOptions) {
    this.path = opts.path;
    this.#log = opts.log;
    this.#pollMs = opts.pollMs ?? 1000;
  }

  /** Reads the file once; throws if it is missing or invalid, so a misconfigured service does not start. */
  async start(): Promise<void> {
    const version = await this.#currentVersion().catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
      throw new Error(
        `tokens file ${this.path} does not exist: create it with \`jisr token new --institution <id> --tokens ${this.path}\``,
        { cause: err },
      );
    });
    await this.#load(version, true);
    this.#timer = setInterval(() => {
      void this.check();
    }, this.#pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get size(): number {
    return this.#index.size;
  }

  /** The institution of a presented token, or undefined when it is malformed or unknown. */
  institutionOf(token: string): string | undefined {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    return this.#index.find(token)?.institution;
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
        this.#log.error({ err, path: this.path }, "Tokens file unreadable; keeping the last good tokens");
      }
      return;
    }
    if (version === this.#version) return;
    try {
      await this.#load(version, false);
    } catch (err) {
      this.#version = version;
      this.#log.error({ err, path: this.path }, "Tokens file is not valid; keeping the last good tokens");
    }
  }

  async #currentVersion(): Promise<string> {
    const s = await stat(this.path);
    // ino changes on rename-replace; mtime and size on an in-place edit.
    return `${s.ino}:${s.mtimeMs}:${s.ctimeMs}:${s.size}`;
  }

  async #load(version: string, first: boolean): Promise<void> {
    const file = await readTokensFile(this.path);
    this.#index = new TokenIndex(file.tokens);
    this.#version = version;
    this.#log.info(
      { path: this.path, tokens: file.tokens.length },
      first ? "Tokens loaded" : "Tokens file changed; tokens reloaded",
    );
  }
}
