/**
 * One MQTT batch → points ready to store, through the same checks as POST /api/v1/write: the sender's
 * token (MQTT 5 user property `authorization: Bearer <token>`) must belong to the institution the topic
 * names, every point must pass the point schema, and no point may name another institution. Pure apart
 * from the token lookup; a refusal is a JisrError with the same code the HTTP route would answer.
 */
import { gunzipSync } from "node:zlib";
import { type Point, sealCheckedPoint } from "@jisr/core/point";
import { decodeJsonBatch } from "../batch/json.js";
import { ERR, JisrError } from "../errors.js";
import { claimForInstitution } from "../plugins/app/tenancy.js";
import { bearerToken } from "../tokens/token.js";

export interface BatchMessage {
  institution: string;
  payload: Buffer;
  /** MQTT 5 user properties of the PUBLISH (a repeated key arrives as an array). */
  userProperties: Record<string, string | string[]> | undefined;
}

export interface BatchLimits {
  maxPoints: number;
  /** Largest payload after gzip decompression. */
  maxBytes: number;
}

export type BatchOutcome = { ok: true; points: Point[] } | { ok: false; error: JisrError };

export function decodeMqttBatch(
  message: BatchMessage,
  institutionOf: (token: string) => string | undefined,
  limits: BatchLimits,
): BatchOutcome {
  try {
    authorize(message, institutionOf);
    const body = parseBody(message.payload, limits.maxBytes);
    const batch = decodeJsonBatch(body, limits.maxPoints);
    if (batch.total === 0) throw ERR.EMPTY_BATCH();
    if (batch.bad > 0) {
      const error = ERR.INVALID_BATCH(batch.bad, batch.total);
      error.problems = batch.problems;
      throw error;
    }
    return { ok: true, points: claimForInstitution(message.institution, batch.points).map(sealCheckedPoint) };
  } catch (err) {
    if (isJisrError(err)) return { ok: false, error: err };
    throw err;
  }
}

/** The token must exist and belong to the topic's institution; both failures look alike to the sender. */
function authorize(message: BatchMessage, institutionOf: (token: string) => string | undefined): void {
  const header = message.userProperties?.authorization;
  const token = bearerToken(Array.isArray(header) ? header[0] : header);
  const owner = token === undefined ? undefined : institutionOf(token);
  if (owner === undefined) throw ERR.UNAUTHORIZED();
  if (owner !== message.institution) {
    throw new JisrError(
      ERR.FORBIDDEN_INSTITUTION.code,
      ERR.FORBIDDEN_INSTITUTION.statusCode,
      `The topic names institution "${message.institution}" but the token belongs to "${owner}"; nothing was written`,
    );
  }
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

function isJisrError(err: unknown): err is JisrError {
  return err instanceof JisrError;
}
