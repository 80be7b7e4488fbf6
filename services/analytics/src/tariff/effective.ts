/**
 * Effective dating. A month is billed with the entries in force on its FIRST day (local calendar): a
 * change dated 2027-03-15 applies from the April 2027 bill on, and March 2027 keeps the old values. One
 * rule for every table keeps a month's bill stable and reproducible; prorating by day would split every
 * line in two for a change that happens a few times a decade, and utilities announce changes for the 1st.
 */

/** The entry in force on `date` (YYYY-MM-DD): the one with the latest `from` not after it. */
export function inForce<T extends { from: string }>(list: readonly T[], date: string): T | undefined {
  let found: T | undefined;
  for (const entry of list) {
    if (entry.from <= date && (found === undefined || entry.from > found.from)) found = entry;
  }
  return found;
}

/** Like inForce, but a month no entry covers is an error that names the table and its first date. */
export function requireInForce<T extends { from: string }>(
  list: readonly T[],
  date: string,
  what: string,
  tariffId: string,
): T {
  const entry = inForce(list, date);
  if (entry) return entry;
  const first = list.map((e) => e.from).sort()[0];
  throw new RangeError(
    `tariff "${tariffId}" has no ${what} in force on ${date}` +
      (first ? ` (its first entry starts ${first}); add an entry with an earlier \`from\`` : ""),
  );
}

/** The first day of a billing month, "2026-03" → "2026-03-01": the date whose values bill the month. */
export function billingDate(month: string): string {
  return `${month}-01`;
}
