/**
 * The page in a real browser (Debian's chromium, headless, driven by playwright-core): each role logs in
 * and sees the fixture's hand-worked numbers; a manager cannot open another institution; Arabic turns
 * the layout right-to-left; a report downloads; a phone screen shows it all without sideways scrolling.
 * Screenshots land in services/web/test-output/.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserBed, browserBed, drawn, logIn, shoot } from "./testing/browser.js";
import { CENTRE, EXPECTED, FOYER, MAISON } from "./testing/fixture.js";

let bed: BrowserBed;
beforeAll(async () => {
  bed = await browserBed();
}, 60_000);
afterAll(async () => {
  // No script error, refused file or Content-Security-Policy violation on any page of any test.
  expect(bed?.errors).toEqual([]);
  await bed?.close();
});

const url = () => bed.server.url;

/** Clicks the report link and returns the file the browser saved. */
async function download(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("report-download").click(),
  ]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path()) as string) };
}

describe("the ministry", () => {
  it("sees the programme's totals, every institution, and an institution's page with its charts", async () => {
    const page = await bed.page();
    await logIn(page, url(), "ministry");
    await drawn(page, "programme", "fr");
    const value = (id: string) => page.getByTestId(id).getAttribute("data-value");
    expect(await value("total-savings")).toBe(String(EXPECTED.programme.savingsMonthMad));
    expect(await value("total-power")).toBe(String(EXPECTED.programme.powerNowW));
    expect(await value("total-availability")).toBe(String(EXPECTED.programme.availabilityMonthPct));
    expect(await page.getByTestId("programme-count").textContent()).toBe(
      "3 établissements, 3 avec des données",
    );
    expect(await page.locator("[data-testid=programme-table] tbody tr").count()).toBe(3);
    // The French figure as a person reads it: 680,00 MAD, with the locale's separators, and the total
    // of the rows as the table shows them (489,25 + 150,75 + 40,00).
    expect(await page.getByTestId("total-savings").locator(".card-value").textContent()).toBe(
      "680,00\u00a0MAD",
    );
    const savingsColumn = await page
      .locator("[data-testid=programme-table] tbody td:nth-of-type(3)")
      .allTextContents();
    expect(savingsColumn).toEqual(["489,25\u00a0MAD", "150,75\u00a0MAD", "40,00\u00a0MAD"]);
    // Power in one scale for the rows and the total: 6,5 + 3,0 = 9,5 kW (not "6.500 W" beside "9,5 kW").
    expect(await page.getByTestId("total-power").locator(".card-value").textContent()).toBe("9,5\u00a0kW");
    expect(
      await page.locator("[data-testid=programme-table] tbody td:nth-of-type(1)").allTextContents(),
    ).toEqual(["6,5\u00a0kW", "3,0\u00a0kW", "pas de données"]);
    await shoot(page, "ministry-programme-fr");

    await page.getByTestId(`row-${FOYER}`).getByRole("link").click();
    await drawn(page, "institution", "fr", FOYER);
    expect(await value("power-now")).toBe(String(EXPECTED.foyer.powerNowW));
    expect(await value("savings-month")).toBe(String(EXPECTED.foyer.savingsMonthMad));
    expect(await value("energy-today")).toBe(String(EXPECTED.foyer.energyTodayKwh));
    expect(await page.getByTestId("tank-swh-2").getAttribute("data-below")).toBe("true");
    expect(await page.getByTestId("tank-swh-1").getAttribute("data-below")).toBe("false");
    for (const chart of ["chart-power", "chart-savings", "chart-tank"]) {
      expect(await page.getByTestId(chart).locator("svg path, svg rect").count()).toBeGreaterThan(0);
    }
    // The tank chart draws the service temperature as a line.
    expect(await page.getByTestId("chart-tank").locator("svg line.threshold").count()).toBe(1);
    await shoot(page, "ministry-institution-fr");
  });
});

describe("a facility manager", () => {
  it("opens on their institution, in Arabic, right to left, and cannot open another", async () => {
    const page = await bed.page();
    await logIn(page, url(), "manager");
    await drawn(page, "institution", "ar");
    expect(
      await page.evaluate<string[]>("[document.documentElement.dir, document.documentElement.lang]"),
    ).toEqual(["rtl", "ar"]);
    expect(await page.getByTestId("institution-name").textContent()).toBe("دار المسنين، ابن جرير");
    expect(await page.getByTestId("savings-month").getAttribute("data-value")).toBe(
      String(EXPECTED.foyer.savingsMonthMad),
    );
    expect(await page.getByTestId("nav-programme").count()).toBe(0);
    await shoot(page, "manager-institution-ar");

    await page.goto(`${url()}#/institution/${MAISON}`);
    await page.getByTestId("forbidden").waitFor();
    const status = await page.evaluate(
      async (id) => (await fetch(`/api/v1/institutions/${id}/summary`)).status,
      MAISON,
    );
    expect(status).toBe(403);
  });
});

describe("a technician", () => {
  it("sees the alerts of the institutions they cover and acknowledges one", async () => {
    const page = await bed.page();
    await logIn(page, url(), "technician");
    await drawn(page, "institution", "en");
    expect(await page.getByTestId("institution-select").locator("option").allTextContents()).toHaveLength(2);
    await page.getByTestId("institution-select").selectOption(CENTRE);
    await drawn(page, "institution", "en", CENTRE);
    expect(await page.getByTestId("institution-name").textContent()).toBe(
      "Centre pour personnes handicapées, Sidi Bou Othmane",
    );

    await page.getByTestId("nav-alerts").click();
    await drawn(page, "alerts", "en");
    const alertId = bed.fixture.alertIds.get(FOYER) as string;
    const item = page.getByTestId(`alert-${alertId}`);
    expect(await page.locator("[data-testid=alerts] > li").count()).toBe(1); // Maison's is not theirs
    await item.locator('input[name="comment"]').fill("Disjoncteur réarmé");
    await item.getByTestId("ack").click();
    await page.getByTestId("acked").waitFor();
    expect(await page.getByTestId("acked").textContent()).toBe(
      "Acknowledged by Youssef Amrani (youssef) · Disjoncteur réarmé",
    );
    expect(bed.fixture.alerts.getAlert(alertId)?.ack?.by).toBe("Youssef Amrani (youssef)");
    await shoot(page, "technician-alerts-en");
  });
});

describe("moving on before a slow answer arrives", () => {
  it("keeps the view the user moved to, not the one whose data came late", async () => {
    const page = await bed.page();
    await logIn(page, url(), "technician");
    await drawn(page, "institution", "en");
    await page.evaluate(`location.hash = "#/institution/${CENTRE}"`);
    await drawn(page, "institution", "en", CENTRE);
    // The foyer's figures take 1.5 s; meanwhile the technician goes back to the centre.
    let released = false;
    await page.route(`**/api/v1/institutions/${FOYER}/summary`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      released = true;
      await route.continue();
    });
    await page.evaluate(`location.hash = "#/institution/${FOYER}"`);
    await page.evaluate(`location.hash = "#/institution/${CENTRE}"`);
    await drawn(page, "institution", "en", CENTRE);
    await expect.poll(() => released, { timeout: 5000 }).toBe(true);
    await page.waitForTimeout(300); // the late answer has been handled by now
    expect(await page.getByTestId("institution-name").textContent()).toBe(
      "Centre pour personnes handicapées, Sidi Bou Othmane",
    );
    expect(await page.locator("main").getAttribute("data-id")).toBe(CENTRE);
  });
});

describe("the language switch", () => {
  it("turns the layout right to left in Arabic and back", async () => {
    const page = await bed.page();
    await logIn(page, url(), "ministry");
    await drawn(page, "programme", "fr");
    const navOrder = () =>
      page
        .locator(".nav a")
        .evaluateAll((links) => links.map((a) => Math.round(a.getBoundingClientRect().left)));
    const ltr = await navOrder();
    expect(ltr).toEqual([...ltr].sort((a, b) => a - b)); // first link leftmost

    await page.locator('[data-lang="ar"]').click();
    await drawn(page, "programme", "ar");
    expect(await page.evaluate<string>("document.dir")).toBe("rtl");
    const rtl = await navOrder();
    expect(rtl).toEqual([...rtl].sort((a, b) => b - a)); // first link rightmost
    expect(await page.getByTestId("total-savings").locator(".card-label").textContent()).toBe(
      "التوفير هذا الشهر",
    );
    // The brand sits at the start of the bar: on the right in Arabic.
    const brand = await page.locator(".brand").boundingBox();
    expect(brand && brand.x > 640).toBe(true);
    await shoot(page, "ministry-programme-ar");

    await page.locator('[data-lang="en"]').click();
    await drawn(page, "programme", "en");
    expect(await page.evaluate<string>("document.dir")).toBe("ltr");
    expect(await page.getByTestId("total-savings").locator(".card-label").textContent()).toBe(
      "Savings this month",
    );
  });
});

describe("report download", () => {
  it("downloads the report chosen in the form", async () => {
    const page = await bed.page();
    await logIn(page, url(), "ministry");
    await page.getByTestId("nav-reports").click();
    await drawn(page, "reports", "fr");
    // Only the months with data are offered, and the page says since when there is data.
    expect(await page.getByTestId("report-month").locator("option").allTextContents()).toEqual([
      "novembre 2026",
    ]);
    expect(await page.getByTestId("report-data-note").textContent()).toBe(
      "Données depuis le 1 novembre 2026 : seules les périodes avec des données sont proposées.",
    );
    await page.getByTestId("report-month").selectOption("2026-11");
    await page.getByTestId("report-institution").selectOption(FOYER);
    await page.locator(`[data-testid=report-form][data-scope="${FOYER}"]`).waitFor();
    await page.getByTestId("report-format").selectOption("csv");
    await page.getByTestId("report-lang").selectOption("en");
    const csv = await download(page);
    // The file itself travels with the name, so an error answer shows in the failure message.
    expect(csv.name).toBe(`jisr-report-2026-11-${FOYER}-en.csv`);
    expect(csv.bytes.toString("utf8")).toContain(String(EXPECTED.foyer.savingsMonthMad));

    await page.getByTestId("report-institution").selectOption("");
    await page.locator('[data-testid=report-form][data-scope=""]').waitFor();
    await page.getByTestId("report-format").selectOption("pdf");
    await page.getByTestId("report-lang").selectOption("ar");
    const pdf = await download(page);
    expect({ name: pdf.name, start: pdf.bytes.subarray(0, 5).toString() }).toEqual({
      name: "jisr-report-2026-11-programme-ar.pdf",
      start: "%PDF-",
      ...(pdf.name.endsWith(".pdf") ? {} : { body: pdf.bytes.toString("utf8").slice(0, 300) }),
    });
    await shoot(page, "ministry-reports-fr");
  });
});

describe("on a phone (390 × 844)", () => {
  it("shows the institution in one or two columns without sideways scrolling", async () => {
    const page = await bed.page({ width: 390, height: 844 });
    await logIn(page, url(), "manager");
    await drawn(page, "institution", "ar");
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      "({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })",
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const cards = await page
      .locator(".cards > *")
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
    expect(Math.max(...cards)).toBeLessThanOrEqual(390);
    const chart = await page.getByTestId("chart-power").locator("svg").boundingBox();
    expect(chart?.width).toBeLessThanOrEqual(390);
    await shoot(page, "manager-phone-ar");

    await page.locator('[data-lang="fr"]').click();
    await drawn(page, "institution", "fr");
    await shoot(page, "manager-phone-fr");
  });
});
