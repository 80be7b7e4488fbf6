/**
 * Empty states that explain themselves, in Chromium, in fr, en and ar: a period before the first
 * readings says when they arrived; a chart without readings today says so for today.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserBed, browserBed, drawn, logIn, shoot } from "./testing/browser.js";
import { CENTRE, FOYER } from "./testing/fixture.js";

let bed: BrowserBed;
beforeAll(async () => {
  bed = await browserBed();
}, 60_000);
afterAll(async () => {
  expect(bed?.errors).toEqual([]);
  await bed?.close();
});

const strip = (s: string | null) => (s ?? "").replace(/[\u2066-\u2069]/g, "");

async function october(page: Page): Promise<string> {
  const panel = page.getByTestId("panel-energy");
  await panel.getByTestId("energy-kind-month").click();
  await page.locator('[data-testid=panel-energy][data-period="month:2026-11"]').waitFor();
  await panel.getByTestId("energy-prev").click();
  await page.locator('[data-testid=panel-energy][data-period="month:2026-10"]').waitFor();
  return strip(await panel.getByTestId("energy-empty").textContent());
}

describe("empty states", () => {
  it("a month before the first readings says when they arrived, in fr, en and ar", async () => {
    const page = await bed.page();
    await logIn(page, bed.server.url, "ministry");
    await page.evaluate(`location.hash = "#/institution/${FOYER}"`);
    await drawn(page, "institution", "fr", FOYER);
    expect(await october(page)).toBe(
      "Pas de données pour octobre 2026 : les premiers relevés sont arrivés le 1 novembre 2026.",
    );
    await shoot(page, "empty-october-fr");

    await page.locator('[data-lang="en"]').click();
    await drawn(page, "institution", "en", FOYER);
    // The chosen period is kept across the redraw.
    await page.locator('[data-testid=panel-energy][data-period="month:2026-10"]').waitFor();
    expect(strip(await page.getByTestId("energy-empty").textContent())).toBe(
      "No data for October 2026: the first readings arrived on 1 November 2026.",
    );

    await page.locator('[data-lang="ar"]').click();
    await drawn(page, "institution", "ar", FOYER);
    await page.locator('[data-testid=panel-energy][data-period="month:2026-10"]').waitFor();
    const ar = strip(await page.getByTestId("energy-empty").textContent());
    expect(ar.startsWith("لا توجد بيانات عن ")).toBe(true);
    expect(ar).toContain("وصلت القراءات الأولى يوم");
    expect(ar).toContain("2026");
  });

  it("a chart without readings today says so for today, not a bare 'no data'", async () => {
    const page = await bed.page();
    await logIn(page, bed.server.url, "ministry");
    await page.evaluate(`location.hash = "#/institution/${CENTRE}"`);
    await drawn(page, "institution", "fr", CENTRE);
    // The centre's solar water heater sent nothing today, while its inverter did.
    expect(strip(await page.getByTestId("chart-tank").getByTestId("chart-empty").textContent())).toBe(
      "Pas de données pour aujourd'hui : aucun relevé n'est arrivé pendant cette période.",
    );
    await shoot(page, "empty-tank-today-fr");
  });
});
