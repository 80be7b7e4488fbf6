/**
 * The durable alert state: alerts, silences and the notification log in one SQLite file
 * (better-sqlite3, WAL, synchronous=FULL). One evaluation is one transaction: new alert states, the
 * notifications decided and their deliveries are committed together, so after a crash nothing decided is
 * lost and nothing already sent is decided again. What was decided but not yet marked sent is sent after
 * the restart: delivery is at-least-once, and every message carries its idempotency key.
 */
import Database from "better-sqlite3";
import type { Delivery, DueDelivery, PlannedDelivery } from "../delivery/types.js";
import type { Alert, AlertState, Notification, Severity, Silence } from "../engine/types.js";
import {
  ALERT_COLUMNS,
  type AlertRow,
  alertToRow,
  type DeliveryRow,
  type NotificationRow,
  rowToAlert,
  rowToDelivery,
  rowToNotification,
  rowToSilence,
  type SilenceRow,
  silenceToRow,
} from "./rows.js";
import { SCHEMA, SCHEMA_VERSION } from "./schema.js";

/** What one evaluation changes, written in one transaction. */
export interface EvaluationCommit {
  /** Alerts created or changed (including those marked notified). */
  upserts: readonly Alert[];
  /** Pending alerts to forget. */
  drops: readonly string[];
  notifications: readonly Notification[];
  deliveries: readonly PlannedDelivery[];
}

export interface AlertFilter {
  /** Only these institutions; undefined for all. */
  institutions?: readonly string[];
  /** "open": pending or firing. */
  state?: AlertState | "open";
  severity?: Severity;
  limit?: number;
}

/** Acknowledgements are written by `acknowledge` only, so an evaluation never overwrites one. */
const ACK_COLUMNS: readonly string[] = ["acked_by", "acked_at", "ack_comment"];

/** `IN (?, ?, ?)` for a list, so filters stay parameterised. */
function inList(values: readonly string[]): string {
  return `(${values.map(() => "?").join(", ")})`;
}

export class AlertStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #upsertAlert: Database.Statement;

  /** Opens (creating if needed) the state file; ":memory:" for a store that lives with the process. */
  constructor(path: string) {
    this.path = path;
    const db = new Database(path);
    // WAL lets the API read while an evaluation writes; FULL, because NORMAL may lose the last commits on
    // power loss, and a lost commit here is a notification sent twice or an acknowledgement forgotten.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new Error(
        `alert state file ${path} was written by a newer Jisr (schema ${version} > ${SCHEMA_VERSION}): upgrade, or move the file aside`,
      );
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.#db = db;
    const columns = ALERT_COLUMNS.join(", ");
    const values = ALERT_COLUMNS.map((c) => `@${c}`).join(", ");
    const updates = ALERT_COLUMNS.filter((c) => c !== "id" && !ACK_COLUMNS.includes(c))
      .map((c) => `${c} = excluded.${c}`)
      .join(", ");
    this.#upsertAlert = db.prepare(
      `INSERT INTO alerts (${columns}) VALUES (${values}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
    );
  }

  /** Runs `fn` in one transaction (nested calls become savepoints): read, decide and commit at once. */
  atomically<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  // --- alerts

  openAlerts(): Alert[] {
    const rows = this.#db.prepare("SELECT * FROM alerts WHERE state != 'resolved'").all() as AlertRow[];
    return rows.map(rowToAlert);
  }

  getAlert(id: string): Alert | undefined {
    const row = this.#db.prepare("SELECT * FROM alerts WHERE id = ?").get(id) as AlertRow | undefined;
    return row && rowToAlert(row);
  }

  /** Newest first (by first seen). */
  listAlerts(filter: AlertFilter = {}): Alert[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.institutions) {
      if (filter.institutions.length === 0) return [];
      where.push(`institution IN ${inList(filter.institutions)}`);
      params.push(...filter.institutions);
    }
    if (filter.state === "open") where.push("state != 'resolved'");
    else if (filter.state) {
      where.push("state = ?");
      params.push(filter.state);
    }
    if (filter.severity) {
      where.push("severity = ?");
      params.push(filter.severity);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY active_since DESC, id LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, filter.limit ?? 1000) as AlertRow[];
    return rows.map(rowToAlert);
  }

  /** Alerts that fired in [from, to), for reports. */
  firedBetween(from: number, to: number, institutions?: readonly string[]): Alert[] {
    const scope = institutions ? `AND institution IN ${inList(institutions)}` : "";
    if (institutions?.length === 0) return [];
    const rows = this.#db
      .prepare(`SELECT * FROM alerts WHERE firing_since >= ? AND firing_since < ? ${scope}`)
      .all(from, to, ...(institutions ?? [])) as AlertRow[];
    return rows.map(rowToAlert);
  }

  /** Records an acknowledgement; returns the alert as it now is, or undefined when there is no such alert. */
  acknowledge(id: string, ack: NonNullable<Alert["ack"]>): Alert | undefined {
    this.#db
      .prepare("UPDATE alerts SET acked_by = ?, acked_at = ?, ack_comment = ? WHERE id = ?")
      .run(ack.by, ack.at, ack.comment, id);
    return this.getAlert(id);
  }

  // --- silences

  addSilence(silence: Silence): void {
    this.#db
      .prepare(
        `INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at)
         VALUES (@id, @matchers, @starts_at, @ends_at, @created_by, @comment, @created_at)`,
      )
      .run(silenceToRow(silence));
  }

  getSilence(id: string): Silence | undefined {
    const row = this.#db.prepare("SELECT * FROM silences WHERE id = ?").get(id) as SilenceRow | undefined;
    return row && rowToSilence(row);
  }

  /** Silences not yet ended at `now` (including future ones), or all of them. */
  listSilences(now: number, includeEnded = false): Silence[] {
    const sql = `SELECT * FROM silences ${includeEnded ? "" : "WHERE ends_at > ?"} ORDER BY created_at DESC`;
    const rows = (
      includeEnded ? this.#db.prepare(sql).all() : this.#db.prepare(sql).all(now)
    ) as SilenceRow[];
    return rows.map(rowToSilence);
  }

  /** Ends a silence now (kept for the record); returns it, or undefined when unknown. */
  endSilence(id: string, now: number): Silence | undefined {
    this.#db.prepare("UPDATE silences SET ends_at = MIN(ends_at, ?) WHERE id = ?").run(now, id);
    return this.getSilence(id);
  }

  // --- evaluations and the notification log

  commit(c: EvaluationCommit): void {
    const insertNotification = this.#db.prepare(
      "INSERT INTO notifications (id, institution, created_at, items) VALUES (?, ?, ?, ?)",
    );
    const insertDelivery = this.#db.prepare(
      `INSERT INTO deliveries (notification_id, recipient, channel, address, language, min_severity,
         idempotency_key, status, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
    );
    const drop = this.#db.prepare("DELETE FROM alerts WHERE id = ? AND state = 'pending'");
    this.#db.transaction(() => {
      for (const id of c.drops) drop.run(id);
      for (const alert of c.upserts) this.#upsertAlert.run(alertToRow(alert));
      for (const n of c.notifications) {
        insertNotification.run(n.id, n.institution, n.createdAt, JSON.stringify(n.items));
      }
      for (const d of c.deliveries) {
        const createdAt = c.notifications.find((n) => n.id === d.notificationId)?.createdAt ?? 0;
        insertDelivery.run(
          d.notificationId,
          d.recipient,
          d.channel,
          d.address,
          d.language,
          d.minSeverity,
          d.idempotencyKey,
          createdAt,
        );
      }
    })();
  }

  /** Pending deliveries whose next attempt is due, oldest first, with their notification. */
  dueDeliveries(now: number, limit = 100): DueDelivery[] {
    const rows = this.#db
      .prepare(
        `SELECT d.*, n.institution AS n_institution, n.created_at AS n_created_at, n.items AS n_items
         FROM deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      )
      .all(now, limit) as Array<
      DeliveryRow & { n_institution: string; n_created_at: number; n_items: string }
    >;
    return rows.map((r) => ({
      delivery: rowToDelivery(r),
      notification: rowToNotification({
        id: r.notification_id,
        institution: r.n_institution,
        created_at: r.n_created_at,
        items: r.n_items,
      } satisfies NotificationRow),
    }));
  }

  /** The earliest next attempt of a pending delivery, if any. */
  nextDueAt(): number | undefined {
    const row = this.#db
      .prepare("SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'")
      .get() as { at: number | null };
    return row.at ?? undefined;
  }

  markSent(id: number, attempts: number, now: number): void {
    this.#db
      .prepare(
        "UPDATE deliveries SET status = 'sent', attempts = ?, sent_at = ?, last_error = NULL WHERE id = ?",
      )
      .run(attempts, now, id);
  }

  markRetry(id: number, attempts: number, nextAttemptAt: number, error: string): void {
    this.#db
      .prepare("UPDATE deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
      .run(attempts, nextAttemptAt, error, id);
  }

  markFailed(id: number, attempts: number, error: string): void {
    this.#db
      .prepare("UPDATE deliveries SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?")
      .run(attempts, error, id);
  }

  /** The notification log, oldest first. */
  deliveries(filter: { status?: Delivery["status"]; notificationId?: string } = {}): Delivery[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM deliveries WHERE (@status IS NULL OR status = @status)
           AND (@notification IS NULL OR notification_id = @notification) ORDER BY id`,
      )
      .all({ status: filter.status ?? null, notification: filter.notificationId ?? null }) as DeliveryRow[];
    return rows.map(rowToDelivery);
  }

  notifications(): Notification[] {
    const rows = this.#db
      .prepare("SELECT * FROM notifications ORDER BY created_at, rowid")
      .all() as NotificationRow[];
    return rows.map(rowToNotification);
  }
}
