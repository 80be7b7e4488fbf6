import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { fontFiles } from "./fonts.js";
import { woffFileToSfnt } from "./woff.js";

const require = createRequire(import.meta.url);
const fontkit = createRequire(require.resolve("pdfkit"))("fontkit") as {
  create(b: Buffer): {
    numGlyphs: number;
    type: string;
    familyName: string;
    hasGlyphForCodePoint(c: number): boolean;
  };
  openSync(path: string): { numGlyphs: number };
};

describe("woffToSfnt", () => {
  it("gives back the font the WOFF wraps, table for table", () => {
    const file = fontFiles()["arabic-regular"] as string;
    const sfnt = woffFileToSfnt(file);
    expect(sfnt.readUInt32BE(0)).toBe(0x00010000); // TrueType outlines
    const font = fontkit.create(sfnt);
    expect(font.type).toBe("TTF");
    expect(font.familyName).toBe("Noto Naskh Arabic");
    expect(font.numGlyphs).toBe(fontkit.openSync(file).numGlyphs);
    expect(font.hasGlyphForCodePoint(0x062a)).toBe(true); // ت
  });

  it("refuses what is not WOFF 1.0", () => {
    expect(() => woffFileToSfnt(require.resolve("@fontsource/noto-sans/unicode.json"))).toThrow(
      /is not a WOFF 1.0 file/,
    );
  });
});
