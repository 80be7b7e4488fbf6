/**
 * Ingestion's feedback to this gateway over MQTT (services/ingestion/src/mqtt/feedback.ts): a retained
 * message on jisr/<institution>/<gateway_id>/feedback saying how many of the gateway's batches wait in
 * ingestion's quarantine (a token missing, unknown or of another institution) and how many points were
 * refused for good, and why. The MQTT sender let go of those batches on the broker's PUBACK, so this is
 * the only way the site learns of them; `jisr gateway status` prints it.
 *
 * It comes from the network: checked with zod, and a message that does not fit is ignored (and logged),
 * never trusted in part.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatAge } from "../run/status-text.js";

const count = z.number().int().min(0);

export const uplinkFeedbackSchema = z.object({
  format: z.literal(1),
  institution: z.string().min(1).max(200),
  gateway: z.string().min(1).max(200),
  updated_at: z.number(),
  quarantine: z.object({
    batches: count,
    points: count,
    reasons: z
      .array(
        z.object({
          code: z.string().max(100),
          reason: z.string().max(1000),
          batches: count,
          points: count,
          last_at: z.number(),
        }),
      )
      .max(100),
  }),
  totals: z.object({
    quarantined_batches: count,
    quarantined_points: count,
    replayed_batches: count,
    replayed_points: count,
    dropped_batches: count,
    rejected_batches: count,
    rejected_points: count,
  }),
  recent_rejections: z
    .array(
      z.object({
        at: z.number(),
        code: z.string().max(100),
        path: z.string().max(1000),
        message: z.string().max(1000),
      }),
    )
    .max(20),
});

export type UplinkFeedback = z.output<typeof uplinkFeedbackSchema>;

/** Next to the batch topic: jisr/<institution>/<gateway_id>/points → …/feedback. */
export function feedbackTopicOf(batchTopic: string, institution: string, gatewayId: string): string {
  return batchTopic.endsWith("/points")
    ? `${batchTopic.slice(0, -"/points".length)}/feedback`
    : `jisr/${institution}/${gatewayId}/feedback`;
}

export type FeedbackParse = { ok: true; feedback: UplinkFeedback } | { ok: false; problem: string };

/** A payload as received; the problem names the first field that does not fit. */
export function parseFeedback(payload: Buffer): FeedbackParse {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString("utf8"));
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err as Error).message}` };
  }
  const parsed = uplinkFeedbackSchema.safeParse(raw);
  if (parsed.success) return { ok: true, feedback: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "not valid"}` };
}

/**
 * The feedback kept in the gateway's status file (uplink.feedback), for `jisr gateway status`. The status
 * file's own schema does not know it, so it is read here, with this schema; undefined when absent or not
 * valid.
 */
export function readUplinkFeedback(statusPath: string): UplinkFeedback | undefined {
  try {
    const raw = JSON.parse(readFileSync(statusPath, "utf8")) as { uplink?: { feedback?: unknown } };
    const parsed = uplinkFeedbackSchema.safeParse(raw?.uplink?.feedback);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Lines for `jisr gateway status`, under the uplink: nothing when ingestion has nothing to report. */
export function feedbackLines(f: UplinkFeedback | undefined, now: number): string[] {
  if (!f) return [];
  const q = f.quarantine;
  const t = f.totals;
  if (q.batches === 0 && t.rejected_points === 0 && t.quarantined_batches === 0 && t.dropped_batches === 0)
    return [];
  const out = [`  ingestion's feedback (${formatAge(now - f.updated_at)} ago):`];
  if (q.batches > 0) {
    out.push(
      `    QUARANTINED at ingestion: ${q.batches} batch(es), ${q.points} reading(s), not stored yet; they are stored once the token is fixed`,
    );
    for (const r of q.reasons.slice(0, 5))
      out.push(
        `      ${r.batches} batch(es): ${r.reason} (${r.code}); last ${formatAge(now - r.last_at)} ago`,
      );
    out.push("      check uplink.token, and ask the ingestion operator: jisr ingest-quarantine list");
  } else if (t.quarantined_batches > 0) {
    out.push(
      `    quarantine empty: ${t.replayed_batches} of ${t.quarantined_batches} quarantined batch(es) replayed`,
    );
  }
  if (t.dropped_batches > 0)
    out.push(
      `    LOST: ${t.dropped_batches} quarantined batch(es) dropped because ingestion's quarantine was full`,
    );
  if (t.rejected_points > 0) {
    out.push(
      `    ${t.rejected_points} reading(s) refused for good by ingestion (kept there with the reason); latest:`,
    );
    for (const r of f.recent_rejections.slice(0, 3))
      out.push(`      ${formatAge(now - r.at)} ago ${r.code} ${r.path}: ${r.message}`);
  }
  return out;
}
