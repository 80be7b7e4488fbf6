/**
 * `extends`: a profile built on shared blocks (evcc's includes, STYLE.md §2). Merging works on the files
 * as written, before the schema fills defaults, so a block's default never hides the profile's own.
 *
 * - points: merged by name; a point of the extending file replaces the block's point of that name in
 *   place, other points are appended;
 * - requirements, caveats: the block's first, then the file's;
 * - defaults, read: key by key (defaults.sentinels type by type);
 * - anything else: the extending file's value when it gives one.
 */

/** Where a merged point was written: for messages that name the file and index the user can open. */
export interface PointOrigin {
  file: string;
  index: number;
}

export interface MergedRaw {
  raw: Record<string, unknown>;
  origins: PointOrigin[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function mergeRecords(a: unknown, b: unknown): unknown {
  if (!isRecord(a) || !isRecord(b)) return b ?? a;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k === "sentinels" ? mergeRecords(a[k], v) : v;
  return out;
}

function pointName(p: unknown): unknown {
  return isRecord(p) ? p.name : undefined;
}

function mergePoints(base: MergedRaw, over: MergedRaw): { points: unknown[]; origins: PointOrigin[] } {
  const merged = Array.isArray(base.raw.points) ? [...base.raw.points] : [];
  const origins = [...base.origins];
  const points = Array.isArray(over.raw.points) ? over.raw.points : [];
  points.forEach((p, i) => {
    const name = pointName(p);
    const at = name === undefined ? -1 : merged.findIndex((q) => pointName(q) === name);
    const origin = over.origins[i] ?? { file: "?", index: i };
    if (at === -1) {
      merged.push(p);
      origins.push(origin);
    } else {
      merged[at] = p;
      origins[at] = origin;
    }
  });
  return { points: merged, origins };
}

/** One file as written, each point's origin its own index. */
export function fromFile(raw: Record<string, unknown>, file: string): MergedRaw {
  const points = Array.isArray(raw.points) ? raw.points : [];
  return { raw, origins: points.map((_, index) => ({ file, index })) };
}

/** `over` merged over `base`. */
export function mergeOver(base: MergedRaw, over: MergedRaw): MergedRaw {
  const out: Record<string, unknown> = { ...base.raw };
  for (const [key, value] of Object.entries(over.raw)) {
    if (key === "extends" || key === "points") continue;
    if (key === "requirements" || key === "caveats") {
      const before = Array.isArray(base.raw[key]) ? (base.raw[key] as unknown[]) : [];
      out[key] = Array.isArray(value) ? [...before, ...value] : value;
    } else if (key === "defaults" || key === "read") {
      out[key] = mergeRecords(base.raw[key], value);
    } else {
      out[key] = value;
    }
  }
  const { points, origins } = mergePoints(base, over);
  if (over.raw.points !== undefined || base.raw.points !== undefined) out.points = points;
  return { raw: out, origins };
}

export const EMPTY: MergedRaw = { raw: {}, origins: [] };
