import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../../../../test/servers/free-port.js";
import { addToken, writeTokensFile } from "./file.js";
import { TokenRegistry } from "./registry.js";
import { generateToken, hashToken, TokenIndex } from "./token.js";

/** Records log calls, so tests can assert what an operator would see. */
function recordingLog() {
  const lines: Array<{ level: string; msg: string }> = [];
  return {
    lines,
    info: (_obj: object, msg: string) => lines.push({ level: "info", msg }),
    error: (_obj: object, msg: string) => lines.push({ level: "error", msg }),
  };
}

let dir: string;
let path: string;
let registry: TokenRegistry | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-registry-"));
  path = join(dir, "tokens.json");
});
afterEach(() => {
  registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("TokenRegistry", () => {
  it("refuses to start without a tokens file", async () => {
    registry = new TokenRegistry({ path, log: recordingLog() });
    await expect(registry.start()).rejects.toThrow(`tokens file ${path} does not exist: create it with`);
  });

  it("knows the institution of each token, and nothing of malformed or unknown ones", async () => {
    const { token } = await addToken(path, "ehpad-a");
    registry = new TokenRegistry({ path, log: recordingLog() });
    await registry.start();
    expect(registry.institutionOf(token)).toBe("ehpad-a");
    expect(registry.institutionOf(`${token}x`)).toBeUndefined();
    expect(registry.institutionOf("jisr_short")).toBeUndefined();
  });

  it("finds each of 4000 tokens by its hash, and refuses a token that shares all but its last character", async () => {
    const tokens = Array.from({ length: 4000 }, () => generateToken());
    await writeTokensFile(path, {
      version: 1,
      tokens: tokens.map((t, i) => ({
        id: `tok_${i.toString(16).padStart(8, "0")}`,
        institution: `inst-${i}`,
        sha256: hashToken(t),
        created: "2026-12-01T00:00:00Z",
      })),
    });
    registry = new TokenRegistry({ path, log: recordingLog() });
    await registry.start();
    expect(registry.size).toBe(4000);
    tokens.forEach((t, i) => {
      expect(registry?.institutionOf(t)).toBe(`inst-${i}`);
    });
    for (const i of [0, 1999, 3999]) {
      const t = tokens[i] as string;
      const last = t.at(-1) === "A" ? "B" : "A";
      const nearMiss = `${t.slice(0, -1)}${last}`;
      expect(nearMiss).toHaveLength(t.length);
      expect(registry.institutionOf(nearMiss)).toBeUndefined();
      expect(registry.institutionOf(t.slice(0, -1))).toBeUndefined();
    }
  });

  it("picks up a token added (file replaced by rename) while running, by itself", async () => {
    await addToken(path, "ehpad-a");
    registry = new TokenRegistry({ path, log: recordingLog(), pollMs: 20 });
    await registry.start();
    const { token } = await addToken(path, "ehpad-b");
    expect(registry.institutionOf(token)).toBeUndefined();
    const r = registry;
    await waitFor(async () => r.institutionOf(token) === "ehpad-b", 5000, "the new token to be accepted");
    expect(r.size).toBe(2);
  });

  it("keeps the last good tokens when the file breaks, logs it once, and recovers when it is fixed", async () => {
    const { token } = await addToken(path, "ehpad-a");
    const log = recordingLog();
    registry = new TokenRegistry({ path, log, pollMs: 60_000 });
    await registry.start();

    writeFileSync(join(dir, "broken.json"), '{"tokens": [ {"id": ');
    renameSync(join(dir, "broken.json"), path);
    await registry.check();
    await registry.check();
    expect(registry.institutionOf(token)).toBe("ehpad-a");
    expect(log.lines.filter((l) => l.level === "error")).toHaveLength(1);

    rmSync(path);
    await registry.check();
    expect(registry.institutionOf(token)).toBe("ehpad-a");
    expect(log.lines.filter((l) => l.level === "error")).toHaveLength(2);

    const fresh = await addToken(path, "ehpad-c");
    await registry.check();
    expect(registry.institutionOf(fresh.token)).toBe("ehpad-c");
    expect(registry.institutionOf(token)).toBeUndefined(); // the new file no longer holds it
    expect(log.lines.at(-1)?.msg).toMatch(/reloaded/);
  });
});

describe("TokenIndex", () => {
  it("confirms a match by comparing digests, so an entry is found only by its own token", () => {
    const [a, b] = [generateToken(), generateToken()];
    const index = new TokenIndex([
      { sha256: hashToken(a), name: "a" },
      { sha256: hashToken(b), name: "b" },
      { sha256: hashToken(a), name: "a again" },
    ]);
    expect(index.size).toBe(2);
    expect(index.find(a)?.name).toBe("a"); // the first entry wins, as in findByHash
    expect(index.find(b)?.name).toBe("b");
    expect(index.find(`${a}x`)).toBeUndefined();
    expect(index.find("")).toBeUndefined();
  });
});
