/**
 * Habit 2: "on each address, a trailing comment naming the vendor's register". A comment is not data, so
 * the schema never sees it; this looks at the YAML source instead, and reports points whose address line
 * has no `#` comment after the address.
 */
import type { Problem } from "@jisr/core";
import { type Document, isMap, isScalar, isSeq } from "yaml";

/** Points (by index in this file) whose address has no trailing comment. */
export function missingAddressComments(doc: Document, text: string): Problem[] {
  const points = doc.get("points", true);
  if (!isSeq(points)) return [];
  const problems: Problem[] = [];
  points.items.forEach((item, i) => {
    if (!isMap(item)) return;
    const pair = item.items.find((p) => isScalar(p.key) && p.key.value === "address");
    const value = pair?.value;
    if (!isScalar(value) || !value.range) return;
    const lineEnd = text.indexOf("\n", value.range[1]);
    const rest = text.slice(value.range[1], lineEnd === -1 ? text.length : lineEnd);
    if (!rest.includes("#")) {
      problems.push({
        path: `points.${i}.address`,
        message: "no trailing comment naming the vendor's register (e.g. `address: 32080 # Active power`)",
      });
    }
  });
  return problems;
}
