/**
 * <data_dir>/status.json: what the running gateway knows about itself, rewritten every few seconds, so
 * `jisr gateway status` can show it without talking to the process. Written atomically (a temporary
 * file renamed over the old one), so a reader never sees half a file. Its age, its `stopped_at` and its
 * pid tell whether the gateway is still running.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const STATUS_FILE = "status.json";
export const OUTBOX_FILE = "outbox.sqlite";
/** Bumped when a field changes meaning; readers refuse formats they do not know. */
export const STATUS_FORMAT = 1;

const fieldValue = z.union([z.number(), z.string(), z.boolean()]);

const deviceSchema = z.object({
  id: z.string(),
  state: z.enum(["starting", "online", "offline"]),
  reason: z.string().optional(),
  since: z.number(),
  polls: z.number(),
  failed_polls: z.number(),
  last_poll_at: z.number().optional(),
  last_success_at: z.number().optional(),
  last_points: z.number().optional(),
  last_poll_ms: z.number().optional(),
  last_error: z.string().optional(),
  last_error_at: z.number().optional(),
  next_retry_at: z.number().optional(),
  last_values: z
    .array(
      z.object({
        measurement: z.string(),
        tags: z.record(z.string(), z.string()),
        fields: z.record(z.string(), fieldValue),
      }),
    )
    .optional(),
});

export const statusSchema = z.object({
  format: z.literal(STATUS_FORMAT),
  institution: z.string(),
  gateway_id: z.string(),
  pid: z.number().int(),
  started_at: z.number(),
  written_at: z.number(),
  /** Set by a clean stop; absent while running, and after a crash. */
  stopped_at: z.number().optional(),
  /** How often the file is rewritten, ms: an older file means the gateway is gone. */
  status_interval_ms: z.number(),
  /** Polled devices first, then MQTT devices. */
  devices: z.array(deviceSchema),
  /** The broker of the MQTT devices, when the config has some. */
  mqtt: z
    .object({
      broker: z.string(),
      embedded: z.boolean(),
      connected: z.boolean(),
      last_error: z.string().optional(),
    })
    .optional(),
  /** Shared one-at-a-time Modbus lines (RS-485, TCP-to-RTU converters) and their load (run/line-load.ts). */
  lines: z
    .array(
      z.object({
        where: z.string(),
        window_ms: z.number(),
        busy_ms: z.number(),
        interval_ms: z.number(),
        busy_per_interval_ms: z.number(),
        units: z.array(
          z.object({
            unit: z.number(),
            devices: z.array(z.string()),
            busy_ms: z.number(),
            requests: z.number(),
            timeouts: z.number(),
          }),
        ),
      }),
    )
    .optional(),
  queue: z.object({
    kind: z.enum(["sqlite", "memory"]),
    path: z.string().optional(),
    max_bytes: z.number().optional(),
    points: z.number(),
    bytes: z.number(),
    oldest_queued_at: z.number().optional(),
    dropped_total: z.number(),
  }),
  uplink: z.object({
    url: z.string(),
    delivered_points: z.number(),
    delivered_batches: z.number(),
    rejected_points: z.number(),
    failures: z.number(),
    failures_total: z.number(),
    last_delivery_at: z.number().optional(),
    last_error: z.string().optional(),
    retry_at: z.number().optional(),
    /** MQTT uplink only. */
    connected: z.boolean().optional(),
    connection_error: z.string().optional(),
    in_flight_points: z.number().optional(),
  }),
});

export type GatewayStatusFile = z.output<typeof statusSchema>;

/** Replaces <dir>/status.json in one rename. Throws on I/O errors (the caller logs them). */
export function writeStatusFile(dir: string, status: GatewayStatusFile): void {
  const path = join(dir, STATUS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(temporary, path);
}

export type StatusRead =
  | { kind: "ok"; status: GatewayStatusFile }
  | { kind: "missing" }
  | { kind: "invalid"; message: string };

export function readStatusFile(dir: string): StatusRead {
  const path = join(dir, STATUS_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    return { kind: "invalid", message: `cannot read "${path}": ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", message: `"${path}" is not JSON: ${(err as Error).message}` };
  }
  const parsed = statusSchema.safeParse(raw);
  if (parsed.success) return { kind: "ok", status: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  return { kind: "invalid", message: `"${path}" is not a status file this version knows: ${problems[0]}` };
}

export type Liveness =
  | { running: true }
  | { running: false; why: "stopped" | "stale" | "gone"; since: number };

/** A status file is stale after three missed rewrites (at least 15 s, for slow disks). */
export function staleAfterMs(status: GatewayStatusFile): number {
  return Math.max(3 * status.status_interval_ms, 15_000);
}

/**
 * Whether the gateway that wrote `status` still runs: not stopped cleanly, the file is fresh, and its
 * process exists. `pidAlive` is a parameter so tests can pin it.
 */
export function liveness(
  status: GatewayStatusFile,
  now: number,
  pidAlive: (pid: number) => boolean = processExists,
): Liveness {
  if (status.stopped_at !== undefined) return { running: false, why: "stopped", since: status.stopped_at };
  if (now - status.written_at > staleAfterMs(status))
    return { running: false, why: "stale", since: status.written_at };
  if (!pidAlive(status.pid)) return { running: false, why: "gone", since: status.written_at };
  return { running: true };
}

/** kill(pid, 0) checks without signalling: ESRCH means no such process; EPERM means it exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
