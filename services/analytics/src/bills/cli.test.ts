/**
 * `jisr bill add|import|list|reconcile` and `jisr tariff fit` end to end: files in a temporary directory,
 * readings in a SQLite store file, the commands parsed by commander as `jisr` does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@jisr/core/store";
import { Command } from "commander";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBillCommands, registerTariffFit } from "./cli.js";
import { DOMESTIC_YAML, PROFESSIONAL_YAML, SITE, sitePoints } from "./testing/fixture.js";

let dir: string;
let billsDir: string;
let institutions: string;
let tariffs: string;
let sqlite: string;

async function jisr(...args: string[]): Promise<string> {
  let out = "";
  let err = "";
  const program = new Command("jisr")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  registerBillCommands(program, io);
  registerTariffFit(program.command("tariff"), io);
  try {
    await program.parseAsync(["node", "jisr", ...args, ...common(args)]);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${err}\n${out}`);
  }
  return out;
}

function common(args: string[]): string[] {
  if (args[1] === "list") return ["--bills-dir", billsDir];
  return ["--bills-dir", billsDir, "--institutions", institutions];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-bills-cli-"));
  billsDir = join(dir, "bills");
  tariffs = join(dir, "tariffs");
  institutions = join(dir, "institutions.yaml");
  sqlite = join(dir, "store.sqlite");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(tariffs);
  writeFileSync(join(tariffs, "test-domestic.yaml"), DOMESTIC_YAML);
  writeFileSync(join(tariffs, "test-professional.yaml"), PROFESSIONAL_YAML);
  writeFileSync(
    institutions,
    `reading_interval: 15m
institutions:
  ${SITE}:
    name: { fr: Site B, ar: الموقع ب }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: tariffs/test-domestic.yaml
    pv: { inverters: [inv-1], max_power_w: 5000, tolerance_wh: 1 }
    grid_meter: { device: meter-1, max_power_w: 5000, tolerance_wh: 1 }
`,
  );
  const store = new SqliteStore({ path: sqlite, logger: pino({ level: "silent" }) });
  await store.init();
  // 1 kW imported from 1 Jan to 15 Mar 2026 (testing/fixture.ts).
  await store.write(sitePoints(Date.UTC(2026, 0, 1), Date.UTC(2026, 2, 15)));
  await store.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The three bills of fit.test.ts, billed with the 151-200 edges (amounts worked out there). */
const GOOD_CSV = `institution,reference,from,to,estimated,index_from,index_to,energy,energy_basis,fixed_fees,levy,vat,total,scan
${SITE},F-01,2026-01-05,2026-02-04,no,10000,10201,234.69,ttc,20.74,21.35,8.41,285.19,scans/f01.pdf
${SITE},F-02,2026-02-04,2026-03-06,no,10201,10506,"421,42",ttc,20.74,38.98,11.94,493.08,
${SITE},F-03,2026-03-06,2026-04-05,no,10506,10686,193.18,ttc,20.74,,4.15,218.07,
`;

describe("jisr bill import", () => {
  it("reports every problem of every row by line and column, and records nothing", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(
      bad,
      `institution,from,to,index_from,index_to,energy,total
${SITE},2026-01-05,2026-02-04,10000,10201,234.69,285.19
${SITE},2026-02-31,2026-03-06,10201,10100,abc,10
nowhere,2026-03-06,2026-04-05,,,5,5
`,
    );
    const error = await jisr("bill", "import", bad).catch((e: Error) => e.message);
    // Line 2: the lines add up to 234.69, not 285.19. Line 3: not a day, index going back, "abc", and
    // (no energy line left) a total of 10 with no line. Line 4: no kWh at all, and an unknown institution.
    expect(error).toContain("line 2, total: is 285.19 MAD but the lines add up to 234.69 MAD");
    expect(error).toContain("line 3, from: must be a calendar day YYYY-MM-DD");
    expect(error).toContain(
      "line 3, index_from/index_to/kwh: is below index_from (10201): a meter rollover?",
    );
    expect(error).toContain('line 3, energy: "abc" is not a number');
    expect(error).toContain("line 4, index_from/index_to/kwh: give index_from and index_to, or kwh");
    expect(await jisr("bill", "list", "--institution", SITE)).toBe(`${SITE}: 0 bill(s)\n`);
  });

  it("records a valid file, and refuses it a second time: the periods overlap", async () => {
    const good = join(dir, "good.csv");
    writeFileSync(good, GOOD_CSV);
    expect(await jisr("bill", "import", good, "--dry-run")).toBe(
      `${good}: 3 valid bill(s); nothing recorded (--dry-run)\n`,
    );
    expect(await jisr("bill", "import", good)).toMatch(/recorded 3 bill\(s\)/);
    const list = await jisr("bill", "list", "--institution", SITE);
    expect(
      list
        .split("\n")
        .slice(1, 4)
        .map((l) => l.replace(/^bill_\w+\s+/, "")),
    ).toEqual([
      "2026-01-05..2026-02-04      201 kWh     285.19 MAD  F-01  scan: scans/f01.pdf",
      "2026-02-04..2026-03-06      305 kWh     493.08 MAD  F-02",
      "2026-03-06..2026-04-05      180 kWh     218.07 MAD  F-03",
    ]);
    const again = await jisr("bill", "import", good).catch((e: Error) => e.message);
    expect(again).toContain("bill 1: from: 2026-01-05..2026-02-04 overlaps bill");
    expect(again).toContain("to replace it, give supersedes:");
    // The file holds one JSON line per bill, nothing else.
    expect(
      readFileSync(join(billsDir, `${SITE}.jsonl`), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(3);
  });
});

describe("jisr tariff fit", () => {
  it("names the variant that reproduces the recorded bills: the 151-200 edges", async () => {
    const out = await jisr("tariff", "fit", "--institution", SITE, "--tariffs", tariffs, "--top", "2");
    expect(out).toContain(
      "REPRODUCES ALL BILLS: test-domestic+edges-200 (test-domestic with selective bracket edges 200/300/500)",
    );
    expect(out).toContain(
      "2026-01-05..2026-02-04 201 kWh: billed 285.19, predicted 285.19, residual 0.00 MAD",
    );
  });
});

describe("jisr bill add and reconcile", () => {
  it("records a re-issued bill that supersedes one, then reconciles against the store", async () => {
    const list = await jisr("bill", "list", "--institution", SITE, "--json");
    const first = (JSON.parse(list) as Array<{ id: string }>)[0]?.id as string;
    // The same 201 kWh bill re-issued with an estimated reading flag and a reference.
    const added = await jisr(
      "bill",
      "add",
      "--institution",
      SITE,
      "--reference",
      "F-01bis",
      "--from",
      "2026-01-05",
      "--to",
      "2026-02-04",
      "--kwh",
      "201",
      "--estimated",
      "--energy",
      "234.69",
      "--energy-basis",
      "ttc",
      "--fixed-fees",
      "20.74",
      "--levy",
      "21.35",
      "--vat",
      "8.41",
      "--total",
      "285.19",
      "--supersedes",
      first,
    );
    expect(added).toMatch(/^recorded bill_\w+ for site-b: 2026-01-05\.\.2026-02-04, 201 kWh, 285\.19 MAD\n$/);
    const bad = await jisr(
      "bill",
      "add",
      "--institution",
      SITE,
      "--from",
      "2026-05-01",
      "--to",
      "2026-04-01",
      "--total",
      "x",
    ).catch((e: Error) => e.message);
    expect(bad).toContain('--total: "x" is not a number');
    expect(bad).toContain("to: must be after from (2026-05-01)");
    expect(bad).toContain("registers.0: give index_from and index_to, or kwh");
    const out = await jisr("bill", "reconcile", "--institution", SITE, "--sqlite", sqlite);
    // 2026-01-05 → 2026-02-04: 30 days of 24 h (no clock change) = 720 kWh metered against 201 billed.
    expect(out).toContain("kWh: billed 201, metered 720, diff -519 (-72.08 %)");
    expect(out).toContain("! estimated_reading:");
    expect(out).toContain("other_bracket_edges");
    expect(out).toContain("priced with test-domestic+edges-200 (reproduces every bill)");
    expect(out).not.toContain("period_length");

    // Tolerances from a file: where reading periods of 30 days are unusual (31 to 35 expected), they are flagged.
    const months = join(dir, "months.yaml");
    writeFileSync(months, "month_days: [31, 35]\n");
    const tolerant = await jisr(
      "bill",
      "reconcile",
      "--institution",
      SITE,
      "--sqlite",
      sqlite,
      "--tolerances",
      months,
    );
    expect(tolerant).toContain("kWh: billed 201, metered 720, diff -519 (-72.08 %)");
    expect(tolerant).toContain("! period_length: reading period of 30 days");
    expect(tolerant).toContain("! estimated_reading:");
    const typo = join(dir, "typo.yaml");
    writeFileSync(typo, "kwh_percent: 5\nmad_total: -1\n");
    const refused = await jisr(
      "bill",
      "reconcile",
      "--institution",
      SITE,
      "--sqlite",
      sqlite,
      "--tolerances",
      typo,
    ).catch((e: Error) => e.message);
    expect(refused).toContain("kwh_percent");
    expect(refused).toContain("mad_total");
  });
});
