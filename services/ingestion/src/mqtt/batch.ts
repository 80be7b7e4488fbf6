/**
 * One MQTT batch → what to do with it, through the same checks as POST /api/v1/write, but split instead of
 * refused whole: over MQTT the gateway has let go of the batch once it is acknowledged, so a bad point
 * must not cost its good neighbours.
 *
 * - `authorizeBatch`: the sender's token (MQTT 5 user property `authorization: Bearer <token>`) must
 *   belong to the institution the topic names. When it does not, the batch goes to quarantine whole.
 * - `splitMqttBatch`: every point is checked (core's point schema, the device tag) and claimed for the
 *   topic's institution; the good points come back ready to store, the bad ones as rejections with their
 *   path, message and code. Only a payload that cannot be read at all (not gzip, not JSON, too large) is
 *   refused whole.
 * Pure apart from the token lookup.
 */
import { gunzipSync } from "node:zlib";
import { type Point, sealCheckedPoint } from "@jisr/core";
import { JisrError } from "@jisr/core/errors";
import { bearerToken, hashToken } from "@jisr/service-kit";
import { decodeJsonBatch } from "../batch/json.js";
import type { PointLimits } from "../batch/point.js";
import { ERR } from "../errors.js";
import type { Rejection } from "./state.js";

export interface BatchLimits {
  /** Points per write to the store; a larger MQTT batch is written in several parts, not refused. */
  maxPoints: number;
  /** Largest payload after gzip decompression. */
  maxBytes: number;
  /** Fields and tags per point, as over HTTP (`--max-fields`, `--max-tags`); their defaults otherwise. */
  point?: Partial<PointLimits>;
}

export type Authorization =
  | { ok: true }
  | { ok: false; code: string; reason: string; tokenSha256: string | undefined };

export const QUARANTINE_REASON = {
  missing: "no token: the batch has no `authorization: Bearer <token>` user property",
  unknown: "unknown token: not in the tokens file (never issued there, or revoked)",
} as const;

/**
 * The token must exist and belong to the topic's institution. `ownerOf` answers for a token (live
 * messages) and `tokenSha256` is kept for a later re-check by hash (replay).
 */
export function authorizeBatch(
  institution: string,
  userProperties: Record<string, string | string[]> | undefined,
  ownerOf: (token: string) => string | undefined,
): Authorization {
  const header = userProperties?.authorization;
  const token = bearerToken(Array.isArray(header) ? header[0] : header);
  if (token === undefined)
    return {
      ok: false,
      code: ERR.UNAUTHORIZED.code,
      reason: QUARANTINE_REASON.missing,
      tokenSha256: undefined,
    };
  return judgeOwner(institution, ownerOf(token), hashToken(token));
}

/** The same judgement for a batch kept with the hash of its token. */
export function judgeOwner(
  institution: string,
  owner: string | undefined,
  tokenSha256: string | undefined,
): Authorization {
  if (tokenSha256 === undefined)
    return { ok: false, code: ERR.UNAUTHORIZED.code, reason: QUARANTINE_REASON.missing, tokenSha256 };
  if (owner === undefined)
    return { ok: false, code: ERR.UNAUTHORIZED.code, reason: QUARANTINE_REASON.unknown, tokenSha256 };
  if (owner !== institution)
    return {
      ok: false,
      code: ERR.FORBIDDEN_INSTITUTION.code,
      reason: `token of another institution: it belongs to "${owner}", the topic names "${institution}"`,
      tokenSha256,
    };
  return { ok: true };
}

/** A good point, with its place in the batch as sent (for the path of a later refusal by the store). */
export interface GoodPoint {
  point: Point;
  index: number;
  raw: unknown;
}

export type SplitOutcome =
  | { ok: true; total: number; good: GoodPoint[]; rejections: Rejection[] }
  | { ok: false; error: JisrError };

export function splitMqttBatch(institution: string, payload: Buffer, limits: BatchLimits): SplitOutcome {
  try {
    const body = parseBody(payload, limits.maxBytes);
    // No point limit here: the payload is in memory already (bounded by maxBytes and the broker's
    // packet size), and refusing a batch for its length would lose good points. It is written in parts.
    const batch = decodeJsonBatch(body, Number.MAX_SAFE_INTEGER, limits.point);
    const raw = (body as { points: unknown[] }).points;
    const byIndex = new Map<number, { path: string; message: string }[]>();
    for (const p of batch.problems) {
      // Every problem of a JSON batch names its point; one that did not would blame the batch whole.
      const index = p.index ?? -1;
      const list = byIndex.get(index) ?? [];
      list.push({ path: p.path, message: p.message });
      byIndex.set(index, list);
    }
    const rejections: Rejection[] = [];
    for (const [index, problems] of [...byIndex].sort((a, b) => a[0] - b[0])) {
      const [first] = problems as [{ path: string; message: string }];
      rejections.push({
        code: ERR.INVALID_BATCH.code,
        path: first.path,
        message: problems.map((p, i) => (i === 0 ? p.message : `${p.path}: ${p.message}`)).join("; "),
        item: itemOf(raw[index]),
      });
    }
    // decodeJsonBatch keeps the good points in order: they are the indices without a problem.
    const goodIndices = raw.map((_, i) => i).filter((i) => !byIndex.has(i));
    const good: GoodPoint[] = [];
    batch.points.forEach((point, n) => {
      const index = goodIndices[n] as number;
      const named = point.tags.institution;
      if (named !== undefined && named !== institution) {
        rejections.push({
          code: ERR.FORBIDDEN_INSTITUTION.code,
          path: `points.${index}.tags.institution`,
          message: `names institution "${named}" but the topic and the token are "${institution}"`,
          item: itemOf(raw[index]),
        });
        return;
      }
      // Checked by pointSchema, and the institution is the topic's (a valid id, its token checked).
      const claimed = sealCheckedPoint(
        named === undefined ? { ...point, tags: { ...point.tags, institution } } : point,
      );
      good.push({ point: claimed, index, raw: raw[index] });
    });
    rejections.sort((a, b) => indexOfPath(a.path) - indexOfPath(b.path));
    return { ok: true, total: batch.total, good, rejections };
  } catch (err) {
    if (err instanceof JisrError) return { ok: false, error: err };
    throw err;
  }
}

/** Points in a payload, for the quarantine's counts; 0 when it cannot be read. */
export function countPoints(payload: Buffer, maxBytes: number): number {
  try {
    const body = parseBody(payload, maxBytes) as { points?: unknown };
    return Array.isArray(body?.points) ? body.points.length : 0;
  } catch {
    return 0;
  }
}

/** The start of a payload, as kept for a batch refused whole. */
export function payloadItem(payload: Buffer): string {
  const gzipped = payload[0] === 0x1f && payload[1] === 0x8b;
  if (gzipped) return `(gzip, ${payload.length} bytes)`;
  return payload.subarray(0, 2000).toString("utf8");
}

export function itemOf(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

function indexOfPath(path: string): number {
  const match = /^points\.(\d+)/.exec(path);
  return match ? Number(match[1]) : -1;
}

function parseBody(payload: Buffer, maxBytes: number): unknown {
  let text: string;
  // Gzip is recognised by its magic bytes: JSON never starts with 0x1f 0x8b.
  if (payload[0] === 0x1f && payload[1] === 0x8b) {
    try {
      text = gunzipSync(payload, { maxOutputLength: maxBytes }).toString("utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw ERR.BODY_TOO_LARGE(maxBytes);
      throw ERR.BAD_GZIP((err as Error).message);
    }
  } else {
    if (payload.length > maxBytes) throw ERR.BODY_TOO_LARGE(maxBytes);
    text = payload.toString("utf8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw ERR.INVALID_JSON((err as Error).message);
  }
}
