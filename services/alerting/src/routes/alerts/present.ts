/**
 * An alert as the API shows it: snake_case, ISO instants, whether a silence or another alert (inhibition)
 * keeps it from being notified, texts on request.
 */
import type { Language } from "../../config/schema.js";
import { silencing } from "../../engine/silence.js";
import type { Alert, Silence } from "../../engine/types.js";
import { text } from "../../i18n/format.js";
import { catalogue } from "../../i18n/index.js";
import type { AlertJson } from "../../schemas/alerts.js";
import { iso, isoOrNull } from "../../schemas/common.js";

export function presentAlert(
  a: Alert,
  silences: readonly Silence[],
  now: number,
  lang?: Language,
  inhibitedBy: string | null = null,
): AlertJson {
  const silence = a.state === "resolved" ? undefined : silencing(a, silences, now);
  const c = lang && catalogue(lang);
  const extra = { device: a.device, subject: a.subject };
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    rule: a.rule,
    institution: a.institution,
    device: a.device,
    subject: a.subject,
    state: a.state,
    severity: a.severity,
    active_since: iso(a.activeSince),
    firing_since: isoOrNull(a.firingSince),
    resolved_at: isoOrNull(a.resolvedAt),
    last_seen_at: iso(a.lastSeenAt),
    evidence: a.evidence,
    summary: a.summary,
    action: a.action,
    ...(c && {
      text: {
        summary: text(a.summary, "summaries", c, catalogue("en"), extra),
        action: text(a.action, "actions", c, catalogue("en"), extra),
      },
    }),
    ack: a.ack && { by: a.ack.by, at: iso(a.ack.at), comment: a.ack.comment },
    silenced_by: silence?.id ?? null,
    inhibited_by: a.state === "resolved" ? null : inhibitedBy,
    notified_at: isoOrNull(a.notifiedAt),
    notify_count: a.notifyCount,
  };
}
