/**
 * Text extraction for shaped Arabic. PDFKit's ToUnicode map gives each glyph the characters of its first
 * use, and Noto Naskh draws many letters from one dotless glyph plus dot marks (ب ت ث ن ي share a
 * tooth; أ is ا plus a hamza mark), so extracted text would read "تقرتر" for "تقرير". Marked content
 * with an /ActualText (PDF 32000-1, 14.9.4) replaces what a reader extracts:
 * - the shaped glyphs get an empty ActualText, so their lossy mapping extracts as nothing;
 * - each character of the run, in logical order, gets an invisible stand-in (a space glyph stretched to
 *   an equal share of the run's width, laid out left to right in visual order) whose ActualText is that
 *   one character; one character per span keeps readers from having to guess the order of several.
 * Poppler, for one, applies the ActualText with the graphics state at EMC, so the span must close
 * before PDFKit's `Q` restores it: the markers are written inside the text object (after BT, before ET).
 */
import type PDFDocument from "pdfkit";

type Doc = typeof PDFDocument;

/** A PDF text string: UTF-16BE with its byte-order mark, in hex. */
export function pdfTextString(text: string): string {
  return `<FEFF${Buffer.from(text, "utf16le").swap16().toString("hex").toUpperCase()}>`;
}

/** Runs `draw` (one PDFKit text call) with its text object wrapped in a span replacing its text. */
export function withActualText(doc: Doc, actual: string, draw: () => void): void {
  const original = doc.addContent;
  doc.addContent = (data: string) => {
    if (data === "BT") original.call(doc, `/Span <</ActualText ${pdfTextString(actual)}>> BDC`);
    original.call(doc, data);
    if (data === "ET") original.call(doc, "EMC");
    return doc;
  };
  try {
    draw();
  } finally {
    doc.addContent = original;
  }
}
