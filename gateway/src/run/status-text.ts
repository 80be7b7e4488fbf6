/**
 * `jisr gateway status` as text for a technician on site: is it running, which devices answer and what
 * they last read, how much waits in the queue, and whether the uplink delivers. Pure: every instant is
 * relative to `now`, so the output can be tested exactly.
 */
import { feedbackLines, type UplinkFeedback } from "../uplink/feedback.js";
import type { OutboxStats } from "../uplink/outbox.js";
import type { OutboxFileRead } from "../uplink/outbox-file.js";
import type { GatewayStatusFile, Liveness } from "./status-file.js";

type Device = GatewayStatusFile["devices"][number];

/** Fields per point in the text output: enough to recognise a device, short enough for a terminal. */
const MAX_FIELDS_SHOWN = 6;

export interface StatusReport {
  configPath: string;
  statusPath: string;
  queuePath: string;
  status: GatewayStatusFile | undefined;
  /** Why the status file could not be used, when it exists but is not valid. */
  statusProblem?: string;
  liveness: Liveness | undefined;
  queueFile: OutboxFileRead;
  /** MQTT uplink: what ingestion said of this gateway's batches (quarantined, refused), if anything. */
  feedback?: UplinkFeedback;
  now: number;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** "512 B", "2.1 MiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${Number(value.toFixed(1))} ${units[unit]}`;
}

function formatValue(v: number | string | boolean): string {
  if (typeof v !== "number") return JSON.stringify(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** The whole report, lines ending in "\n". */
export function statusText(r: StatusReport): string {
  const lines = [...headline(r), ""];
  if (r.status) lines.push(...devices(r.status, r.now), "");
  if (r.status?.lines?.length) lines.push(...busLoads(r.status.lines), "");
  lines.push(...queue(r), "");
  if (r.status) lines.push(...uplink(r.status, r.now, r.liveness?.running === true));
  lines.push(...feedbackLines(r.feedback, r.now));
  return `${lines.join("\n").trimEnd()}\n`;
}

function headline(r: StatusReport): string[] {
  const s = r.status;
  if (!s) {
    const why = r.statusProblem ?? `no status file at ${r.statusPath}`;
    return [
      `Gateway NOT RUNNING, or never run with this config: ${why}.`,
      `Start it with: jisr gateway run --config ${r.configPath}`,
    ];
  }
  const name = `Gateway "${s.gateway_id}" (institution ${s.institution})`;
  const written = `status written ${formatAge(r.now - s.written_at)} ago`;
  const live = r.liveness;
  if (live?.running)
    return [`${name}: running, pid ${s.pid}, up ${formatAge(r.now - s.started_at)}; ${written}.`];
  const why =
    live?.why === "stopped"
      ? `it was stopped ${formatAge(r.now - live.since)} ago`
      : live?.why === "gone"
        ? `its process (pid ${s.pid}) is gone; ${written}`
        : `its status file has not been updated for ${formatAge(r.now - s.written_at)} (it is rewritten every ${formatAge(s.status_interval_ms)} while the gateway runs)`;
  return [
    `${name}: NOT RUNNING: ${why}.`,
    `Start it with: jisr gateway run --config ${r.configPath}`,
    `What follows is its last known state, from ${new Date(s.written_at).toISOString()}.`,
  ];
}

function devices(s: GatewayStatusFile, now: number): string[] {
  const online = s.devices.filter((d) => d.state === "online").length;
  const out = [`Devices: ${online} online, ${s.devices.length - online} not online`];
  if (s.mqtt) {
    const broker = `${s.mqtt.embedded ? "embedded " : ""}MQTT broker ${s.mqtt.broker}`;
    out.push(
      s.mqtt.connected
        ? `  ${broker}: connected`
        : `  ${broker}: NOT CONNECTED${s.mqtt.last_error ? `: ${s.mqtt.last_error}` : ""}`,
    );
  }
  const width = Math.max(0, ...s.devices.map((d) => d.id.length));
  for (const d of s.devices) out.push(...device(d, now, width));
  return out;
}

function device(d: Device, now: number, width: number): string[] {
  const state = d.state === "online" ? "online " : d.state === "offline" ? "OFFLINE" : "starting";
  const poll =
    d.last_poll_at === undefined
      ? "not polled yet"
      : `last poll ${formatAge(now - d.last_poll_at)} ago${d.last_poll_ms === undefined ? "" : `, ${d.last_poll_ms} ms`}`;
  const head = `  ${d.id.padEnd(width)}  ${state}  for ${formatAge(now - d.since)}; ${poll}; ${d.failed_polls} of ${d.polls} polls failed`;
  const indent = " ".repeat(width + 4);
  const out = [head];
  if (d.state !== "online" && d.reason) out.push(`${indent}${d.reason}`);
  else if (d.last_error && d.last_error_at !== undefined)
    out.push(`${indent}last error ${formatAge(now - d.last_error_at)} ago: ${d.last_error}`);
  if (d.state === "offline" && d.next_retry_at !== undefined)
    out.push(`${indent}retried with one attempt, next in ${formatAge(d.next_retry_at - now)}`);
  if (d.last_values?.length) {
    const age = d.last_success_at === undefined ? "" : ` (${formatAge(now - d.last_success_at)} ago)`;
    out.push(`${indent}last values${age}:`);
    for (const v of d.last_values) {
      const tags = Object.entries(v.tags).map(([k, t]) => `${k}=${t}`);
      const all = Object.entries(v.fields);
      const fields = all.slice(0, MAX_FIELDS_SHOWN).map(([k, f]) => `${k}=${formatValue(f)}`);
      const more =
        all.length > MAX_FIELDS_SHOWN ? ` (+${all.length - MAX_FIELDS_SHOWN} more, see --json)` : "";
      out.push(`${indent}  ${[v.measurement, ...tags].join(",")} ${fields.join(" ")}${more}`);
    }
  }
  return out;
}

function queueLine(q: OutboxStats, now: number, maxBytes?: number): string {
  const budget = maxBytes === undefined ? "" : ` of ${formatBytes(maxBytes)}`;
  const oldest =
    q.oldest_queued_at === undefined ? "" : `, oldest queued ${formatAge(now - q.oldest_queued_at)} ago`;
  return `${q.points} readings waiting (${formatBytes(q.bytes)}${budget})${oldest}; ${q.dropped_total} dropped because the queue was full`;
}

function queue(r: StatusReport): string[] {
  const q = r.queueFile;
  const maxBytes = r.status?.queue.max_bytes;
  if (q.kind === "ok") return [`Queue: ${queueLine(q.stats, r.now, maxBytes)}`, `  ${r.queuePath}`];
  const fromStatus =
    r.status && `Queue (from the status file): ${queueLine(r.status.queue, r.now, maxBytes)}`;
  if (q.kind === "missing")
    return [
      fromStatus ?? "Queue: empty",
      `  no queue file at ${r.queuePath}${r.status?.queue.kind === "memory" ? " (the gateway queues in memory)" : ""}`,
    ];
  return [fromStatus ?? "Queue: unknown", `  ${r.queuePath}: ${q.message}`];
}

function uplink(s: GatewayStatusFile, now: number, running: boolean): string[] {
  const u = s.uplink;
  const batches = u.delivered_batches === 1 ? "1 batch" : `${u.delivered_batches} batches`;
  const totals = `${u.delivered_points} readings sent in ${batches}, ${u.rejected_points} refused for good`;
  const last =
    u.last_delivery_at === undefined
      ? "nothing delivered yet"
      : `last delivery ${formatAge(now - u.last_delivery_at)} ago`;
  const out = [`Uplink: ${u.url}`];
  if (u.connected === false)
    out.push(`  broker NOT CONNECTED${u.connection_error ? `: ${u.connection_error}` : ""}`);
  if (u.failures === 0) out.push(`  ${running ? "delivering" : "was delivering"}: ${last}; ${totals}`);
  else {
    const retry = running && u.retry_at !== undefined ? `; next try in ${formatAge(u.retry_at - now)}` : "";
    out.push(`  FAILING: ${u.failures} failed attempts in a row${retry}; ${last}`);
    if (u.last_error) out.push(`  last error: ${u.last_error}`);
    out.push(`  ${totals}`);
  }
  return out;
}

/** Each shared line: how much of every poll interval it is busy, and the unit that costs most. */
function busLoads(lines: NonNullable<GatewayStatusFile["lines"]>): string[] {
  const out = ["Lines (wire time over the last minute):"];
  for (const l of lines) {
    const share = l.window_ms > 0 ? Math.round((100 * l.busy_ms) / l.window_ms) : 0;
    const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;
    out.push(
      `  ${l.where}: busy ${seconds(l.busy_per_interval_ms)} of every ${seconds(l.interval_ms)} (${share} %)`,
    );
    const top = l.units[0];
    if (top && top.busy_ms > 0) {
      const who = top.devices.length > 0 ? ` (${top.devices.join(", ")})` : "";
      const perInterval = Math.round((top.busy_ms * l.interval_ms) / l.window_ms);
      const timeouts = top.timeouts > 0 ? `, ${top.timeouts} of ${top.requests} requests unanswered` : "";
      out.push(`    most: unit ${top.unit}${who}, ${seconds(perInterval)} per interval${timeouts}`);
    }
  }
  return out;
}
