/**
 * Drawing and measuring lines of mixed Arabic and Latin text with PDFKit: bidi runs (bidi-line.ts), one
 * font per run (fonts.ts), positions computed here so a line can be right-aligned in an Arabic report,
 * and Arabic runs made extractable (actual-text.ts). Lines are placed by their baseline.
 */
import type PDFDocument from "pdfkit";
import { withActualText } from "./actual-text.js";
import { type Run, visualRuns } from "./bidi-line.js";
import { fontName } from "./fonts.js";

type Doc = typeof PDFDocument;

export interface TextStyle {
  size: number;
  bold?: boolean;
  color?: string;
}

export interface LineBox {
  /** Left edge and width of the box the line is aligned in. */
  x: number;
  width: number;
  baseline: number;
  /** "start" is the left in a left-to-right report, the right in Arabic. */
  align?: "start" | "end" | "center";
}

/** PDFKit's text options, with the horizontal scaling it supports but @types/pdfkit does not list. */
type DrawOptions = PDFKit.Mixins.TextOptions & { horizontalScaling?: number };

export class PdfText {
  readonly doc: Doc;
  readonly dir: "ltr" | "rtl";
  // Wrapping measures each candidate line, and a table measures its rows twice (to fit, then to draw).
  readonly #widths = new Map<string, number>();
  readonly #wrapped = new Map<string, string[]>();

  constructor(doc: Doc, dir: "ltr" | "rtl") {
    this.doc = doc;
    this.dir = dir;
  }

  #use(run: Pick<Run, "face">, style: TextStyle): void {
    this.doc.font(fontName(run.face, style.bold ? "bold" : "regular")).fontSize(style.size);
  }

  #runWidth(run: Run, style: TextStyle): number {
    this.#use(run, style);
    return this.doc.widthOfString(run.text);
  }

  width(text: string, style: TextStyle): number {
    const key = `${style.size}|${style.bold ?? false}|${text}`;
    let width = this.#widths.get(key);
    if (width === undefined) {
      width = visualRuns(text, this.dir).reduce((w, run) => w + this.#runWidth(run, style), 0);
      this.#widths.set(key, width);
    }
    return width;
  }

  /** Draws one line (no wrapping); returns its width. */
  draw(text: string, box: LineBox, style: TextStyle): number {
    const runs = visualRuns(text, this.dir);
    const widths = runs.map((r) => this.#runWidth(r, style));
    const total = widths.reduce((a, b) => a + b, 0);
    let x = this.#startX(box, total);
    this.doc.fillColor(style.color ?? "#000000");
    runs.forEach((run, i) => {
      const width = widths[i] as number;
      this.#use(run, style);
      if (run.shaped) this.#drawArabic(run, x, box.baseline, width, style);
      else this.doc.text(run.text, x, box.baseline, { lineBreak: false, baseline: "alphabetic" });
      x += width;
    });
    return total;
  }

  #startX(box: LineBox, width: number): number {
    const align = box.align ?? "start";
    if (align === "center") return box.x + (box.width - width) / 2;
    const left = (align === "start") === (this.dir === "ltr");
    return left ? box.x : box.x + box.width - width;
  }

  /** The shaped glyphs, extracting as nothing, then one invisible stand-in per character (actual-text.ts). */
  #drawArabic(run: Run, x: number, baseline: number, width: number, style: TextStyle): void {
    withActualText(this.doc, "", () =>
      this.doc.text(run.text, x, baseline, { lineBreak: false, baseline: "alphabetic" }),
    );
    const chars = [...run.logical];
    this.#use({ face: "latin" }, style);
    const share = width / chars.length;
    const scaling = (100 * share) / this.doc.widthOfString(" ");
    chars.reverse().forEach((ch, i) => {
      const options: DrawOptions = { lineBreak: false, baseline: "alphabetic", horizontalScaling: scaling };
      withActualText(this.doc, ch, () => this.doc.text(" ", x + i * share, baseline, options));
    });
  }

  /** Splits `text` into lines no wider than `width` at spaces (a longer word keeps its own line). */
  wrap(text: string, width: number, style: TextStyle): string[] {
    const key = `${width}|${style.size}|${style.bold ?? false}|${text}`;
    const known = this.#wrapped.get(key);
    if (known) return known;
    const lines: string[] = [];
    // Word widths add up to the line's: no font here joins or kerns across a space, and shaping each
    // candidate line anew would cost far more than shaping each word once.
    const space = this.width(" ", style);
    let line = "";
    let lineWidth = 0;
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const w = this.width(word, style);
      if (line && lineWidth + space + w > width) {
        lines.push(line);
        line = word;
        lineWidth = w;
      } else {
        lineWidth = line ? lineWidth + space + w : w;
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
    this.#wrapped.set(key, lines);
    return lines;
  }
}
