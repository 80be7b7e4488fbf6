/** The `jisr` commands of this workspace, run through commander as a user would run them. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { registerWebCommands } from "./cli.js";
import type { WebServer } from "./server.js";
import { CENTRE, FOYER, type WebFixture, webFixture } from "./testing/fixture.js";
import { readUsersFile } from "./users/file.js";
import { verifyPassword } from "./users/password.js";

let fixture: WebFixture | undefined;
let server: WebServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  await fixture?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  [fixture, server, dir] = [undefined, undefined, undefined];
});

function cli(stdin = "") {
  const out = { stdout: "", stderr: "" };
  const program = new Command("jisr").exitOverride().configureOutput({
    writeErr: (s) => {
      out.stderr += s;
    },
  });
  registerWebCommands(program, {
    io: {
      stdin: Readable.from([stdin]),
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
    waitForSignal: false,
    onStarted: (s) => {
      server = s;
    },
  });
  return { out, run: (...args: string[]) => program.parseAsync(["node", "jisr", ...args]) };
}

describe("jisr user add", () => {
  it("reads the password from stdin and writes only its hash, printing nothing secret", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-web-cli-"));
    const users = join(dir, "users.yaml");
    const { out, run } = cli("s3cret-Passw0rd\nignored line\n");
    await run(
      "user",
      "add",
      "--users",
      users,
      "--id",
      "amina",
      "--name",
      "Amina",
      "--role",
      "technician",
      "--institution",
      FOYER,
      "--institution",
      CENTRE,
      "--language",
      "ar",
    );
    expect(out.stdout).toBe(`Added technician "amina" (${FOYER}, ${CENTRE}) in ${users}\n`);
    expect(out.stdout + out.stderr).not.toContain("s3cret");
    const [amina] = (await readUsersFile(users)).users;
    expect(amina).toMatchObject({
      id: "amina",
      role: "technician",
      language: "ar",
      institutions: [FOYER, CENTRE],
    });
    expect(await verifyPassword("s3cret-Passw0rd", amina?.password_hash as string)).toBe(true);
  });

  it("refuses a gateway role, and an institution the institutions file does not know", async () => {
    fixture = await webFixture();
    const users = join(fixture.dir, "new-users.yaml");
    const a = cli("password-123\n");
    await expect(
      a.run("user", "add", "--users", users, "--id", "gw", "--name", "G", "--role", "gateway"),
    ).rejects.toThrow();
    expect(a.out.stderr).toContain("Allowed choices are ministry, manager, technician");
    const b = cli("password-123\n");
    await expect(
      b.run(
        "user",
        "add",
        "--users",
        users,
        "--id",
        "m",
        "--name",
        "M",
        "--role",
        "manager",
        "--institution",
        "nowhere",
        "--institutions",
        join(fixture.dir, "institutions.yaml"),
      ),
    ).rejects.toThrow();
    expect(b.out.stderr).toContain("not in");
    expect(existsSync(users)).toBe(false);
  });
});

describe("jisr user token and jisr web serve", () => {
  it("serves the page; a token issued on the command line opens the API as its user", async () => {
    fixture = await webFixture();
    const token = cli();
    await token.run(
      "user",
      "token",
      "--users",
      fixture.usersFile,
      "--id",
      "karim",
      "--note",
      "export script",
    );
    const issued = token.out.stdout.trim();
    expect(issued).toMatch(/^jisr_[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(fixture.usersFile, "utf8")).not.toContain(issued);

    const serve = cli();
    await serve.run(
      "web",
      "serve",
      "--sqlite",
      join(fixture.dir, "store.sqlite"),
      "--institutions",
      join(fixture.dir, "institutions.yaml"),
      "--users",
      fixture.usersFile,
      "--port",
      "0",
      "--log-level",
      "silent",
    );
    expect(serve.out.stdout).toMatch(/^Jisr web page: http:\/\/127\.0\.0\.1:\d+\/\n$/);
    const url = (server as WebServer).url;
    const me = await fetch(`${url}api/v1/me`, { headers: { authorization: `Bearer ${issued}` } });
    expect((await me.json()) as { id: string; via: string }).toMatchObject({ id: "karim", via: "token" });
    const page = await fetch(url);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/js/app.js"></script>');
  });
});

describe("jisr grafana isolation", () => {
  it("writes the isolation files for the institutions and users", async () => {
    fixture = await webFixture();
    const out = join(fixture.dir, "isolation");
    const c = cli();
    await c.run(
      "grafana",
      "isolation",
      "--institutions",
      join(fixture.dir, "institutions.yaml"),
      "--users",
      fixture.usersFile,
      "--out",
      out,
    );
    expect(c.out.stdout).toBe(
      `3 institution organisation(s), 2 Grafana user(s): 10 files in ${out}\nNext: read ${join(out, "README.md")} (the steps, in order).\n`,
    );
    expect(readFileSync(join(out, "grafana/create-orgs.sh"), "utf8")).toContain(`ensure_org jisr-${FOYER} 2`);
  });
});
