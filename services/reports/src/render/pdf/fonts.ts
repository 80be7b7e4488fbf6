/**
 * The fonts the PDF embeds: Noto Sans (Latin, Latin Extended) and Noto Naskh Arabic, regular and bold,
 * from @fontsource. Fontsource splits each family by script into WOFF files, each covering a
 * `unicode-range` listed in the package's unicode.json; that list decides which file draws a character,
 * so the choice of font is data from the packages, not a table kept here. PDFKit embeds WOFF through
 * fontkit (subset, with the font's GSUB, so Arabic letters join).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { woffFileToSfnt } from "./woff.js";

const require = createRequire(import.meta.url);

export type FaceKey = "latin" | "latinExt" | "arabic";
export type Weight = "regular" | "bold";

interface Face {
  key: FaceKey;
  pkg: string;
  /** The fontsource subset name, as in unicode.json and the file names. */
  subset: string;
  file: (weight: Weight) => string;
}

const FACES: readonly Face[] = [
  {
    key: "latin",
    pkg: "@fontsource/noto-sans",
    subset: "latin",
    file: (w) => `noto-sans-latin-${w === "bold" ? 700 : 400}-normal.woff`,
  },
  {
    key: "latinExt",
    pkg: "@fontsource/noto-sans",
    subset: "latin-ext",
    file: (w) => `noto-sans-latin-ext-${w === "bold" ? 700 : 400}-normal.woff`,
  },
  {
    key: "arabic",
    pkg: "@fontsource/noto-naskh-arabic",
    subset: "arabic",
    file: (w) => `noto-naskh-arabic-arabic-${w === "bold" ? 700 : 400}-normal.woff`,
  },
];

/** The PDFKit name a face is registered under. */
export function fontName(face: FaceKey, weight: Weight): string {
  return `${face}-${weight}`;
}

/** Absolute paths of every face and weight, by PDFKit name. */
export function fontFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const face of FACES) {
    for (const weight of ["regular", "bold"] as const) {
      files[fontName(face.key, weight)] = require.resolve(`${face.pkg}/files/${face.file(weight)}`);
    }
  }
  return files;
}

/** What PDFKit needs of a fontkit font (it takes one in place of a file). */
interface FontkitFont {
  layout(text: string): unknown;
}

// fontkit is PDFKit's own dependency (its font engine), resolved from PDFKit so both use one copy.
const fontkit = createRequire(require.resolve("pdfkit"))("fontkit") as { create(data: Buffer): FontkitFont };
let parsed: Record<string, FontkitFont> | undefined;

/**
 * The fonts parsed once per process, by PDFKit name. Each PDF embeds its own subset, but parsing the
 * tables (Naskh's GSUB and GPOS above all) again for every document would double the time of a report.
 */
export function embeddableFonts(): Record<string, FontkitFont> {
  parsed ??= Object.fromEntries(
    Object.entries(fontFiles()).map(([name, file]) => [name, fontkit.create(woffFileToSfnt(file))]),
  );
  return parsed;
}

type Ranges = Array<[number, number]>;

/** "U+0000-00FF,U+0131" → [[0, 255], [305, 305]]. */
export function parseUnicodeRange(text: string): Ranges {
  return text.split(",").map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, "").split("-");
    const from = Number.parseInt(a as string, 16);
    return [from, b === undefined ? from : Number.parseInt(b, 16)];
  });
}

let coverage: Array<{ key: FaceKey; ranges: Ranges }> | undefined;

function faceCoverage(): Array<{ key: FaceKey; ranges: Ranges }> {
  coverage ??= FACES.map((face) => {
    const ranges = JSON.parse(readFileSync(require.resolve(`${face.pkg}/unicode.json`), "utf8")) as Record<
      string,
      string
    >;
    const range = ranges[face.subset];
    if (!range) throw new Error(`${face.pkg}/unicode.json has no "${face.subset}" subset`);
    return { key: face.key, ranges: parseUnicodeRange(range) };
  });
  return coverage;
}

/**
 * The face that draws a code point. The Arabic file also holds some punctuation and space, but it is
 * asked only for what its range lists; anything no face covers falls back on Latin (a visible box
 * rather than a silently dropped character).
 */
export function faceFor(codePoint: number): FaceKey {
  for (const { key, ranges } of faceCoverage()) {
    if (ranges.some(([from, to]) => codePoint >= from && codePoint <= to)) return key;
  }
  return "latin";
}
