/**
 * What a chart or a period without figures says (issue 14): not a bare "no data", but why: nothing has
 * arrived from the institution yet, the period is before its first readings ("no data for October 2026:
 * the first readings arrived on 5 November 2026"), or nothing arrived during the period.
 */
import { locale, t } from "./i18n.js";

/** "5 novembre 2026" for "2026-11-05", in the page's language (a calendar date: no time zone). */
export function longDay(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeZone: "UTC" }).format(
    Date.UTC(y, m - 1, d, 12),
  );
}

/** "novembre 2026" for "2026-11". */
export function monthName(month) {
  const [y, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(
    Date.UTC(y, m - 1, 15),
  );
}

/**
 * The sentence for a period without figures: `period` as read ("octobre 2026", "aujourd'hui"), its last
 * local day, and the institution's first day with data (null: none yet).
 */
export function emptyText(period, lastDay, firstDay) {
  if (!firstDay) return t("empty.none");
  if (lastDay < firstDay) return t("empty.before", { p: period, d: longDay(firstDay) });
  return t("empty.gap", { p: period });
}
