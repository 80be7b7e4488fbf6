/**
 * Layout of the alert state file (SQLite). Alerts, silences and the notification log live in one file,
 * so one transaction records an evaluation's new states together with the messages it decided to send
 * (the transactional outbox): a restart finds either both or neither.
 *
 * - `alerts`: one row per episode; at most one open (pending or firing) row per fingerprint.
 * - `silences`: kept after they end, for the record; "deleting" one ends it now.
 * - `notifications`: what was decided, per institution and evaluation, as JSON (the alerts as they were).
 * - `deliveries`: one row per recipient and channel of a notification, with where it goes and in which
 *   language (fixed when decided), its idempotency key, its state (pending → sent | failed), the attempts
 *   made and the last error.
 */

export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  institution TEXT NOT NULL,
  device TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'info')),
  active_since INTEGER NOT NULL,
  firing_since INTEGER,
  resolved_at INTEGER,
  clear_since INTEGER,
  last_seen_at INTEGER NOT NULL,
  detail TEXT NOT NULL,
  acked_by TEXT,
  acked_at INTEGER,
  ack_comment TEXT,
  notified_at INTEGER,
  last_notified_at INTEGER,
  notified_severity TEXT,
  notify_count INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_open_fingerprint ON alerts (fingerprint) WHERE state != 'resolved';
CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, institution);
CREATE INDEX IF NOT EXISTS alerts_by_firing_since ON alerts (firing_since);

CREATE TABLE IF NOT EXISTS silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS silences_by_end ON silences (ends_at);

CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  institution TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  items TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  notification_id TEXT NOT NULL REFERENCES notifications (id),
  recipient TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'mqtt')),
  address TEXT NOT NULL,
  language TEXT NOT NULL,
  min_severity TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  sent_at INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
`;
