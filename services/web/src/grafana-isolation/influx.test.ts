/**
 * The generated InfluxQL against a real influxd with authentication on (a private one: the shared test
 * server runs without auth, where grants mean nothing): each institution's user reads its own database,
 * which holds its own points only, with tags, field types and analytics results intact, and cannot read
 * another institution's database or the main one, nor write.
 */

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startInfluxd } from "../../../../test/servers/influxd.js";
import { generateIsolation } from "./generate.js";
import type { IsolationPlan } from "./plan.js";

const run = promisify(execFile);
const ADMIN = { user: "admin", password: "admin-secret" };
const NOW = Date.now();
const MIN = 60_000;

let influx: RunningServer;
let dir: string;
let plan: IsolationPlan;

interface Answer {
  status: number;
  results: Array<{
    error?: string;
    series?: Array<{ tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  }>;
  error?: string;
}

const basic = (as: { user: string; password: string }) =>
  `Basic ${Buffer.from(`${as.user}:${as.password}`).toString("base64")}`;

async function query(q: string, as: { user: string; password: string } | null, db?: string): Promise<Answer> {
  // InfluxDB 1.x reads credentials from the URL or Basic auth, never from the form body.
  const headers: Record<string, string> = as ? { authorization: basic(as) } : {};
  const params = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${influx.url}/query`, { method: "POST", body: params, headers });
  return { status: res.status, ...((await res.json()) as Omit<Answer, "status">) };
}

/** Runs the generated apply.sh on one generated file, as an operator would (sh and curl). */
async function apply(name: string): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env, INFLUX_URL: influx.url, INFLUX_ADMIN: `${ADMIN.user}:${ADMIN.password}` };
  try {
    const { stderr } = await run("sh", [join(dir, "influxdb/apply.sh"), join(dir, name)], { env });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

const errors = (a: Answer) => [a.error, ...(a.results ?? []).map((r) => r.error)].filter(Boolean);
const file = (name: string) => readFileSync(join(dir, name), "utf8");
const userOf = (institution: string) => ({
  user: `grafana_${institution}`,
  password: plan.passwords.get(institution) as string,
});

beforeAll(async () => {
  influx = await startInfluxd({ auth: true });
  // With auth on and no user yet, InfluxDB accepts this one statement unauthenticated: the first admin.
  expect(
    errors(await query(`CREATE USER admin WITH PASSWORD '${ADMIN.password}' WITH ALL PRIVILEGES`, null)),
  ).toEqual([]);
  expect(errors(await query('CREATE DATABASE "jisr"', ADMIN))).toEqual([]);
  const lines = [
    `pv_inverter,device=inv-1,institution=dar-a power_w=1000 ${NOW - 10 * MIN}`,
    `pv_inverter,device=inv-2,institution=dar-a power_w=1500 ${NOW - 10 * MIN}`,
    `pv_inverter,device=inv-1,institution=dar-b power_w=2000 ${NOW - 10 * MIN}`,
    `pv_inverter,device=inv-1,institution=dar-a power_w=900 ${NOW - 5 * 60 * MIN}`,
    `hot_water,device=swh-1,institution=dar-a tank_top_temperature_c=51.5,pump_on=true ${NOW - 10 * MIN}`,
    `energy_daily,institution=dar-a pv_energy_wh=42000,completeness=1 ${NOW - 30 * 24 * 60 * MIN}`,
    // Hostile, straight into InfluxDB (issue 9): dar-b's series with FIELDS named like the tags. A bare
    // `WHERE "institution" = 'dar-a'` then reads the field and copies nothing of dar-a's pv_inverter.
    `pv_inverter,device=evil,institution=dar-b institution=0,device=1,power_w=0 ${NOW - 10 * MIN}`,
  ];
  const write = await fetch(`${influx.url}/write?db=jisr&precision=ms`, {
    method: "POST",
    body: lines.join("\n"),
    headers: { authorization: basic(ADMIN) },
  });
  expect(write.status).toBe(204);
  dir = mkdtempSync(join(tmpdir(), "jisr-isolation-influx-"));
  ({ plan } = await generateIsolation({
    institutions: [
      { id: "dar-a", name: { fr: "Dar A" } },
      { id: "dar-b", name: { fr: "Dar B" } },
    ],
    outDir: dir,
  }));
}, 60_000);

afterAll(async () => {
  await influx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the generated InfluxQL on influxd with auth", () => {
  it("creates the databases, users and grants, and can be run again", async () => {
    expect(await apply("influxdb/isolation.influxql")).toEqual({ code: 0, stderr: "" });
    expect(await apply("influxdb/isolation.influxql")).toEqual({ code: 0, stderr: "" });
    const grants = await query('SHOW GRANTS FOR "grafana_dar-a"', ADMIN);
    expect(grants.results[0]?.series?.[0]?.values).toEqual([["jisr_dar-a", "READ"]]);
  });

  it("brings the users' passwords in line when secrets.env was lost and new ones generated", async () => {
    const old = userOf("dar-a");
    rmSync(join(dir, "secrets.env"));
    ({ plan } = await generateIsolation({
      institutions: [
        { id: "dar-a", name: { fr: "Dar A" } },
        { id: "dar-b", name: { fr: "Dar B" } },
      ],
      outDir: dir,
    }));
    expect(userOf("dar-a").password).not.toBe(old.password);
    // In one request, InfluxDB 1.6 stops at the CREATE USER of a user with another password; apply.sh
    // sends each statement alone, so the SET PASSWORD after it still runs.
    const together = await query(file("influxdb/isolation.influxql"), ADMIN);
    expect(together.results).toHaveLength(2); // CREATE DATABASE, then CREATE USER: "not executed", and no more
    expect(errors(together)).toEqual(["not executed"]);
    expect(await apply("influxdb/isolation.influxql")).toEqual({ code: 0, stderr: "" });
    expect((await query("SHOW MEASUREMENTS", old, "jisr_dar-a")).status).toBe(401);
    expect(errors(await query("SHOW MEASUREMENTS", userOf("dar-a"), "jisr_dar-a"))).toEqual([]);
  });

  it("reports a failing statement without showing its password", async () => {
    writeFileSync(join(dir, "bad.influxql"), "CREATE USER \"x\" WITH PASSWORD 'secret-1' WITH NONSENSE;\n");
    const result = await apply("bad.influxql");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^apply.sh: CREATE USER "x" WITH PASSWORD '\(hidden\)': .*error/);
    expect(result.stderr).not.toContain("secret-1");
  });

  it("copies each institution's recent points, tags and results into its own database", async () => {
    expect(await apply("influxdb/copy.influxql")).toEqual({ code: 0, stderr: "" });
    const a = await query("SELECT power_w FROM pv_inverter GROUP BY *", userOf("dar-a"), "jisr_dar-a");
    expect(errors(a)).toEqual([]);
    const series = a.results[0]?.series ?? [];
    expect(series.map((s) => [s.tags, s.values.map((v) => v[1])])).toEqual([
      [{ device: "inv-1", institution: "dar-a" }, [1000]], // the 5-hour-old reading waits for the backfill
      [{ device: "inv-2", institution: "dar-a" }, [1500]],
    ]);
    const hot = await query(
      "SELECT tank_top_temperature_c, pump_on FROM hot_water",
      userOf("dar-a"),
      "jisr_dar-a",
    );
    expect(hot.results[0]?.series?.[0]?.values.map((v) => v.slice(1))).toEqual([[51.5, true]]);
    const results = await query("SELECT pv_energy_wh FROM energy_daily", userOf("dar-a"), "jisr_dar-a");
    expect(results.results[0]?.series?.[0]?.values.map((v) => v[1])).toEqual([42000]);
    const b = await query("SELECT power_w FROM pv_inverter GROUP BY *", userOf("dar-b"), "jisr_dar-b");
    expect(b.results[0]?.series?.map((s) => s.tags)).toEqual([
      { device: "evil", institution: "dar-b" }, // dar-b's own hostile series stays dar-b's
      { device: "inv-1", institution: "dar-b" },
    ]);
    // dar-a's copy never received the stray fields.
    const keys = await query("SHOW FIELD KEYS FROM pv_inverter", userOf("dar-a"), "jisr_dar-a");
    expect(keys.results[0]?.series?.[0]?.values.map((v) => v[0])).toEqual(["power_w"]);
  });

  it("backfills the whole history once", async () => {
    expect(await apply("influxdb/backfill.influxql")).toEqual({ code: 0, stderr: "" });
    const a = await query(
      "SELECT count(power_w) FROM pv_inverter WHERE device = 'inv-1'",
      userOf("dar-a"),
      "jisr_dar-a",
    );
    expect(a.results[0]?.series?.[0]?.values[0]?.[1]).toBe(2);
  });

  it("lets an institution's user read nothing else, and write nothing", async () => {
    const forbidden = /not authorized/;
    for (const db of ["jisr_dar-b", "jisr"]) {
      const answer = await query("SELECT * FROM pv_inverter", userOf("dar-a"), db);
      expect(errors(answer).join(" ")).toMatch(forbidden);
      expect(answer.status).toBe(403);
      expect(answer.results ?? []).toEqual([]); // no series at all, not even an empty one
    }
    const wrong = await query(
      "SELECT * FROM pv_inverter",
      { ...userOf("dar-a"), password: "guess" },
      "jisr_dar-a",
    );
    expect(wrong.status).toBe(401);
    const write = await fetch(`${influx.url}/write?db=jisr_dar-a`, {
      method: "POST",
      body: "pv_inverter,device=x,institution=dar-a power_w=1",
      headers: { authorization: basic(userOf("dar-a")) },
    });
    expect(write.status).toBe(403);
  });
});
