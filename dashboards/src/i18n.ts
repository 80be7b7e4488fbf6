/**
 * The dashboards' languages. Every text a user reads (titles, descriptions, legends, column names, value
 * mappings, units with words) is written once per panel as `{ fr, ar, en }` next to the query it labels,
 * so the three dashboards of a kind come from one definition and cannot drift apart: the queries, layout
 * and thresholds are shared, only the words differ (structure.test.ts checks it).
 */
export const LANGS = ["fr", "ar", "en"] as const;
export type Lang = (typeof LANGS)[number];

/** One text in the three languages. */
export type Tr = Readonly<Record<Lang, string>>;

/** A picker for one language: `t({ fr: "…", ar: "…", en: "…" })`. */
export function translator(lang: Lang): (text: Tr) => string {
  return (text) => text[lang];
}

/** Moroccan dirham: "MAD" in French and English, "د.م." in Arabic (Grafana's suffix unit). */
export function madUnit(lang: Lang): string {
  return lang === "ar" ? "suffix: د.م." : "suffix: MAD";
}
