import { applyScale, bitNames, decodeRaw, enumName } from "./decode-values.js";
import type { DecodedModel, DecodedPoint } from "./decoded-schema.js";
import type { LaidOutPoint, SunspecModelMap } from "./models.js";

/** Raw values of one block of points (before scaling), used to look scale factors up. */
type RawBlock = Map<string, number | string | null>;

function rawBlock(points: readonly LaidOutPoint[], words: readonly number[], base: number): RawBlock {
  const block: RawBlock = new Map();
  for (const p of points) {
    const start = base + p.offset;
    // A point past the end of the block is absent (an older, shorter model version): leave it out.
    if (start + p.size > words.length) continue;
    block.set(p.name, decodeRaw(p.type, words, start, p.size));
  }
  return block;
}

function decodePoint(p: LaidOutPoint, raw: number | string | null, scaleOf: (sf: string) => number | null) {
  const point: DecodedPoint = { value: null };
  if (p.units !== undefined) point.units = p.units;
  if (raw === null || typeof raw === "string") {
    point.value = raw;
    return point;
  }
  if (p.type === "enum16" || p.type === "enum32") {
    point.raw = raw;
    point.value = enumName(raw, p.symbols) ?? raw;
  } else if (p.type === "bitfield16" || p.type === "bitfield32") {
    point.raw = raw;
    point.value = bitNames(raw, p.symbols);
  } else if (p.sf !== undefined) {
    // A value whose scale factor is not implemented (0x8000) cannot be trusted: null.
    const sf = scaleOf(p.sf);
    point.value = sf === null ? null : applyScale(raw, sf);
  } else {
    point.value = raw;
  }
  return point;
}

function decodeBlock(points: readonly LaidOutPoint[], block: RawBlock, outer?: RawBlock) {
  const scaleOf = (sf: string): number | null => {
    const v = block.get(sf) ?? outer?.get(sf);
    return typeof v === "number" ? v : null;
  };
  const out: Record<string, DecodedPoint> = {};
  for (const p of points) {
    if (p.type === "pad" || !block.has(p.name)) continue;
    out[p.name] = decodePoint(p, block.get(p.name) ?? null, scaleOf);
  }
  return out;
}

/** How many repetitions of the group the block holds: the count point, capped by the registers present. */
function repetitions(map: SunspecModelMap, top: RawBlock, available: number): number {
  const g = map.group;
  if (!g || g.size === 0) return 0;
  const fit = Math.max(0, Math.floor((available - g.offset) / g.size));
  const n = top.get(g.count);
  return typeof n === "number" ? Math.min(n, fit) : fit;
}

/**
 * Decodes one SunSpec model. `words` starts at the model's ID register and holds ID, L and the body
 * (L + 2 registers); `address` is where ID sits on the device. Scale factors are applied, sentinels
 * become null, enums and bitfields are named. The result has the shape of DecodedModelSchema by
 * construction (every value comes from decodeRaw's typed output); it is not parsed with zod here because
 * this runs for every model of every poll, and a parse copies the whole model (issue 13, footprint).
 * decode.test.ts checks the shape against the schema, and readSunspecDevice parses what it returns.
 */
export function decodeModel(map: SunspecModelMap, words: readonly number[], address = 0): DecodedModel {
  const [id, length] = words;
  if (id !== map.id || length === undefined) {
    throw new Error(`model ${map.id} (${map.name}): block starts with id ${String(id)}, expected ${map.id}`);
  }
  // Never read past L, even when the caller passed more registers.
  const body = words.length > length + 2 ? words.slice(0, length + 2) : words;
  const top = rawBlock(map.points, body, 0);
  const groups: Record<string, Array<Record<string, DecodedPoint>>> = {};
  if (map.group) {
    const g = map.group;
    const n = repetitions(map, top, body.length);
    groups[g.name] = Array.from({ length: n }, (_, i) =>
      decodeBlock(g.points, rawBlock(g.points, body, g.offset + i * g.size), top),
    );
  }
  return {
    id: map.id,
    name: map.name,
    label: map.label,
    address,
    length,
    points: decodeBlock(map.points, top),
    groups,
  };
}
