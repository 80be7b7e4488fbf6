/**
 * A page cursor over PDFKit: headings, wrapped paragraphs and tables that break across pages (the table
 * header repeats), laid out from the right in an Arabic report. Sizes are in points on A4.
 */
import type PDFDocument from "pdfkit";
import type { PdfText, TextStyle } from "./text.js";

type Doc = typeof PDFDocument;

export interface Column {
  header: string;
  /** Share of the content width; the shares of a table add up to 1. */
  share: number;
  /** Labels at the start of the line, numbers at the end. */
  align: "start" | "end";
}

export interface TableRow {
  cells: string[];
  bold?: boolean;
  /** Text colour per cell (undefined: black). */
  colors?: (string | undefined)[];
}

const PAD = 3;
const RULE = "#c8c8c8";
const HEADER_FILL = "#eef2f0";

export class Layout {
  readonly doc: Doc;
  readonly text: PdfText;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  y: number;

  constructor(doc: Doc, text: PdfText) {
    this.doc = doc;
    this.text = text;
    const m = doc.page.margins;
    this.left = m.left;
    this.right = doc.page.width - m.right;
    this.top = m.top;
    this.bottom = doc.page.height - m.bottom;
    this.y = this.top;
  }

  get width(): number {
    return this.right - this.left;
  }

  /** Line height: Naskh's tall ascenders and deep descenders need more room than Latin. */
  lineHeight(size: number): number {
    return size * (this.text.dir === "rtl" ? 1.75 : 1.35);
  }

  /** Starts a new page when `height` does not fit below the cursor. */
  ensure(height: number): void {
    if (this.y + height <= this.bottom) return;
    this.doc.addPage();
    this.y = this.top;
  }

  /** Wrapped text across the content width, aligned to the start of the line. */
  paragraph(text: string, style: TextStyle, gapAfter = 4): void {
    const lh = this.lineHeight(style.size);
    for (const line of this.text.wrap(text, this.width, style)) {
      this.ensure(lh);
      this.text.draw(line, { x: this.left, width: this.width, baseline: this.#baseline(style.size) }, style);
      this.y += lh;
    }
    this.y += gapAfter;
  }

  heading(text: string, size: number, gapBefore = 10): void {
    this.y += gapBefore;
    // Keep a heading with at least two lines of what follows.
    this.ensure(this.lineHeight(size) + 3 * this.lineHeight(9));
    this.paragraph(text, { size, bold: true }, 2);
  }

  #baseline(size: number): number {
    return this.y + (this.lineHeight(size) - size) / 2 + size * 0.8;
  }

  /** [left, width] of each column, the first one at the start of the line. */
  #columns(columns: readonly Column[]): Array<[number, number]> {
    let offset = 0;
    return columns.map((c) => {
      const width = c.share * this.width;
      const x = this.text.dir === "ltr" ? this.left + offset : this.right - offset - width;
      offset += width;
      return [x, width];
    });
  }

  /** A table; without headers (all empty) it has no header row. */
  table(columns: readonly Column[], rows: readonly TableRow[], size = 9): void {
    const boxes = this.#columns(columns);
    const titled = columns.some((c) => c.header !== "");
    const header: TableRow = { cells: columns.map((c) => c.header), bold: true };
    const headerSize = this.#fittingSize(header, boxes, size);
    const drawHeader = () => {
      if (titled) this.#row(header, columns, boxes, headerSize, HEADER_FILL);
    };
    const headerHeight = titled ? this.#rowHeight(header, boxes, headerSize) : 0;
    this.ensure(headerHeight + this.#rowHeight(rows[0] ?? header, boxes, size));
    drawHeader();
    for (const row of rows) {
      if (this.y + this.#rowHeight(row, boxes, size) > this.bottom) {
        this.doc.addPage();
        this.y = this.top;
        drawHeader();
      }
      this.#row(row, columns, boxes, size);
    }
    this.y += 6;
  }

  /** The largest size, down to 6 pt, at which no word of the row is wider than its column. */
  #fittingSize(row: TableRow, boxes: Array<[number, number]>, size: number): number {
    const fits = (s: number) =>
      row.cells.every((cell, i) =>
        cell
          .split(/\s+/)
          .every(
            (word) =>
              this.text.width(word, { size: s, bold: true }) <= (boxes[i] as [number, number])[1] - 2 * PAD,
          ),
      );
    let s = size;
    while (s > 6 && !fits(s)) s -= 0.5;
    return s;
  }

  #lines(row: TableRow, boxes: Array<[number, number]>, size: number): string[][] {
    return row.cells.map((cell, i) =>
      this.text.wrap(cell, (boxes[i] as [number, number])[1] - 2 * PAD, { size, bold: row.bold ?? false }),
    );
  }

  #rowHeight(row: TableRow, boxes: Array<[number, number]>, size: number): number {
    const most = Math.max(1, ...this.#lines(row, boxes, size).map((l) => l.length));
    return most * this.lineHeight(size) + 2 * PAD;
  }

  #row(
    row: TableRow,
    columns: readonly Column[],
    boxes: Array<[number, number]>,
    size: number,
    fill?: string,
  ): void {
    const height = this.#rowHeight(row, boxes, size);
    if (fill) this.doc.rect(this.left, this.y, this.width, height).fill(fill);
    const lines = this.#lines(row, boxes, size);
    const top = this.y;
    lines.forEach((cellLines, i) => {
      const [x, width] = boxes[i] as [number, number];
      cellLines.forEach((line, n) => {
        this.y = top + PAD + n * this.lineHeight(size);
        const style = { size, bold: row.bold ?? false, color: row.colors?.[i] ?? "#000000" };
        const align = (columns[i] as Column).align;
        this.text.draw(
          line,
          { x: x + PAD, width: width - 2 * PAD, baseline: this.#baseline(size), align },
          style,
        );
      });
    });
    this.y = top + height;
    this.doc.moveTo(this.left, this.y).lineTo(this.right, this.y).lineWidth(0.5).strokeColor(RULE).stroke();
  }
}
