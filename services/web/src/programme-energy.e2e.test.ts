/**
 * The programme's energy flow on the ministry's overview, in Chromium: today by default, a chosen day and
 * a month, every institution's row and the programme's total, whose displayed figures add up as a person
 * checking with a pencil would find (fr and ar).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserBed, browserBed, drawn, logIn, shoot } from "./testing/browser.js";
import { CENTRE, FOYER, MAISON } from "./testing/fixture.js";

let bed: BrowserBed;
beforeAll(async () => {
  bed = await browserBed();
  const day = (institution: string, d: number, fields: Record<string, number>) => ({
    measurement: "energy_daily",
    tags: { institution },
    fields,
    time: Date.UTC(2026, 10, d - 1, 23),
  });
  await bed.fixture.store.write([
    day(FOYER, 19, {
      pv_energy_wh: 30_000,
      self_consumed_wh: 20_000,
      export_wh: 10_000,
      import_wh: 5_000,
      consumption_wh: 25_000,
    }),
    day(MAISON, 19, {
      pv_energy_wh: 12_345,
      self_consumed_wh: 10_100,
      export_wh: 2_245,
      import_wh: 7_900,
      consumption_wh: 18_000,
    }),
  ]);
}, 60_000);
afterAll(async () => {
  expect(bed?.errors).toEqual([]);
  await bed?.close();
});

const panel = (page: Page) => page.getByTestId("panel-programme-energy");

/** The cells of one column (by its flow key) for every institution, and the total's. */
async function column(page: Page, key: string): Promise<{ rows: string[]; total: string }> {
  const rows = await panel(page).locator(`tbody [data-testid=${key}]`).allTextContents();
  const total = (await panel(page).locator(`tfoot [data-testid=${key}]`).textContent()) ?? "";
  return { rows, total };
}

/** "42,345 kWh" (fr) → 42.345; the Arabic page's isolates are dropped. */
function kwhOf(text: string): number {
  const n = text
    .replace(/[\u2066\u2069]/g, "")
    .replace(/\s?kWh$/, "")
    .replace(/\s/g, "")
    .replace(",", ".");
  return Number(n);
}

async function waitFor(page: Page, period: string): Promise<void> {
  await page.locator(`[data-testid=panel-programme-energy][data-period="${period}"]`).waitFor();
}

describe("the programme's energy flow", () => {
  it("shows today, a chosen day and a month, and its totals add up as displayed", async () => {
    const page = await bed.page();
    await logIn(page, bed.server.url, "ministry");
    await drawn(page, "programme", "fr");
    // Today (20 November): only the foyer's PV result so far.
    await waitFor(page, "day:2026-11-20");
    expect(await column(page, "pv_kwh")).toEqual({
      rows: ["45,6\u00a0kWh", "pas de données", "pas de données"],
      total: "45,6\u00a0kWh",
    });

    // A chosen day: the day before, with ‹.
    await panel(page).getByTestId("programme-energy-prev").click();
    await waitFor(page, "day:2026-11-19");
    expect(await panel(page).getByTestId("programme-energy-label").textContent()).toBe("19 novembre 2026");
    const pv = await column(page, "pv_kwh");
    // 30 + 12,345 = 42,345, shown 30,0 + 12,3 = 42,3: the rows read add up to the total read.
    expect(pv).toEqual({
      rows: ["30,0\u00a0kWh", "12,3\u00a0kWh", "pas de données"],
      total: "42,3\u00a0kWh",
    });
    for (const key of ["pv_kwh", "self_consumed_kwh", "export_kwh", "import_kwh", "consumption_kwh"]) {
      const c = await column(page, key);
      const sum = c.rows.filter((r) => r.includes("kWh")).reduce((a, r) => a + kwhOf(r), 0);
      expect(sum, key).toBeCloseTo(kwhOf(c.total), 9);
    }
    expect(await panel(page).locator("tfoot [data-testid=self_sufficiency_pct]").textContent()).toBe(
      "70,0\u202f%",
    );
    expect(
      await panel(page).locator(`[data-testid=energy-row-${CENTRE}] [data-testid=pv_kwh]`).textContent(),
    ).toBe("pas de données");

    // Any day, typed into the date field.
    await panel(page).getByTestId("programme-energy-date").fill("2026-11-18");
    await waitFor(page, "day:2026-11-18");
    expect((await column(page, "pv_kwh")).total).toBe("pas de données");

    // The month: 45,6 + 30 + 12,345 = 87,945 kWh, shown 75,6 + 12,3 = 87,9.
    await panel(page).getByTestId("programme-energy-kind-month").click();
    await waitFor(page, "month:2026-11");
    expect(await column(page, "pv_kwh")).toEqual({
      rows: ["75,6\u00a0kWh", "12,3\u00a0kWh", "pas de données"],
      total: "87,9\u00a0kWh",
    });
    await shoot(page, "ministry-programme-energy-fr");
  });

  it("reads right to left in Arabic, with the same totals", async () => {
    const page = await bed.page({ width: 390, height: 844 });
    await logIn(page, bed.server.url, "ministry");
    await drawn(page, "programme", "fr");
    await page.locator('[data-lang="ar"]').click();
    await drawn(page, "programme", "ar");
    await waitFor(page, "day:2026-11-20");
    await panel(page).getByTestId("programme-energy-kind-month").click();
    await waitFor(page, "month:2026-11");
    const pv = await column(page, "pv_kwh");
    expect(kwhOf(pv.total)).toBe(87.9);
    expect(pv.total.startsWith("\u2066")).toBe(true);
    // Nothing wider than the phone.
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot(page, "ministry-programme-energy-ar-phone");
  });
});
