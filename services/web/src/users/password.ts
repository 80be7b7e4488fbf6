/**
 * Password hashing with Node's scrypt (RFC 7914), a memory-hard function current guidance accepts (OWASP
 * Password Storage Cheat Sheet lists N=2^15, r=8, p=3 as equivalent to its 2^17/8/1 minimum, with a
 * quarter of the memory: 32 MiB per hash). Every hash carries its own salt and parameters, so raising the
 * cost later leaves old hashes verifiable:
 *
 *   $scrypt$ln=15,r=8,p=3$<salt, base64>$<64-byte key, base64>
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation (run one after another here, so it multiplies the time, not the memory). */
  p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };

/** Bounds on what a hash string may ask for, so a crafted file cannot make one login take minutes. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

const KEY_BYTES = 64;
const SALT_BYTES = 16;

export const HASH_PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,}={0,2})\$([A-Za-z0-9+/]{43,}={0,2})$/;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node refuses more than 32 MiB by default; scrypt needs 128·N·r bytes, plus headroom.
  const maxmem = 256 * N * params.r;
  return new Promise((resolve, reject) => {
    scryptCb(
      password.normalize("NFC"),
      salt,
      KEY_BYTES,
      { N, r: params.r, p: params.p, maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

function checkParams(params: ScryptParams): void {
  for (const name of ["ln", "r", "p"] as const) {
    const [min, max] = LIMITS[name];
    const value = params[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`scrypt parameter ${name}=${value} is outside ${min}..${max}`);
    }
  }
}

/** A new hash of `password` with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  checkParams(params);
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function parseHash(stored: string): ParsedHash {
  const m = HASH_PATTERN.exec(stored);
  if (!m) throw new RangeError("not a $scrypt$ hash");
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  checkParams(params);
  return { params, salt: Buffer.from(m[4] ?? "", "base64"), key: Buffer.from(m[5] ?? "", "base64") };
}

/** True when `password` matches `stored`; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parseHash(stored);
  const candidate = await scrypt(password, salt, params);
  return candidate.length === key.length && timingSafeEqual(candidate, key);
}

/**
 * A hash no password matches, checked when the login id is unknown, so the answer takes as long as for a
 * known id and its timing does not tell which ids exist.
 */
export async function dummyHash(params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  return hashPassword(randomBytes(32).toString("base64"), params);
}
