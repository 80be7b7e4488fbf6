/** The users file: strict schema with path-named errors, hashes only, written atomically with mode 0600. */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../testing/fixture.js";
import { addApiToken, addUser, parseUsers, readUsersFile } from "./file.js";
import { hashPassword, parseHash, verifyPassword } from "./password.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const HASH = `$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$${"A".repeat(86)}==`;

describe("users file schema", () => {
  it("reports every problem by path, and explains that a gateway is a token, not a user", () => {
    const yaml = `
users:
  - { id: Salma, name: S, role: ministry, institutions: [dar-a], password_hash: "${HASH}" }
  - { id: gw, name: G, role: gateway, password_hash: "${HASH}" }
  - { id: karim, name: K, role: manager, password_hash: "plain-text", colour: blue }
  - { id: youssef, name: Y, role: technician, institutions: [dar-a, dar-a], password_hash: "${HASH}" }
`;
    expect(() => parseUsers(yaml, "users.yaml")).toThrow(
      [
        "users file users.yaml is not valid:",
        "  - users.0.id: must be lower-case letters, digits, '.', '-' or '_' (max 63), starting with a letter or digit",
        "  - users.0.institutions: must be empty for the ministry, which sees every institution",
        "  - users.1.role: gateway is not a user role: a gateway writes with an ingestion token (`jisr token new --institution ID`)",
        "  - users.2.password_hash: must be a hash written by `jisr user add` ($scrypt$ln=..,r=..,p=..$salt$hash)",
        "  - users.2: unknown key; known keys are: id, name, role, institutions, language, password_hash, tokens",
        "  - users.2.institutions: must list at least one for a manager",
        "  - users.3.institutions.1: is listed twice",
      ].join("\n"),
    );
  });

  it("refuses a login id used twice", () => {
    const yaml = `
users:
  - { id: salma, name: S, role: ministry, password_hash: "${HASH}" }
  - { id: salma, name: S2, role: ministry, password_hash: "${HASH}" }
`;
    expect(() => parseUsers(yaml)).toThrow(
      "users file (text) is not valid:\n  - users.1.id: duplicates users.0.id",
    );
  });
});

describe("addUser and addApiToken", () => {
  it("stores a salted scrypt hash, never the password, in a file only its owner reads", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-users-"));
    const path = join(dir, "users.yaml");
    const input = {
      id: "karim",
      name: "Karim",
      role: "manager" as const,
      institutions: ["dar-a"],
      password: "s3cret-pass",
    };
    await addUser(path, input, { params: TEST_PARAMS });
    await addUser(path, { ...input, id: "amal" }, { params: TEST_PARAMS });
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain("s3cret-pass");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = await readUsersFile(path);
    const [a, b] = file.users.map((u) => u.password_hash);
    expect(a).not.toBe(b); // same password, different salts
    expect(await verifyPassword("s3cret-pass", a as string)).toBe(true);
    expect(await verifyPassword("s3cret-pasS", a as string)).toBe(false);
    await expect(addUser(path, input, { params: TEST_PARAMS })).rejects.toThrow(
      `user "karim" already exists in ${path}: use --replace to change them`,
    );
    await expect(addUser(path, { ...input, id: "x", password: "short" })).rejects.toThrow(
      "at least 8 characters",
    );
  });

  it("keeps a user's API tokens when the user is replaced, and stores only their SHA-256", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-users-"));
    const path = join(dir, "users.yaml");
    const input = { id: "salma", name: "Salma", role: "ministry" as const, password: "first-password" };
    await addUser(path, input, { params: TEST_PARAMS });
    const { token, entry } = await addApiToken(path, "salma", { note: "monthly export" });
    expect(token).toMatch(/^jisr_[A-Za-z0-9_-]{43}$/);
    await addUser(path, { ...input, password: "second-password" }, { replace: true, params: TEST_PARAMS });
    const [salma] = (await readUsersFile(path)).users;
    expect(salma?.tokens).toEqual([entry]);
    expect(readFileSync(path, "utf8")).not.toContain(token);
    expect(await verifyPassword("second-password", salma?.password_hash as string)).toBe(true);
    await expect(addApiToken(path, "nobody")).rejects.toThrow('no user "nobody"');
  });
});

describe("password hashes", () => {
  it("carry their parameters, and refuse parameters that would make one login take minutes", async () => {
    const hash = await hashPassword("pw-123456", { ln: 11, r: 8, p: 2 });
    expect(hash).toMatch(/^\$scrypt\$ln=11,r=8,p=2\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
    expect(parseHash(hash).params).toEqual({ ln: 11, r: 8, p: 2 });
    const greedy = hash.replace("ln=11", "ln=30");
    await expect(verifyPassword("pw-123456", greedy)).rejects.toThrow(
      "scrypt parameter ln=30 is outside 10..20",
    );
  });

  it("default to N=2^15, r=8, p=3", async () => {
    const hash = await hashPassword("pw-123456");
    expect(hash.startsWith("$scrypt$ln=15,r=8,p=3$")).toBe(true);
  });
});
