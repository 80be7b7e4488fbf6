/**
 * The shape of a message catalogue. Rule texts are templates keyed by the rules' summary and action keys,
 * with `{name}` placeholders filled from the rule's params (numbers formatted for the language); the
 * rest is the frame every message shares. Each language is one file (fr.ts, ar.ts, en.ts) so a
 * translator edits one file; the alerting service's i18n.test.ts checks that all three hold every key of
 * its rules.
 *
 * Here in core (not in the alerting service) because the gateway raises the same alerts on site with the
 * same words (issue 13, local alerts) and must not load the alerting service to do it: these files import
 * nothing.
 */

/** The languages of the catalogue: French, Arabic (right to left), English. */
export const ALERT_LANGUAGES = ["fr", "ar", "en"] as const;
export type Language = (typeof ALERT_LANGUAGES)[number];
/** Alert severities, worst first (the alerting service's SEVERITIES). */
export type Severity = "critical" | "major" | "minor" | "info";
/** Why an alert is in a message: first told, reminder, got worse, or fixed. */
export type NotificationKind = "firing" | "repeat" | "escalated" | "resolved";

/** A catalogue key and the values its text refers to. */
export interface TextRef {
  key: string;
  params: Record<string, string | number>;
}

/** A measured value shown with an alert, and its unit ("time": an instant, epoch ms). */
export interface EvidenceValue {
  value: number | string | boolean | string[];
  unit: string;
}

export interface Catalogue {
  language: Language;
  /** Text direction: "rtl" for Arabic, set on the HTML e-mail. */
  dir: "ltr" | "rtl";
  /** Intl locale for numbers and dates (Latin digits in all three). */
  locale: string;
  /** Punctuation: French puts a space before the colon, Arabic has its own comma and semicolon. */
  punctuation: { colon: string; comma: string; semicolon: string };
  severity: Record<Severity, string>;
  /** The heading of an alert in a message, by why it is there. */
  kind: Record<NotificationKind, string>;
  labels: {
    what: string;
    where: string;
    device: string;
    since: string;
    severity: string;
    evidence: string;
    action: string;
    resolvedAt: string;
    duration: string;
    reference: string;
    yes: string;
    no: string;
  };
  /** E-mail subject of a notification with something firing; `count` alerts, the worst `severity`. */
  subjectFiring(count: number, institution: string, severity: string): string;
  /** E-mail subject of a notification with resolutions only. */
  subjectResolved(count: number, institution: string): string;
  /** Closing line: how to acknowledge (`id` is the first alert's id). */
  footer: string;
  /** Rule summaries ("what"), by summary key. */
  summaries: Record<string, string>;
  /** Suggested actions, by action key. */
  actions: Record<string, string>;
  /** Names of evidence values, by evidence key; a missing one shows the key itself. */
  evidence: Record<string, string>;
  /** Names of evidence keys made up at run time ("mppt_2_ratio_pct"): `$1`, `$2` are the groups. */
  evidencePatterns: Array<{ pattern: RegExp; name: string }>;
  /** Unit symbols that read differently in this language ("h" → "ساعة"); others are shown as given. */
  units: Record<string, string>;
}
