/**
 * The reconciliation section of a report, from a bill recorded in a bills directory and readings in a
 * SQLite store (the site of @jisr/analytics bills/testing/fixture.ts: 1 kW imported always, 6 kWh of PV used
 * on site per local day).
 *
 * Bill: 2026-03-10 → 2026-04-09 (across the switch back to GMT+1 on 22 March: 30 days − 1 h = 719 h, so
 * 719 kWh metered), 740 kWh billed, fee 25.00 HT instead of the file's 20.74. Amounts (VAT 20 %):
 * 740 × 1.5958 = 1180.892 → 1180.89 TTC; TPPAN 8.47 + 12.71 + 540 × 0.1695 = 91.53 → 112.71 HT; VAT 5.00 +
 * 1.69 + 2.54 + 18.31 = 27.54; total 1346.14. Our tariff file: fee 20.74 (VAT 4.15) → 1341.03, −5.11.
 * The fit finds the file with the fee the bill prints (25.00 HT) reproduces it, so savings are priced
 * with that, CONFIRMED: consumption 719 + 30 × 6 = 899 kWh → 1434.62 + (25.00 + 5.00) + (8.47 + 1.69) +
 * (12.71 + 2.54) + (118.48 + 23.70) = 1632.21; saving 1632.21 − 1346.14 = 286.07 MAD.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bills } from "@jisr/analytics";
import { BILLS_SITE as SITE, siteConfig, sitePoints } from "@jisr/analytics/testing";
import { SqliteStore } from "@jisr/core/store";
import ExcelJS from "exceljs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../../../../test/servers/ensure-packages.js";
import { CATALOGUES } from "../i18n/index.js";
import { renderCsv } from "../render/csv.js";
import { renderPdf } from "../render/pdf/document.js";
import { renderXlsx } from "../render/xlsx.js";
import { buildReport } from "./build.js";

const config = siteConfig();
let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-report-bills-"));
  store = new SqliteStore({ path: ":memory:", logger: pino({ level: "silent" }) });
  await store.init();
  await store.write(sitePoints(Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 15)));
  const bill = bills.billInputSchema.parse({
    institution: SITE,
    reference: "SRM-03",
    from: "2026-03-10",
    to: "2026-04-09",
    registers: [{ index_from: 11_417, index_to: 12_157 }],
    lines: [
      { kind: "energy", label: "Consommation", amount: 1180.89, basis: "ttc" },
      { kind: "fixed_fee", label: "Redevances", amount: 25 },
      { kind: "levy", label: "TPPAN", amount: 112.71 },
      { kind: "vat", label: "TVA", amount: 27.54 },
    ],
    total: 1346.14,
  });
  new bills.BillStore(dir).add([bill], "test");
}, 120_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the report's bill reconciliation section", () => {
  it("lists the bill of the reading period overlapping the month, reconciled, with its savings", async () => {
    const report = await buildReport({
      store,
      period: "2026-03",
      institution: SITE,
      institutions: config,
      now: Date.UTC(2026, 4, 1),
      bills: { dir, institutions: config },
    });
    const [row] = report.reconciliation?.rows ?? [];
    expect(row).toMatchObject({
      institution: SITE,
      reference: "SRM-03",
      days: 30,
      billedKwh: 740,
      meteredKwh: 719,
      diffKwh: 21,
      billedTtc: 1346.14,
      predictedTtc: 1341.03,
      diffTtc: 5.11,
      savingsTtc: 286.07,
    });
    expect(row?.flags.map((f) => f.code)).toEqual(["meter_mismatch", "other_fee", "other_vat"]);
    expect(report.reconciliation?.institutions).toEqual([
      expect.objectContaining({
        tariff: "test-domestic+fee-billed",
        tariffConfirmed: true,
        savingsTtc: 286.07,
      }),
    ]);
    const csv = renderCsv(report, CATALOGUES.en).toString("utf8");
    expect(csv).toContain("Bill reconciliation (reading periods)");
    expect(csv).toContain(`${SITE},SRM-03,2026-03-10,2026-04-09,30,,740,719,21,1346.14,1341.03,5.11,286.07,`);
    expect(csv).toContain("IPMVP Option B");
    // The XLSX has a sheet of its own, right to left in Arabic, whose figures are numbers.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(report, CATALOGUES.ar)) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet("الفواتير");
    expect(sheet?.views[0]?.rightToLeft).toBe(true);
    expect(sheet?.getRow(3).getCell(10).value).toBe(1346.14);
    expect(sheet?.getRow(3).getCell(13).value).toBe(286.07);
    // The PDF, read back by poppler's pdftotext.
    const pdf = join(dir, "report.pdf");
    writeFileSync(pdf, await renderPdf(report, CATALOGUES.en));
    const text = execFileSync(findBinary("pdftotext") as string, ["-layout", pdf, "-"], { encoding: "utf8" });
    expect(text).toContain("Bill reconciliation (reading periods)");
    expect(text).toMatch(/2026-03-10\s+2026-04-09\s+740\s+719\s+1346\.14\s+1341\.03\s+5\.11\s+286\.07/);
    expect(text).toContain("other_fee");
  });

  it("leaves the section out of a month no bill overlaps", async () => {
    const report = await buildReport({
      store,
      period: "2026-06",
      institution: SITE,
      institutions: config,
      now: Date.UTC(2026, 6, 1),
      bills: { dir, institutions: config },
    });
    expect(report.reconciliation?.rows).toEqual([]);
    expect(renderCsv(report, CATALOGUES.fr).toString("utf8")).not.toContain("Rapprochement");
  });
});
