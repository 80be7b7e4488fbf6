/**
 * WOFF 1.0 to plain OpenType (sfnt), once per process. fontkit reads WOFF, but inflates a table again at
 * every access with a JavaScript inflater: embedding one Arabic report took seconds. Node's zlib inflates
 * each table once here and fontkit gets an ordinary font. (Fontsource's WOFF2 files do not do: fontkit's
 * subsetter fails on their composite glyphs.) Format: https://www.w3.org/TR/WOFF/ sections 3 to 5.
 */
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

const WOFF_SIGNATURE = 0x774f4646; // "wOFF"
const WOFF_HEADER = 44;
const WOFF_ENTRY = 20;
const SFNT_HEADER = 12;
const SFNT_ENTRY = 16;

interface Table {
  tag: number;
  checksum: number;
  data: Buffer;
}

const cache = new Map<string, Buffer>();

/** The sfnt bytes of a WOFF file (cached by path). */
export function woffFileToSfnt(path: string): Buffer {
  let sfnt = cache.get(path);
  if (!sfnt) {
    sfnt = woffToSfnt(readFileSync(path), path);
    cache.set(path, sfnt);
  }
  return sfnt;
}

export function woffToSfnt(woff: Buffer, name = "font"): Buffer {
  if (woff.readUInt32BE(0) !== WOFF_SIGNATURE) throw new Error(`${name} is not a WOFF 1.0 file`);
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: Table[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = WOFF_HEADER + i * WOFF_ENTRY;
    const [offset, compLength, origLength] = [
      woff.readUInt32BE(at + 4),
      woff.readUInt32BE(at + 8),
      woff.readUInt32BE(at + 12),
    ];
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : raw;
    if (data.length !== origLength) throw new Error(`${name}: table ${i} inflates to the wrong length`);
    tables.push({ tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data });
  }
  return sfntOf(flavor, tables);
}

function sfntOf(flavor: number, tables: Table[]): Buffer {
  const pad4 = (n: number) => (n + 3) & ~3;
  const dataStart = SFNT_HEADER + tables.length * SFNT_ENTRY;
  const size = tables.reduce((n, t) => n + pad4(t.data.length), dataStart);
  const out = Buffer.alloc(size);
  // searchRange etc. from the OpenType spec: the largest power of two not above numTables.
  const power = 2 ** Math.floor(Math.log2(tables.length));
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(tables.length, 4);
  out.writeUInt16BE(power * 16, 6);
  out.writeUInt16BE(Math.log2(power), 8);
  out.writeUInt16BE(tables.length * 16 - power * 16, 10);
  let offset = dataStart;
  tables.forEach((t, i) => {
    const at = SFNT_HEADER + i * SFNT_ENTRY;
    out.writeUInt32BE(t.tag, at);
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offset);
    offset += pad4(t.data.length);
  });
  return out;
}
