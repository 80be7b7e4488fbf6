/**
 * The bills page (public/bills.html) in a real browser (Debian's chromium via playwright-core): the
 * manager records a bill through the form, in Arabic (right to left), sees every problem at once, then
 * the bill reconciled; a technician gets no form. The session is opened with the API's login (the main
 * page's login form belongs to the main page), then the page is loaded as a user would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserBed, browserBed, shoot } from "../../testing/browser.js";
import { USERS } from "../../testing/fixture.js";

let bed: BrowserBed;
let dir: string;
const before = process.env.JISR_BILLS_DIR;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-web-bills-page-"));
  process.env.JISR_BILLS_DIR = dir;
  bed = await browserBed();
}, 60_000);
afterAll(async () => {
  // No script error, refused file or Content-Security-Policy violation on the page. The one 400 is the
  // invalid bill the test submits on purpose (the browser logs it as a failed resource).
  expect(bed?.errors.filter((e) => !/status of 400\b/.test(e))).toEqual([]);
  await bed?.close();
  if (before === undefined) delete process.env.JISR_BILLS_DIR;
  else process.env.JISR_BILLS_DIR = before;
  rmSync(dir, { recursive: true, force: true });
});

async function openAs(role: keyof typeof USERS): Promise<Page> {
  const page = await bed.page();
  // The page first, logged out (it says to log in), then the session, then the page again.
  await page.goto(new URL("/bills.html", bed.server.url).href);
  await page.getByTestId("status").filter({ hasText: /\S/ }).waitFor();
  const status = await page.evaluate(
    async (u) =>
      (
        await fetch("/api/v1/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(u),
        })
      ).status,
    { id: USERS[role].id, password: USERS[role].password },
  );
  expect(status).toBe(200);
  await page.goto(new URL("/bills.html", bed.server.url).href);
  await page.locator("#bills-pick:not([hidden])").waitFor();
  return page;
}

describe("the bills page", () => {
  it("lets the manager record a bill in Arabic, listing every problem at once, then shows it reconciled", async () => {
    const page = await openAs("manager");
    await page.getByTestId("reconciliation").waitFor();
    // The fixture's manager reads Arabic: right to left.
    expect(
      await page.evaluate<string[]>("[document.documentElement.dir, document.documentElement.lang]"),
    ).toEqual(["rtl", "ar"]);
    expect(await page.getByTestId("reconciliation").textContent()).toContain("لا توجد فواتير مسجلة.");
    const form = page.getByTestId("bill-form");
    await form.locator('input[name="from"]').fill("2026-10-01");
    await form.locator('input[name="index_from"]').fill("5000");
    await form.locator('input[name="index_to"]').fill("5130");
    await form.locator('input[name="energy"]').fill("122.30");
    await form.locator('select[name="energy_basis"]').selectOption("ttc");
    await form.locator('input[name="fixed_fees"]').fill("20.74");
    await form.locator('input[name="vat"]').fill("4.15");
    await form.locator('input[name="total"]').fill("150");
    await form.locator('button[type="submit"]').click();
    const problems = page.getByTestId("problems");
    await problems.locator("li", { hasText: "to:" }).waitFor();
    const listed = await problems.locator("li").allTextContents();
    expect(listed).toContain("to: is required");
    expect(listed).toContain("total: is 150.00 MAD but the lines add up to 147.19 MAD");
    await shoot(page, "bills-form-problems-ar");

    await form.locator('input[name="to"]').fill("2026-11-01");
    await form.locator('input[name="total"]').fill("147.19");
    await form.locator('button[type="submit"]').click();
    await page.getByTestId("fit").waitFor();
    // In English the figures read as the hand calculation: 130 kWh, 147.19 MAD billed and predicted.
    await page.locator('[data-lang="en"]').click();
    await page.locator("html[dir=ltr] h2", { hasText: "Bill by bill reconciliation" }).waitFor();
    const row = await page
      .locator("#bills-reconciliation table")
      .first()
      .locator("tbody tr")
      .first()
      .locator("td")
      .allTextContents();
    expect(row.slice(0, 8)).toEqual([
      "2026-10-01 → 2026-11-01",
      "31",
      "130",
      expect.any(String),
      expect.any(String),
      "147.19",
      "147.19",
      "0.00",
    ]);
    await shoot(page, "bills-reconciled-en");
  });

  it("shows a technician the reconciliation but no form", async () => {
    const page = await openAs("technician");
    await page.getByTestId("reconciliation").waitFor();
    expect(await page.locator("#bills-form-section").isHidden()).toBe(true);
  });
});
