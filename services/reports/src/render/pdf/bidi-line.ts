/**
 * One line of text in visual order, as runs PDFKit can draw left to right. PDFKit shapes text with
 * fontkit (Arabic joining through the font's GSUB) but does not reorder it: the Unicode bidirectional
 * algorithm (bidi-js) gives each character its level, runs of one level and one face are ordered as
 * rule L2 says, and each run is handed over so that fontkit's own behaviour lands it right:
 * - a right-to-left run with Arabic letters is given in logical order: fontkit shapes it (letters join
 *   as they should only in logical order) and reverses the glyphs itself;
 * - a right-to-left run without Arabic letters (": ", "(", a space) is reversed and mirrored here, since
 *   fontkit sees no right-to-left script in it;
 * - left-to-right runs (digits, Latin) are drawn as they are: numbers stay LTR inside Arabic.
 */
import { createRequire } from "node:module";
import type { Bidi } from "bidi-js";
import { type FaceKey, faceFor } from "./fonts.js";

// bidi-js is CommonJS whose module.exports is the factory, while its types declare a default export:
// required, it is the function its types describe.
const bidi = (createRequire(import.meta.url)("bidi-js") as () => Bidi)();

export interface Run {
  text: string;
  face: FaceKey;
  /** Odd bidi level. */
  rtl: boolean;
  /** fontkit will shape and reverse it (a right-to-left run holding Arabic letters). */
  shaped: boolean;
  /** The run's characters in logical order, for text extraction. */
  logical: string;
}

/** Directional formatting characters: Intl puts them around "%" and "-" in Arabic; no font draws them. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const ARABIC_LETTER = /\p{Script=Arabic}/u;

export function stripBidiControls(text: string): string {
  return text.replace(new RegExp(BIDI_CONTROLS.source, "g"), "");
}

/** The runs of `text` (one line, no line breaks) from left to right, for a paragraph of `direction`. */
export function visualRuns(text: string, direction: "ltr" | "rtl"): Run[] {
  if (text.length === 0) return [];
  // Levels come from the text with its controls (Intl's marks keep "%" by its number in Arabic); the
  // controls themselves are then left out, since no font has a glyph for them.
  const { levels } = bidi.getEmbeddingLevels(text, direction);
  const runs: Array<{ chars: string[]; face: FaceKey; level: number }> = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    const level = levels[i] as number;
    i += ch.length;
    if (BIDI_CONTROLS.test(ch)) continue;
    const face = faceFor(cp);
    const last = runs.at(-1);
    if (last && last.level === level && last.face === face) last.chars.push(ch);
    else runs.push({ chars: [ch], face, level });
  }
  if (runs.length === 0) return [];
  return reorder(runs).map(({ chars, face, level }) => {
    const logical = chars.join("");
    const rtl = level % 2 === 1;
    const shaped = rtl && ARABIC_LETTER.test(logical);
    const text =
      rtl && !shaped
        ? chars
            .map((c) => bidi.getMirroredCharacter(c) ?? c)
            .reverse()
            .join("")
        : logical;
    return { text, face, rtl, shaped, logical };
  });
}

/** Rule L2 on runs: from the highest level down to the lowest odd one, reverse every stretch at or above it. */
function reorder<T extends { level: number }>(runs: T[]): T[] {
  const out = [...runs];
  const levels = out.map((r) => r.level);
  const highest = Math.max(...levels);
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1));
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < out.length; ) {
      if ((out[i] as T).level < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < out.length && (out[j] as T).level >= level) j++;
      out.splice(i, j - i, ...out.slice(i, j).reverse());
      i = j;
    }
  }
  return out;
}
