/**
 * Splits an InfluxQL query into its SELECT levels (the statement, then each subquery in its FROM), so the
 * checks can ask of every level whether it filters on time and institution. A subquery's text is replaced
 * by `(…)` in its parent, so a condition inside a subquery never counts for the level around it.
 */

export interface SelectLevel {
  /** This level's text, with nested subqueries shown as `(…)`. */
  text: string;
  /** True when this level reads a subquery rather than a measurement. */
  readsSubquery: boolean;
  children: SelectLevel[];
}

const SUBQUERY_START = /^\(\s*SELECT\b/i;

/** Index just after the parenthesis that closes the one at `open`, skipping quoted text. */
function closingParen(q: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < q.length; i++) {
    const c = q[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses in query: ${q}`);
}

export function selectLevels(query: string): SelectLevel {
  const children: SelectLevel[] = [];
  let text = "";
  let quote: string | null = null;
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (quote === null && c === "(" && SUBQUERY_START.test(query.slice(i))) {
      const end = closingParen(query, i);
      children.push(selectLevels(query.slice(i + 1, end - 1).trim()));
      text += "(…)";
      i = end;
      continue;
    }
    if (quote !== null && c === "\\") {
      text += query.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (quote === null && (c === "'" || c === '"')) quote = c;
    else if (c === quote) quote = null;
    text += c;
    i++;
  }
  return { text, readsSubquery: /\bFROM\s*\(…\)/i.test(text), children };
}

/** Every level, the statement first. */
export function allLevels(level: SelectLevel): SelectLevel[] {
  return [level, ...level.children.flatMap(allLevels)];
}

/** The tag keys of a level's GROUP BY (time buckets left out). */
export function groupByTags(level: SelectLevel): string[] {
  const clause = /\bGROUP BY\s+(.*?)(?:\bfill\(|\bORDER BY\b|\bLIMIT\b|$)/i.exec(level.text)?.[1] ?? "";
  return [...clause.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
}
