/**
 * One notification as a message for one recipient: what, where (institution, device), since when (local
 * time), severity, the evidence with units and a suggested action, in the recipient's language. The same
 * content goes out as plain text, as HTML (dir="rtl" for Arabic) and as JSON (webhook, MQTT).
 */
import type { Language } from "../config/schema.js";
import {
  type EvidenceValue,
  type Notification,
  type NotificationItem,
  SEVERITY_RANK,
  type Severity,
} from "../engine/types.js";
import { evidenceName, formatInstant, formatQuantity, formatSpan, text } from "../i18n/format.js";
import { catalogue } from "../i18n/index.js";
import type { Catalogue } from "../i18n/types.js";
import { itemsFor } from "./routing.js";

export interface RenderContext {
  /** The institution's name in a language (its configured name when there is no translation). */
  institutionName(id: string, language: Language): string;
  timeZone: string;
}

export interface RenderTarget {
  language: Language;
  minSeverity: Severity;
}

/** One alert of a message, every part already in the recipient's language. */
export interface RenderedItem {
  kind: NotificationItem["kind"];
  heading: string;
  alertId: string;
  rule: string;
  severity: Severity;
  severityText: string;
  what: string;
  where: string;
  device: string;
  subject: string;
  since: string;
  /** ISO-8601 UTC, for machines. */
  sinceUtc: string;
  resolvedAt?: string;
  /** ISO-8601 UTC, for machines. */
  resolvedAtUtc?: string;
  duration?: string;
  evidence: Array<{ key: string; name: string; value: EvidenceValue["value"]; unit: string; text: string }>;
  action: string;
}

export interface RenderedMessage {
  language: Language;
  dir: "ltr" | "rtl";
  subject: string;
  items: RenderedItem[];
  text: string;
  html: string;
}

function renderItem(
  item: NotificationItem,
  c: Catalogue,
  ctx: RenderContext,
  institution: string,
): RenderedItem {
  const a = item.alert;
  const fallback = catalogue("en");
  // The institution's name, not its id, wherever a text mentions it.
  const extra = { device: a.device, subject: a.subject };
  const device = a.subject ? `${a.device} (${a.subject})` : a.device;
  const resolved = item.kind === "resolved" && a.resolvedAt !== null;
  return {
    kind: item.kind,
    heading: c.kind[item.kind],
    alertId: a.id,
    rule: a.rule,
    severity: a.severity,
    severityText: c.severity[a.severity],
    what: text(a.summary, "summaries", c, fallback, { ...extra, institution }),
    where: `${institution}${c.punctuation.comma}${c.labels.device.toLowerCase()} ${device}`,
    device: a.device,
    subject: a.subject,
    since: formatInstant(a.activeSince, c, ctx.timeZone),
    sinceUtc: new Date(a.activeSince).toISOString(),
    ...(resolved && {
      resolvedAt: formatInstant(a.resolvedAt ?? 0, c, ctx.timeZone),
      resolvedAtUtc: new Date(a.resolvedAt ?? 0).toISOString(),
      duration: formatSpan((a.resolvedAt ?? 0) - a.activeSince, c),
    }),
    evidence: Object.entries(a.evidence).map(([key, q]) => ({
      key,
      name: evidenceName(key, c, fallback),
      value: q.value,
      unit: q.unit,
      text: formatQuantity(q, c, ctx.timeZone),
    })),
    action: text(a.action, "actions", c, fallback, { ...extra, institution }),
  };
}

function subjectLine(items: RenderedItem[], c: Catalogue, institution: string): string {
  const open = items.filter((i) => i.kind !== "resolved");
  if (open.length === 0) return c.subjectResolved(items.length, institution);
  const worst = open.reduce(
    (w, i) => (SEVERITY_RANK[i.severity] > SEVERITY_RANK[w] ? i.severity : w),
    "info" as Severity,
  );
  return c.subjectFiring(open.length, institution, c.severity[worst]);
}

function evidenceText(i: RenderedItem, c: Catalogue): string {
  return i.evidence.map((e) => `${e.name}${c.punctuation.colon}${e.text}`).join(c.punctuation.semicolon);
}

function resolvedText(i: RenderedItem, c: Catalogue): string {
  return `${i.resolvedAt} (${c.labels.duration}${c.punctuation.colon}${i.duration})`;
}

function itemLines(i: RenderedItem, c: Catalogue): string[] {
  const [L, colon] = [c.labels, c.punctuation.colon];
  const lines = [`${i.heading} · ${i.severityText}${colon}${i.what}`, `${L.where}${colon}${i.where}`];
  lines.push(`${L.since}${colon}${i.since}`);
  if (i.resolvedAt) lines.push(`${L.resolvedAt}${colon}${resolvedText(i, c)}`);
  if (i.evidence.length > 0) lines.push(`${L.evidence}${colon}${evidenceText(i, c)}`);
  if (i.kind !== "resolved") lines.push(`${L.action}${colon}${i.action}`);
  lines.push(`${L.reference}${colon}${i.alertId}`);
  return lines;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

function itemHtml(i: RenderedItem, c: Catalogue): string {
  const L = c.labels;
  const row = (label: string, value: string) =>
    `<tr><th style="text-align:start;padding-inline-end:1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const rows = [
    row(L.what, i.what),
    row(L.where, i.where),
    row(L.since, i.since),
    row(L.severity, i.severityText),
    ...(i.resolvedAt ? [row(L.resolvedAt, resolvedText(i, c))] : []),
    ...(i.evidence.length ? [row(L.evidence, evidenceText(i, c))] : []),
    ...(i.kind !== "resolved" ? [row(L.action, i.action)] : []),
    row(L.reference, i.alertId),
  ];
  return `<h2>${escapeHtml(`${i.heading} · ${i.severityText}`)}</h2>\n<table>${rows.join("")}</table>`;
}

export function renderMessage(n: Notification, target: RenderTarget, ctx: RenderContext): RenderedMessage {
  const c = catalogue(target.language);
  const institution = ctx.institutionName(n.institution, target.language);
  const items = itemsFor(n.items, target.minSeverity).map((item) => renderItem(item, c, ctx, institution));
  const subject = subjectLine(items, c, institution);
  // A right-to-left mark at the start of each line keeps plain-text clients from showing Arabic lines
  // that begin with a Latin word (a device id) left to right.
  const mark = c.dir === "rtl" ? "\u200f" : "";
  const blocks = items.map((i) =>
    itemLines(i, c)
      .map((l) => mark + l)
      .join("\n"),
  );
  const text = [...blocks, mark + c.footer].join("\n\n");
  const html = `<!DOCTYPE html>
<html lang="${c.language}" dir="${c.dir}">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body dir="${c.dir}">
${items.map((i) => itemHtml(i, c)).join("\n")}
<p>${escapeHtml(c.footer)}</p>
</body>
</html>
`;
  return { language: c.language, dir: c.dir, subject, items, text, html };
}
