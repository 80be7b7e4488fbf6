/**
 * The MQTT consumer's durable state, one SQLite file (`--mqtt-state`): what it acknowledged without
 * storing it in InfluxDB, so that nothing acknowledged is lost.
 *
 * - `quarantine`: whole batches whose token was missing, unknown (revoked) or another institution's. The
 *   points may be good; the sender is what is in doubt. Kept with the SHA-256 of the token they came
 *   with (never the token itself, as in the tokens file) until the token is fixed and they are replayed,
 *   or an operator replays them trusting the topic (`jisr ingest-quarantine replay`). Bounded by a number
 *   of batches and of bytes: when full, the OLDEST are dropped, counted, and the caller logs it loudly.
 * - `rejected`: points (or undecodable batches) that can never be stored, with the reason: path, message,
 *   code. The newest `keepRejected` only.
 * - `totals`: per gateway, what happened over the file's whole life, for the gateway's feedback message.
 *
 * WAL and synchronous=FULL: a row committed before the PUBACK survives a power cut. The command line
 * opens the same file while the service runs (busy_timeout), to list and to ask for a replay.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";

/** Bumped when the layout changes meaning; a newer file is refused rather than misread. */
const STATE_FORMAT = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  topic TEXT NOT NULL,
  institution TEXT NOT NULL,
  gateway TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  token_sha256 TEXT,
  payload BLOB NOT NULL,
  points INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  -- Set by \`jisr ingest-quarantine replay\`: 'recheck' (check the token again) or 'trust' (store the
  -- points for the topic's institution whatever the token); the running consumer clears it.
  replay TEXT,
  last_check TEXT
);
CREATE INDEX IF NOT EXISTS quarantine_gateway ON quarantine (institution, gateway);
CREATE TABLE IF NOT EXISTS rejected (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rejected_at INTEGER NOT NULL,
  topic TEXT NOT NULL,
  institution TEXT NOT NULL,
  gateway TEXT NOT NULL,
  code TEXT NOT NULL,
  path TEXT NOT NULL,
  message TEXT NOT NULL,
  item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rejected_gateway ON rejected (institution, gateway);
CREATE TABLE IF NOT EXISTS totals (
  institution TEXT NOT NULL,
  gateway TEXT NOT NULL,
  quarantined_batches INTEGER NOT NULL DEFAULT 0,
  quarantined_points INTEGER NOT NULL DEFAULT 0,
  replayed_batches INTEGER NOT NULL DEFAULT 0,
  replayed_points INTEGER NOT NULL DEFAULT 0,
  dropped_batches INTEGER NOT NULL DEFAULT 0,
  rejected_batches INTEGER NOT NULL DEFAULT 0,
  rejected_points INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (institution, gateway)
) WITHOUT ROWID;
`;

export type ReplayMode = "recheck" | "trust";

export interface QuarantineInput {
  receivedAt: number;
  topic: string;
  institution: string;
  gateway: string;
  code: string;
  reason: string;
  tokenSha256: string | undefined;
  payload: Buffer;
  /** Points in the payload, when it could be counted (0 otherwise). */
  points: number;
}

/** A quarantined batch as listed (the payload left out). */
export interface QuarantineEntry {
  id: number;
  received_at: number;
  topic: string;
  institution: string;
  gateway: string;
  code: string;
  reason: string;
  token_sha256: string | null;
  points: number;
  bytes: number;
  replay: ReplayMode | null;
  last_check: string | null;
}

export interface QuarantinedBatch extends QuarantineEntry {
  payload: Buffer;
}

export interface Rejection {
  code: string;
  /** e.g. `points.3.fields.power_w`, or `(batch)` when the batch could not be read at all. */
  path: string;
  message: string;
  /** The point as sent (JSON), or the start of the payload. */
  item: string;
}

export interface RejectedEntry extends Rejection {
  id: number;
  rejected_at: number;
  topic: string;
  institution: string;
  gateway: string;
}

export interface GatewayTotals {
  quarantined_batches: number;
  quarantined_points: number;
  replayed_batches: number;
  replayed_points: number;
  dropped_batches: number;
  rejected_batches: number;
  rejected_points: number;
}

export interface QuarantineSummary {
  batches: number;
  points: number;
  bytes: number;
}

export interface Gateway {
  institution: string;
  gateway: string;
}

export interface StateOptions {
  path: string;
  /** Most batches kept in quarantine (default 10 000). */
  maxQuarantineBatches?: number;
  /** Most payload bytes kept in quarantine (default 512 MiB). */
  maxQuarantineBytes?: number;
  /** Rejected rows kept, the newest (default 10 000). */
  keepRejected?: number;
}

/** Longest `item` kept for one rejection: enough to recognise the point, never a whole batch. */
const MAX_ITEM_CHARS = 2000;

export class MqttIngestState {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #maxBatches: number;
  readonly #maxBytes: number;
  readonly #keepRejected: number;

  constructor(o: StateOptions) {
    this.path = resolve(o.path);
    this.#maxBatches = o.maxQuarantineBatches ?? 10_000;
    this.#maxBytes = o.maxQuarantineBytes ?? 512 * 1024 * 1024;
    this.#keepRejected = o.keepRejected ?? 10_000;
    mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path, { timeout: 5000 });
    try {
      db.pragma("journal_mode = WAL");
      // FULL: a quarantined batch is acknowledged right after its commit; NORMAL may lose that commit.
      db.pragma("synchronous = FULL");
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > STATE_FORMAT)
        throw new Error(
          `MQTT state file ${this.path} was written by a newer Jisr (format ${version}): upgrade, or move it aside`,
        );
      db.exec(SCHEMA);
      db.pragma(`user_version = ${STATE_FORMAT}`);
    } catch (err) {
      db.close();
      throw err;
    }
    this.#db = db;
  }

  /** Keeps a batch; returns the oldest batches dropped to make room (the caller logs them). */
  quarantine(q: QuarantineInput): QuarantineEntry[] {
    return this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO quarantine (received_at, topic, institution, gateway, code, reason, token_sha256, payload, points, bytes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          q.receivedAt,
          q.topic,
          q.institution,
          q.gateway,
          q.code,
          q.reason,
          q.tokenSha256 ?? null,
          q.payload,
          q.points,
          q.payload.length,
        );
      this.#addTotals(q, { quarantined_batches: 1, quarantined_points: q.points });
      const dropped: QuarantineEntry[] = [];
      for (;;) {
        const s = this.summary();
        if (s.batches <= this.#maxBatches && s.bytes <= this.#maxBytes) break;
        const oldest = this.#db
          .prepare(`DELETE FROM quarantine WHERE id = (SELECT min(id) FROM quarantine) RETURNING ${COLUMNS}`)
          .get() as QuarantineEntry | undefined;
        if (!oldest) break;
        dropped.push(oldest);
        this.#addTotals(oldest, { dropped_batches: 1 });
      }
      return dropped;
    })();
  }

  /** Records points (or whole batches) refused for good, for one batch of one gateway. */
  reject(g: Gateway & { topic: string; at: number }, rejections: readonly Rejection[]): void {
    if (rejections.length === 0) return;
    this.#db.transaction(() => {
      const insert = this.#db.prepare(
        `INSERT INTO rejected (rejected_at, topic, institution, gateway, code, path, message, item)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of rejections)
        insert.run(g.at, g.topic, g.institution, g.gateway, r.code, r.path, r.message, clip(r.item));
      this.#addTotals(g, { rejected_batches: 1, rejected_points: rejections.length });
      const cut = this.#db
        .prepare("SELECT id FROM rejected ORDER BY id DESC LIMIT 1 OFFSET ?")
        .get(this.#keepRejected) as { id: number } | undefined;
      if (cut) this.#db.prepare("DELETE FROM rejected WHERE id <= ?").run(cut.id);
    })();
  }

  /** Quarantined batches, oldest first, without their payload. */
  list(
    filter: { institution?: string; gateway?: string; code?: string; ids?: readonly number[] } = {},
  ): QuarantineEntry[] {
    const { where, args } = whereOf(filter);
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM quarantine ${where} ORDER BY id`)
      .all(...args) as QuarantineEntry[];
  }

  /** One batch with its payload, or undefined if it has gone (replayed or dropped meanwhile). */
  get(id: number): QuarantinedBatch | undefined {
    return this.#db.prepare(`SELECT ${COLUMNS}, payload FROM quarantine WHERE id = ?`).get(id) as
      | QuarantinedBatch
      | undefined;
  }

  /** The batch was stored (its good points) and leaves the quarantine. */
  replayed(entry: QuarantineEntry): void {
    this.#db.transaction(() => {
      const gone = this.#db.prepare("DELETE FROM quarantine WHERE id = ?").run(entry.id);
      if (gone.changes > 0) this.#addTotals(entry, { replayed_batches: 1, replayed_points: entry.points });
    })();
  }

  /** The batch is still refused: it stays, with the outcome of this check; a replay request is answered. */
  checked(id: number, outcome: string): void {
    this.#db.prepare("UPDATE quarantine SET replay = NULL, last_check = ? WHERE id = ?").run(outcome, id);
  }

  /** Asks the running consumer to replay the matching batches; returns how many were marked. */
  requestReplay(
    filter: { institution?: string; gateway?: string; code?: string; ids?: readonly number[] },
    mode: ReplayMode,
  ): number[] {
    const { where, args } = whereOf(filter);
    const rows = this.#db
      .prepare(`UPDATE quarantine SET replay = ?, last_check = NULL ${where} RETURNING id`)
      .all(mode, ...args) as { id: number }[];
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  /** Ids of the batches an operator asked to replay. */
  replayRequests(): { id: number; replay: ReplayMode }[] {
    return this.#db
      .prepare("SELECT id, replay FROM quarantine WHERE replay IS NOT NULL ORDER BY id")
      .all() as {
      id: number;
      replay: ReplayMode;
    }[];
  }

  /** The newest rejections, newest first. */
  rejected(filter: { institution?: string; gateway?: string } = {}, limit = 100): RejectedEntry[] {
    const { where, args } = whereOf(filter);
    return this.#db
      .prepare(
        `SELECT id, rejected_at, topic, institution, gateway, code, path, message, item FROM rejected ${where} ORDER BY id DESC LIMIT ?`,
      )
      .all(...args, limit) as RejectedEntry[];
  }

  summary(filter: { institution?: string; gateway?: string } = {}): QuarantineSummary {
    const { where, args } = whereOf(filter);
    return this.#db
      .prepare(
        `SELECT count(*) AS batches, coalesce(sum(points), 0) AS points, coalesce(sum(bytes), 0) AS bytes FROM quarantine ${where}`,
      )
      .get(...args) as QuarantineSummary;
  }

  /** Waiting batches of one gateway, by code and reason. */
  reasons(g: Gateway): { code: string; reason: string; batches: number; points: number; last_at: number }[] {
    return this.#db
      .prepare(
        `SELECT code, reason, count(*) AS batches, coalesce(sum(points), 0) AS points, max(received_at) AS last_at
         FROM quarantine WHERE institution = ? AND gateway = ? GROUP BY code, reason ORDER BY last_at DESC`,
      )
      .all(g.institution, g.gateway) as {
      code: string;
      reason: string;
      batches: number;
      points: number;
      last_at: number;
    }[];
  }

  totals(g: Gateway): GatewayTotals {
    const row = this.#db
      .prepare(
        "SELECT quarantined_batches, quarantined_points, replayed_batches, replayed_points, dropped_batches, rejected_batches, rejected_points FROM totals WHERE institution = ? AND gateway = ?",
      )
      .get(g.institution, g.gateway) as GatewayTotals | undefined;
    return (
      row ?? {
        quarantined_batches: 0,
        quarantined_points: 0,
        replayed_batches: 0,
        replayed_points: 0,
        dropped_batches: 0,
        rejected_batches: 0,
        rejected_points: 0,
      }
    );
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #addTotals(g: Gateway, add: Partial<GatewayTotals>): void {
    const keys = Object.keys(add) as (keyof GatewayTotals)[];
    this.#db
      .prepare(
        `INSERT INTO totals (institution, gateway, ${keys.join(", ")}) VALUES (?, ?, ${keys.map(() => "?").join(", ")})
         ON CONFLICT (institution, gateway) DO UPDATE SET ${keys.map((k) => `${k} = ${k} + excluded.${k}`).join(", ")}`,
      )
      .run(g.institution, g.gateway, ...keys.map((k) => add[k] ?? 0));
  }
}

const COLUMNS =
  "id, received_at, topic, institution, gateway, code, reason, token_sha256, points, bytes, replay, last_check";

function whereOf(filter: {
  institution?: string;
  gateway?: string;
  code?: string;
  ids?: readonly number[];
}): { where: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  for (const key of ["institution", "gateway", "code"] as const) {
    const value = filter[key];
    if (value === undefined) continue;
    parts.push(`${key} = ?`);
    args.push(value);
  }
  if (filter.ids !== undefined) {
    parts.push(`id IN (${filter.ids.map(() => "?").join(", ") || "NULL"})`);
    args.push(...filter.ids);
  }
  return { where: parts.length === 0 ? "" : `WHERE ${parts.join(" AND ")}`, args };
}

function clip(s: string): string {
  return s.length <= MAX_ITEM_CHARS ? s : `${s.slice(0, MAX_ITEM_CHARS)}… (${s.length} characters)`;
}
