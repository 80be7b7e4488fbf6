/**
 * What ingestion tells a gateway about its batches: a retained QoS 1 message on
 * jisr/<institution>/<gateway>/feedback, published after each change, so the gateway (which forgot its
 * batches on the broker's PUBACK) can show in `jisr gateway status` that some were quarantined or
 * refused, and why. Retained: a gateway that connects later still gets the latest. The gateway validates
 * it with its own zod schema (gateway/src/uplink/feedback.ts); `format` changes when a field changes
 * meaning.
 */
import type { GatewayTotals, MqttIngestState } from "./state.js";

export const DEFAULT_FEEDBACK_TOPIC = "jisr/{institution}/{gateway}/feedback";
export const FEEDBACK_FORMAT = 1;

export interface FeedbackMessage {
  format: typeof FEEDBACK_FORMAT;
  institution: string;
  gateway: string;
  /** Epoch ms of this message. */
  updated_at: number;
  /** Batches waiting in quarantine now, by reason. */
  quarantine: {
    batches: number;
    points: number;
    reasons: { code: string; reason: string; batches: number; points: number; last_at: number }[];
  };
  /** Over the state file's whole life. */
  totals: GatewayTotals;
  /** The newest points refused for good, newest first (at most 5). */
  recent_rejections: { at: number; code: string; path: string; message: string }[];
}

/** The topic for one gateway, from a template with {institution} and {gateway}. */
export function feedbackTopic(template: string, g: { institution: string; gateway: string }): string {
  return template.replaceAll("{institution}", g.institution).replaceAll("{gateway}", g.gateway);
}

/** Checks a template given on the command line; throws an Error saying what is wrong. */
export function checkFeedbackTemplate(template: string): void {
  if (template === "") return;
  if (/[#+]/.test(template) || template.startsWith("$"))
    throw new Error('must be a topic name, without "+", "#" or a leading "$"');
  if (!template.includes("{gateway}") || !template.includes("{institution}"))
    throw new Error("must name {institution} and {gateway}, e.g. jisr/{institution}/{gateway}/feedback");
}

export function feedbackMessage(
  state: MqttIngestState,
  g: { institution: string; gateway: string },
  now: number,
): FeedbackMessage {
  const reasons = state.reasons(g);
  return {
    format: FEEDBACK_FORMAT,
    institution: g.institution,
    gateway: g.gateway,
    updated_at: now,
    quarantine: {
      batches: reasons.reduce((a, r) => a + r.batches, 0),
      points: reasons.reduce((a, r) => a + r.points, 0),
      reasons,
    },
    totals: state.totals(g),
    recent_rejections: state
      .rejected(g, 5)
      .map((r) => ({ at: r.rejected_at, code: r.code, path: r.path, message: r.message.slice(0, 500) })),
  };
}
