/**
 * create-orgs.sh, run with sh and curl against a stand-in for Grafana's HTTP API (no Grafana server exists
 * in Debian or on npm: TECH-NOTES). The stand-in keeps organisations, users and memberships as Grafana
 * does, and puts every new user in the Main Org as `auto_assign_org` would, so the script must take
 * managers out of it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { generateIsolation } from "./generate.js";

const run = promisify(execFile);
const AUTH = "admin:grafana-admin";

class FakeGrafana {
  orgs = new Map<string, number>([["Main Org.", 1]]);
  users = new Map<string, { id: number; name: string }>();
  members = new Map<number, Set<string>>([[1, new Set()]]);
  reloads: string[] = [];
  server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  memberOf(login: string): number[] {
    return [...this.members].filter(([, m]) => m.has(login)).map(([id]) => id);
  }

  join(orgId: number, login: string): boolean {
    const set = this.members.get(orgId) ?? new Set();
    this.members.set(orgId, set);
    if (set.has(login)) return false;
    set.add(login);
    return true;
  }

  async handle(req: IncomingMessage): Promise<[number, unknown]> {
    if (req.headers.authorization !== `Basic ${Buffer.from(AUTH).toString("base64")}`) return [401, {}];
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : {};
    const url = new URL(req.url ?? "/", "http://x");
    const path = `${req.method} ${url.pathname}`;
    for (const [pattern, handler] of this.routes()) {
      const m = pattern.exec(path);
      if (m) return handler(m.slice(1), body, url);
    }
    return [404, { message: `no route ${path}` }];
  }

  // biome-ignore lint/suspicious/noExplicitAny: request bodies of a stand-in, as Grafana receives them
  routes(): Array<[RegExp, (m: string[], body: any, url: URL) => [number, unknown]]> {
    return [
      [
        /^GET \/api\/orgs\/name\/(.+)$/,
        ([name]) => {
          const id = this.orgs.get(decodeURIComponent(name as string));
          return id ? [200, { id, name }] : [404, { message: "Organization not found" }];
        },
      ],
      [
        /^POST \/api\/orgs$/,
        (_, body) => {
          const id = Math.max(...this.orgs.values()) + 1;
          this.orgs.set(body.name, id);
          return [200, { message: "Organization created", orgId: id }];
        },
      ],
      [
        /^GET \/api\/users\/lookup$/,
        (_, __, url) => {
          const login = url.searchParams.get("loginOrEmail") ?? "";
          const u = this.users.get(login);
          return u ? [200, { id: u.id, login }] : [404, { message: "user not found" }];
        },
      ],
      [
        /^POST \/api\/admin\/users$/,
        (_, body) => {
          const id = this.users.size + 2;
          this.users.set(body.login, { id, name: body.name });
          this.join(body.OrgId, body.login);
          this.join(1, body.login); // auto_assign_org
          return [200, { id, message: "User created" }];
        },
      ],
      [
        /^POST \/api\/orgs\/(\d+)\/users$/,
        ([org], body) =>
          this.join(Number(org), body.loginOrEmail)
            ? [200, {}]
            : [409, { message: "User is already member" }],
      ],
      [
        /^DELETE \/api\/orgs\/(\d+)\/users\/(\d+)$/,
        ([org, user]) => {
          const login = [...this.users].find(([, u]) => u.id === Number(user))?.[0] ?? "";
          return this.members.get(Number(org))?.delete(login) ? [200, {}] : [404, {}];
        },
      ],
      [
        /^POST \/api\/admin\/provisioning\/(\w+)\/reload$/,
        ([what]) => {
          this.reloads.push(what as string);
          return [200, {}];
        },
      ],
    ];
  }
}

let dir: string | undefined;
let grafana: FakeGrafana | undefined;
afterEach(async () => {
  await new Promise((r) => grafana?.server.close(r) ?? r(undefined));
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  grafana = undefined;
});

async function setUp(): Promise<{ url: string; script: string }> {
  dir = mkdtempSync(join(tmpdir(), "jisr-create-orgs-"));
  await generateIsolation({
    institutions: ["dar-a", "dar-b", "dar-c"].map((id) => ({ id, name: { fr: id } })),
    users: [
      { id: "salma", name: "Salma", role: "ministry", institutions: [] },
      { id: "karim", name: "Karim «O'Neil»", role: "manager", institutions: ["dar-a"] },
      { id: "youssef", name: "Youssef", role: "technician", institutions: ["dar-b", "dar-c"] },
    ],
    outDir: dir,
  });
  grafana = new FakeGrafana();
  return { url: await grafana.start(), script: join(dir, "grafana/create-orgs.sh") };
}

const sh = async (script: string, url: string) => {
  try {
    const { stdout, stderr } = await run("sh", [script], {
      env: { ...process.env, GRAFANA_URL: url, GRAFANA_AUTH: AUTH },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe("create-orgs.sh", () => {
  it("creates one organisation per institution and the users, out of the Main Org, then reloads", async () => {
    const { url, script } = await setUp();
    const g = grafana as FakeGrafana;
    const first = await sh(script, url);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect([...g.orgs]).toEqual([
      ["Main Org.", 1],
      ["jisr-dar-a", 2],
      ["jisr-dar-b", 3],
      ["jisr-dar-c", 4],
    ]);
    expect(g.memberOf("karim")).toEqual([2]);
    expect(g.memberOf("youssef")).toEqual([3, 4]);
    expect(g.users.has("salma")).toBe(false);
    expect(g.users.get("karim")?.name).toBe("Karim «O'Neil»");
    expect(first.stdout).toMatch(/user karim created; first password \(.*\): [A-Za-z0-9]{16,}/);
    expect(g.reloads).toEqual(["datasources", "dashboards"]);

    const second = await sh(script, url);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain("created");
    expect(g.memberOf("karim")).toEqual([2]);
    expect(g.reloads).toHaveLength(4);
  });

  it("stops, saying what to do, when Grafana gave an organisation another id than the files use", async () => {
    const { url, script } = await setUp();
    (grafana as FakeGrafana).orgs.set("jisr-dar-a", 7);
    const result = await sh(script, url);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "create-orgs.sh: organisation jisr-dar-a has id 7 in Grafana, but 2 in the provisioning files: set its orgId to 7 in orgs.json, run jisr grafana isolation again and redeploy the files\n",
    );
    expect((grafana as FakeGrafana).reloads).toEqual([]);
  });
});
