/**
 * The generated isolation, file by file: one organisation per institution, each datasource reading only
 * its own institution's database as a user granted nothing else, secrets kept private, ids and passwords
 * stable when the files are generated again.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generateIsolation } from "./generate.js";
import type { PlanInstitution, PlanUser } from "./plan.js";
import { orgDashboardsFileSchema, orgDatasourcesFileSchema } from "./provisioning.js";

const inst = (id: string): PlanInstitution => ({ id, name: { fr: `Établissement ${id}` } });
const INSTITUTIONS = ["dar-a", "dar-b", "dar-c"].map(inst);
const USERS: PlanUser[] = [
  { id: "salma", name: "Salma", role: "ministry", institutions: [] },
  { id: "karim", name: "Karim «le chef»", role: "manager", institutions: ["dar-a"] },
  { id: "youssef", name: "Youssef O'Brien", role: "technician", institutions: ["dar-b", "dar-c"] },
];

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const read = (path: string) => readFileSync(join(dir as string, path), "utf8");

/** user → databases it may read, from the GRANT statements of isolation.influxql. */
function grants(): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const m of read("influxdb/isolation.influxql").matchAll(/GRANT (\w+) ON "([^"]+)" TO "([^"]+)"/g)) {
    const [, privilege, database, user] = m as unknown as [string, string, string, string];
    expect(privilege).toBe("READ");
    byUser.set(user, [...(byUser.get(user) ?? []), database]);
  }
  return byUser;
}

describe("jisr grafana isolation's files", () => {
  it("give each institution an organisation whose datasource reads its own database only", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-isolation-"));
    await generateIsolation({ institutions: INSTITUTIONS, users: USERS, outDir: dir });
    const datasources = orgDatasourcesFileSchema.parse(
      parse(read("grafana/provisioning/datasources/jisr-institutions.yaml")),
    );
    const providers = orgDashboardsFileSchema.parse(
      parse(read("grafana/provisioning/dashboards/jisr-institutions.yaml")),
    );
    expect(datasources.datasources.map((d) => [d.orgId, d.jsonData.dbName, d.user])).toEqual([
      [2, "jisr_dar-a", "grafana_dar-a"],
      [3, "jisr_dar-b", "grafana_dar-b"],
      [4, "jisr_dar-c", "grafana_dar-c"],
    ]);
    expect(providers.providers.map((p) => p.orgId)).toEqual([2, 3, 4]);
    const granted = grants();
    for (const d of datasources.datasources) expect(granted.get(d.user)).toEqual([d.jsonData.dbName]);
    // Nothing is granted on the main database, and no datasource lives in the Main Org.
    expect([...granted.values()].flat()).not.toContain("jisr");
    expect(datasources.datasources.every((d) => d.orgId !== 1)).toBe(true);
  });

  it("keep the passwords private and out of the provisioning files", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-isolation-"));
    await generateIsolation({ institutions: INSTITUTIONS, outDir: dir, password: () => "pw-'quoted'\\x" });
    expect(statSync(join(dir, "secrets.env")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "influxdb/isolation.influxql")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "grafana/create-orgs.sh")).mode & 0o777).toBe(0o755);
    expect(read("secrets.env")).toContain("JISR_INFLUX_PASSWORD_DAR_A=pw-'quoted'\\x\n");
    expect(read("influxdb/isolation.influxql")).toContain(
      `CREATE USER "grafana_dar-a" WITH PASSWORD 'pw-\\'quoted\\'\\\\x'`,
    );
    const provisioning = read("grafana/provisioning/datasources/jisr-institutions.yaml");
    expect(provisioning).not.toContain("pw-");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own $VAR syntax, expanded at provisioning
    expect(provisioning).toContain("password: ${JISR_INFLUX_PASSWORD_DAR_A}");
  });

  it("make Grafana users of managers and technicians only, in their institutions' organisations", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-isolation-"));
    const { plan } = await generateIsolation({ institutions: INSTITUTIONS, users: USERS, outDir: dir });
    expect(plan.users).toEqual([
      { login: "karim", name: "Karim «le chef»", orgs: [{ orgId: 2, role: "Viewer" }] },
      {
        login: "youssef",
        name: "Youssef O'Brien",
        orgs: [
          { orgId: 3, role: "Viewer" },
          { orgId: 4, role: "Viewer" },
        ],
      },
    ]);
    const script = read("grafana/create-orgs.sh");
    expect(script).toContain(`ensure_user 'youssef' 3 '"Youssef O'\\''Brien"'`);
    expect(script).toContain(`leave_main "$USER_ID" 'karim'`);
  });

  it("keep organisation ids and passwords when generated again, never reusing a retired id", async () => {
    dir = mkdtempSync(join(tmpdir(), "jisr-isolation-"));
    await generateIsolation({ institutions: INSTITUTIONS, outDir: dir });
    const before = read("secrets.env");
    const again = [inst("dar-c"), inst("dar-a"), inst("dar-d")]; // dar-b left, dar-d joined
    const { plan } = await generateIsolation({ institutions: again, outDir: dir });
    expect(plan.orgs.map((o) => [o.institution, o.orgId, o.retired ?? false])).toEqual([
      ["dar-a", 2, false],
      ["dar-b", 3, true],
      ["dar-c", 4, false],
      ["dar-d", 5, false],
    ]);
    const line = (text: string, key: string) => text.split("\n").find((l) => l.startsWith(key));
    expect(line(read("secrets.env"), "JISR_INFLUX_PASSWORD_DAR_A")).toBe(
      line(before, "JISR_INFLUX_PASSWORD_DAR_A"),
    );
    expect(read("secrets.env")).not.toContain("DAR_B");
    expect(read("README.md")).toContain("- dar-b: org 3 (delete it in Grafana by hand)");
  });
});
