import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Alert, AlertStore, buildApp } from "@jisr/alerting";
import { bills, DEFAULT_INSTITUTIONS_FILE, loadInstitutions } from "@jisr/analytics";
import type { Point } from "@jisr/core";
import { localMonth, MOROCCO_TZ } from "@jisr/core";
import { SqliteStore } from "@jisr/core/store";
import { generateToken, hashToken } from "@jisr/service-kit";
import { Command } from "commander";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerReportCommands } from "./cli.js";
import { buildReport } from "./model/build.js";
import { renderReport } from "./render/index.js";

const NOW = Date.UTC(2026, 10, 15);
const OCT = localMonth("2026-10", MOROCCO_TZ).from;
let dir: string;
let sqlite: string;
/** The alerting service's state, owned by its API below (the reports read the API, never this file). */
let state: AlertStore;
let alerting: Awaited<ReturnType<typeof buildApp>>;
let alertingUrl: string;
/** Covers every institution; one covering foyer-ben-guerir only. */
const token = generateToken();
const foyerToken = generateToken();

/** Runs `jisr ...args` (the demo's institutions file by default); resolves with stdout. */
async function jisr(...args: string[]): Promise<string> {
  let out = "";
  let err = "";
  const program = new Command("jisr")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerReportCommands(program, {
    io: { stdout: { write: (s: string) => (out += s) } },
    now: () => NOW,
    logger: pino({ level: "silent" }),
  });
  try {
    await program.parseAsync(["node", "jisr", ...args]);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${err}`);
  }
  return out;
}

/** A loopback port nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const monthly = (measurement: string, institution: string, fields: Record<string, number>): Point => ({
  measurement,
  tags: { institution },
  fields,
  time: OCT,
});

function alert(id: string, institution: string, firingSince: number, resolvedAt: number | null): Alert {
  return {
    id,
    fingerprint: id,
    rule: "inverter_fault",
    institution,
    device: "inverter-1",
    subject: "",
    state: resolvedAt === null ? "firing" : "resolved",
    severity: "major",
    activeSince: firingSince,
    firingSince,
    resolvedAt,
    clearSince: null,
    lastSeenAt: firingSince,
    evidence: {},
    summary: { key: "inverter_fault.fault_state", params: {} },
    action: { key: "read_inverter_display_and_restart", params: {} },
    ack: null,
    notifiedAt: null,
    lastNotifiedAt: null,
    notifiedSeverity: null,
    notifyCount: 0,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-report-cli-"));
  sqlite = join(dir, "store.sqlite");
  const store = new SqliteStore({ path: sqlite, logger: pino({ level: "silent" }) });
  await store.init();
  await store.write([
    monthly("savings_monthly", "foyer-ben-guerir", {
      savings_mad: 812.45,
      export_income_mad: 0,
      completeness: 1,
    }),
    monthly("energy_monthly", "foyer-ben-guerir", {
      pv_energy_wh: 1_500_000,
      self_consumed_wh: 1_200_000,
      completeness: 1,
    }),
    monthly("savings_monthly", "maison-enfants-skhour", { savings_mad: 400.05, completeness: 0.6 }),
  ]);
  await store.close();
  state = new AlertStore(join(dir, "alerting.sqlite"));
  const oct5 = Date.UTC(2026, 9, 5, 8);
  state.commit({
    upserts: [
      alert("alt_1", "foyer-ben-guerir", oct5, oct5 + 3 * 3_600_000),
      alert("alt_2", "foyer-ben-guerir", oct5, null),
    ],
    drops: [],
    notifications: [],
    deliveries: [],
  });
  // The alerting service's API on loopback, as `jisr alerting run` serves it.
  alerting = await buildApp({
    alerts: state,
    tokens: [
      {
        id: "tok_0000000r",
        user: "reports",
        sha256: hashToken(token),
        institutions: ["*"],
        on_behalf: false,
      },
      {
        id: "tok_0000000f",
        user: "foyer",
        sha256: hashToken(foyerToken),
        institutions: ["foyer-ben-guerir"],
        on_behalf: false,
      },
    ],
    clock: () => NOW,
  });
  await alerting.listen({ host: "127.0.0.1", port: 0 });
  alertingUrl = `http://127.0.0.1:${(alerting.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await alerting?.close();
  state?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("jisr report", () => {
  it("writes the programme's CSV where --out says, and prints the path", async () => {
    const out = join(dir, "october.csv");
    const printed = await jisr(
      "report",
      "--period",
      "2026-10",
      "--format",
      "csv",
      "--sqlite",
      sqlite,
      "--out",
      out,
    );
    expect(printed).toBe(`${out}\n`);
    const lines = readFileSync(out, "utf8").split("\r\n");
    expect(lines[1]).toMatch(
      /^2026-10;foyer-ben-guerir;Foyer pour personnes âgées, Ben Guerir;812,45;812,45;;0,00;;1500,0;1200,0;80,0;/,
    );
    expect(lines[2]).toMatch(
      /^2026-10;maison-enfants-skhour;Maison d'enfants, Skhour Rehamna;400,05;400,05;/,
    );
    expect(lines.find((l) => l.includes(";Total;"))).toMatch(/^2026-10;;Total;1212,50;1212,50;/);
  });

  it("adds the reconciliation of the bills recorded for the period with --bills", async () => {
    const billsDir = join(dir, "bills");
    new bills.BillStore(billsDir).add(
      [
        bills.billInputSchema.parse({
          institution: "foyer-ben-guerir",
          reference: "SRM-10",
          from: "2026-10-01",
          to: "2026-10-31",
          registers: [{ kwh: 420 }],
          lines: [{ kind: "energy", label: "Consommation", amount: 600, basis: "ttc" }],
          total: 600,
        }),
      ],
      "test",
    );
    const args = ["report", "--period", "2026-10", "--format", "csv", "--sqlite", sqlite];
    const withBills = join(dir, "with-bills.csv");
    await jisr(...args, "--bills", billsDir, "--out", withBills);
    const text = readFileSync(withBills, "utf8");
    expect(text).toContain("Rapprochement des factures (période de relevé)");
    expect(text).toContain("SRM-10");
    const without = join(dir, "without-bills.csv");
    await jisr(...args, "--out", without);
    expect(readFileSync(without, "utf8")).not.toContain("SRM-10");
  });

  it("counts alerts read from the alerting service's API", async () => {
    const out = join(dir, "alerts.csv");
    const args = ["report", "--period", "2026-10", "--format", "csv", "--lang", "en", "--sqlite", sqlite];
    await jisr(...args, "--alerting-url", alertingUrl, "--alerting-token", token, "--out", out);
    const [header, foyer] = readFileSync(out, "utf8").split("\r\n");
    const columns = (header as string).split(",");
    const cells = (foyer as string).split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(cells[columns.indexOf("Alerts raised")]).toBe("2");
    expect(cells[columns.indexOf("Mean time to resolve (h)")]).toBe("3.0");
  });

  it("writes the same alert figures as the alerting service's state gives them (programme and one institution)", async () => {
    const institutions = loadInstitutions(DEFAULT_INSTITUTIONS_FILE);
    for (const institution of [undefined, "foyer-ben-guerir"]) {
      const scope = institution ? ["--institution", institution] : [];
      const out = join(dir, `alerts-${institution ?? "programme"}.csv`);
      const args = ["report", "--period", "2026-10", "--format", "csv", "--sqlite", sqlite, ...scope];
      await jisr(...args, "--alerting-url", alertingUrl, "--alerting-token", token, "--out", out);
      const store = new SqliteStore({ path: sqlite, logger: pino({ level: "silent" }) });
      await store.init();
      try {
        const direct = await buildReport({
          store,
          period: "2026-10",
          institutions,
          now: NOW,
          alerts: state,
          ...(institution ? { institution } : {}),
        });
        expect(direct.totalAlerts?.raised).toBe(2);
        expect(readFileSync(out, "utf8")).toBe((await renderReport(direct, "csv", "fr")).toString("utf8"));
      } finally {
        await store.close();
      }
    }
  });

  it("says what is wrong with the alerting options, and that --alerts is gone", async () => {
    const args = ["report", "--period", "2026-10", "--sqlite", sqlite, "--format", "csv"];
    await expect(jisr(...args, "--alerts", join(dir, "alerting.sqlite"))).rejects.toThrow(
      /jisr report: --alerts is gone; the alerting service's state file is no longer read by reports: give its API instead, --alerting-url URL --alerting-token TOKEN/,
    );
    process.env.JISR_ALERTS_STATE = join(dir, "alerting.sqlite");
    try {
      await expect(jisr(...args)).rejects.toThrow(
        /jisr report: JISR_ALERTS_STATE is gone; .* --alerting-url URL/,
      );
    } finally {
      delete process.env.JISR_ALERTS_STATE;
    }
    await expect(jisr(...args, "--alerting-url", alertingUrl)).rejects.toThrow(
      /alertingToken: --alerting-url needs --alerting-token \(JISR_ALERTING_TOKEN\)/,
    );
    await expect(jisr(...args, "--alerting-url", "ftp://x", "--alerting-token", token)).rejects.toThrow(
      /alertingUrl: must be an http\(s\) URL/,
    );
    // A token that does not cover the institution asked for: the API's refusal, named.
    await expect(
      jisr(
        ...args,
        "--institution",
        "maison-enfants-skhour",
        "--alerting-url",
        alertingUrl,
        "--alerting-token",
        foyerToken,
      ),
    ).rejects.toThrow(
      `jisr report: the alerting API at ${alertingUrl} refused (HTTP 403): Your token does not cover institution "maison-enfants-skhour"`,
    );
    await expect(
      jisr(...args, "--alerting-url", alertingUrl, "--alerting-token", generateToken()),
    ).rejects.toThrow(
      `jisr report: the alerting API at ${alertingUrl} refused (HTTP 401): Missing or unknown token`,
    );
    // Nobody listening there: where, and why.
    const closed = await closedPort();
    await expect(
      jisr(...args, "--alerting-url", `http://127.0.0.1:${closed}`, "--alerting-token", token),
    ).rejects.toThrow(
      `jisr report: The alerting service at http://127.0.0.1:${closed} is unavailable: ECONNREFUSED`,
    );
  });

  it("names the file after the period, institution and language by default", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const printed = await jisr(
        "report",
        "--period",
        "2026-10",
        "--institution",
        "foyer-ben-guerir",
        "--lang",
        "ar",
        "--sqlite",
        sqlite,
      );
      expect(printed).toBe(`${join(dir, "jisr-report-2026-10-foyer-ben-guerir-ar.pdf")}\n`);
      expect(readFileSync(printed.trim()).subarray(0, 5).toString()).toBe("%PDF-");
    } finally {
      process.chdir(cwd);
    }
  });

  it("shows examples in --help", async () => {
    let help = "";
    const program = new Command("jisr").exitOverride().configureOutput({ writeOut: (s) => (help += s) });
    registerReportCommands(program, { logger: pino({ level: "silent" }) });
    await expect(program.parseAsync(["node", "jisr", "report", "--help"])).rejects.toThrow("(outputHelp)");
    expect(help).toContain("Examples:");
    expect(help).toContain("jisr report --period 2026-Q4 --institution foyer-ben-guerir --lang ar");
  });

  it("says what is wrong", async () => {
    await expect(jisr("report", "--period", "2026-13", "--sqlite", sqlite)).rejects.toThrow(
      /invalid options:\n {2}- period: must be a month \(2026-10\), a quarter \(2026-Q4\) or a year \(2026\)/,
    );
    await expect(
      jisr("report", "--period", "2026-10", "--institution", "nowhere", "--sqlite", sqlite),
    ).rejects.toThrow(
      /jisr report: No institution "nowhere" in the institutions file; known: foyer-ben-guerir, maison-enfants-skhour/,
    );
    await expect(
      jisr("report", "--period", "2026-10", "--format", "docx", "--sqlite", sqlite),
    ).rejects.toThrow(/Allowed choices are pdf, xlsx, csv/);
  });
});
