import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@jisr/core/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addToken, readTokensFile } from "./file.js";
import { findByHash, hashToken } from "./token.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-tokens-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("addToken", () => {
  it("creates the file with mode 0600, storing the hash and never the token", async () => {
    const path = join(dir, "sub", "tokens.json");
    const { token, entry } = await addToken(path, "ehpad-ben-guerir", {
      now: new Date("2026-11-29T10:00:00Z"),
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(token);
    expect(text).toContain(hashToken(token));
    expect(entry).toMatchObject({ institution: "ehpad-ben-guerir", created: "2026-11-29T10:00:00.000Z" });
    expect(entry.id).toMatch(/^tok_[0-9a-f]{12}$/);
  });

  it("appends to an existing file and leaves no temporary file behind", async () => {
    const path = join(dir, "tokens.json");
    const first = await addToken(path, "a-1");
    const second = await addToken(path, "b-2", { note: "boiler room" });
    const file = await readTokensFile(path);
    expect(file.tokens.map((t) => [t.institution, t.note])).toEqual([
      ["a-1", undefined],
      ["b-2", "boiler room"],
    ]);
    expect(findByHash(file.tokens, first.token)?.id).toBe(first.entry.id);
    expect(findByHash(file.tokens, second.token)?.id).toBe(second.entry.id);
    expect(readdirSync(dir)).toEqual(["tokens.json"]);
  });

  it.each([
    ["empty", ""],
    ["whitespace-only", " \n\t\n"],
  ])("treats an existing %s file as a registry without tokens", async (_name, content) => {
    const path = join(dir, "tokens.json");
    writeFileSync(path, content);
    const { token, entry } = await addToken(path, "a-1");
    const file = await readTokensFile(path);
    expect(file.tokens).toEqual([entry]);
    expect(findByHash(file.tokens, token)?.institution).toBe("a-1");
  });

  it("refuses an institution id that is not an id, and leaves the file as it was", async () => {
    const path = join(dir, "tokens.json");
    await addToken(path, "a-1");
    const before = readFileSync(path, "utf8");
    await expect(addToken(path, "Bad Id")).rejects.toThrow(/tokens\.1\.institution: must be lower-case/);
    expect(readFileSync(path, "utf8")).toBe(before);
  });
});

describe("readTokensFile", () => {
  it("names every problem of an invalid file", async () => {
    const path = join(dir, "tokens.json");
    const sha = "a".repeat(64);
    const created = "2026-01-01T00:00:00Z";
    writeFileSync(
      path,
      JSON.stringify({
        tokens: [
          { id: "tok_0123456789ab", institution: "x", sha256: sha, created },
          { id: "tok_0123456789ab", institution: "y", sha256: "nothex", created, extra: 1 },
        ],
      }),
    );
    const error = await readTokensFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["tokens.1.sha256", "tokens.1"]));
  });

  it("refuses an empty file unless asked not to: the running service keeps its last good tokens", async () => {
    const path = join(dir, "tokens.json");
    writeFileSync(path, "\n");
    await expect(readTokensFile(path)).rejects.toThrow(/tokens file .* is not valid/);
    expect(await readTokensFile(path, { emptyIsEmpty: true })).toEqual({ version: 1, tokens: [] });
  });

  it("reports a JSON syntax error as a validation error of the file", async () => {
    const path = join(dir, "tokens.json");
    writeFileSync(path, "{ tokens: [");
    await expect(readTokensFile(path)).rejects.toThrow(/tokens file .* is not valid/);
  });

  it("reports duplicate ids", async () => {
    const path = join(dir, "tokens.json");
    const entry = {
      id: "tok_0123456789ab",
      institution: "x",
      sha256: "a".repeat(64),
      created: "2026-01-01T00:00:00Z",
    };
    writeFileSync(path, JSON.stringify({ tokens: [entry, { ...entry, sha256: "b".repeat(64) }] }));
    await expect(readTokensFile(path)).rejects.toThrow(/tokens\.1\.id: duplicates tokens\.0\.id/);
  });
});
