import { describe, expect, it } from "vitest";
import { bearerToken, findByHash, generateToken, hashToken, TOKEN_PATTERN } from "./token.js";

describe("tokens", () => {
  it("are jisr_ plus 43 base64url characters (32 random bytes), all different", () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const t of tokens) {
      expect(t).toMatch(TOKEN_PATTERN);
      expect(Buffer.from(t.slice(5), "base64url")).toHaveLength(32);
    }
  });

  it("are stored as the SHA-256 hex of their text", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("are found by hash, and an unknown or near-miss token is not", () => {
    const [a, b] = [generateToken(), generateToken()];
    const entries = [
      { sha256: hashToken(a), institution: "a" },
      { sha256: hashToken(b), institution: "b" },
    ];
    expect(findByHash(entries, b)?.institution).toBe("b");
    expect(findByHash(entries, `${b.slice(0, -1)}x`)).toBeUndefined();
    expect(findByHash(entries, generateToken())).toBeUndefined();
    expect(findByHash([], a)).toBeUndefined();
  });

  it("are read from a Bearer authorization header only", () => {
    expect(bearerToken("Bearer jisr_abc")).toBe("jisr_abc");
    expect(bearerToken("bearer  jisr_abc")).toBe("jisr_abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
