/**
 * Line-protocol escaping, on its own so that point.ts (series keys) and line-protocol.ts (encoding) both
 * use it without importing each other: a leaf, it imports nothing.
 */

const MEASUREMENT_ESCAPES = /[, \\]/g;
const KEY_ESCAPES = /[,= \\]/g;
const CONTROL = /[\n\r\t\f\v]/g;

function escapeControl(s: string): string {
  // Never reached for validated input; a last guard so a direct caller can never split a line.
  return s.replace(CONTROL, (c) => `\\${{ "\n": "n", "\r": "r", "\t": "t", "\f": "f", "\v": "v" }[c]}`);
}

const NEEDS_ESCAPE = /[,= \\\n\r\t\f\v]/;

export function escapeMeasurement(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return escapeControl(s).replace(MEASUREMENT_ESCAPES, (c) => `\\${c}`);
}

export function escapeKey(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return escapeControl(s).replace(KEY_ESCAPES, (c) => `\\${c}`);
}

/** String field values: only `"` and `\` are escaped; a line break inside the quotes is legal. */
export function escapeStringField(s: string): string {
  return /[\\"]/.test(s) ? s.replace(/[\\"]/g, (c) => `\\${c}`) : s;
}
