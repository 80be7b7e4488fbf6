/**
 * The page in Chromium as people hold it: every view of every role in every language at phone width
 * (390 × 844) without sideways scrolling; Arabic figures read in the right order on screen (the rendered
 * glyphs' positions, not the text's logical order); the figures refresh on their own every 30 s without
 * losing the user's place. Screenshots of each go to services/web/test-output/.
 */
import type { Condition } from "@jisr/alerting";
import { recordEvaluation } from "@jisr/alerting";
import { condition, fixedTiming } from "@jisr/alerting/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserBed, browserBed, drawn, logIn, shoot } from "./testing/browser.js";
import { CENTRE, FOYER, NOW, type USERS } from "./testing/fixture.js";

let bed: BrowserBed;
beforeAll(async () => {
  bed = await browserBed();
}, 60_000);
afterAll(async () => {
  expect(bed?.errors).toEqual([]);
  await bed?.close();
});

const url = () => bed.server.url;
const PHONE = { width: 390, height: 844 };
const LANGS = ["fr", "ar", "en"] as const;

/** The views each role can open, with the institution the view is about. */
const VIEWS: Record<keyof typeof USERS, Array<{ view: string; hash: string; id?: string }>> = {
  ministry: [
    { view: "programme", hash: "#/programme" },
    { view: "institution", hash: `#/institution/${CENTRE}`, id: CENTRE },
    { view: "alerts", hash: "#/alerts" },
    { view: "reports", hash: "#/reports" },
  ],
  manager: [
    { view: "institution", hash: `#/institution/${FOYER}`, id: FOYER },
    { view: "alerts", hash: "#/alerts" },
    { view: "reports", hash: "#/reports" },
  ],
  technician: [
    { view: "institution", hash: `#/institution/${CENTRE}`, id: CENTRE },
    { view: "alerts", hash: "#/alerts" },
    { view: "reports", hash: "#/reports" },
  ],
};

/**
 * The page's full width (anything wider than the screen scrolls sideways) and the element that sticks out
 * furthest, to name the culprit in a failure. Browser code as text: this project compiles without the DOM
 * types.
 */
async function widths(page: Page): Promise<{ scroll: number; client: number; widest: string }> {
  return page.evaluate(`(() => {
    const root = document.documentElement;
    let widest = "";
    let most = root.clientWidth;
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      const over = Math.max(r.right, root.clientWidth - r.left);
      if (r.width > 0 && over > most) {
        most = over;
        widest = el.tagName.toLowerCase() + "." + el.className + " (" + Math.round(r.left) + ".." + Math.round(r.right) + ")";
      }
    }
    return { scroll: root.scrollWidth, client: root.clientWidth, widest };
  })()`);
}

const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
const scrollY = (page: Page) => page.evaluate<number>("window.scrollY");

describe("on a phone (390 × 844)", () => {
  it("the login fits in every language", async () => {
    const page = await bed.page(PHONE);
    await page.goto(url());
    await page.getByTestId("login-form").waitFor();
    for (const lang of LANGS) {
      await page.locator(`[data-lang="${lang}"]`).click();
      await expect.poll(() => page.evaluate<string>("document.documentElement.lang")).toBe(lang);
      const w = await widths(page);
      expect({ lang, ...w }).toMatchObject({ lang, scroll: 390 });
    }
  });

  for (const role of Object.keys(VIEWS) as Array<keyof typeof USERS>) {
    it(`every view of the ${role}, in French, Arabic and English, fits without sideways scrolling`, async () => {
      const page = await bed.page(PHONE);
      await logIn(page, url(), role);
      const seen: string[] = [];
      for (const lang of LANGS) {
        await page.locator(`[data-lang="${lang}"]`).click();
        for (const v of VIEWS[role]) {
          await go(page, v.hash);
          await drawn(page, v.view, lang, v.id);
          const w = await widths(page);
          // scrollWidth is the page's full width: anything wider than the screen would scroll sideways.
          expect({ role, lang, view: v.view, scroll: w.scroll, widest: w.widest }).toEqual({
            role,
            lang,
            view: v.view,
            scroll: 390,
            widest: "",
          });
          // The logout button is on screen, not cut off.
          const logout = await page.getByTestId("logout").boundingBox();
          expect(logout && logout.x >= 0 && logout.x + logout.width <= 390).toBe(true);
          await shoot(page, `phone-${role}-${v.view}-${lang}`);
          seen.push(`${v.view}:${lang}`);
        }
      }
      expect(seen).toHaveLength(VIEWS[role].length * LANGS.length);
    });
  }
});

/** On-screen x of the first occurrence of each character of `chars` in the element's text. */
/** On-screen x of the first occurrence of each string of `chars` in the element's text (its glyphs). */
async function glyphX(page: Page, selector: string, chars: string[]): Promise<number[]> {
  await page.locator(selector).first().waitFor();
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    return ${JSON.stringify(chars)}.map((ch) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const i = node.data.indexOf(ch);
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + ch.length);
        return range.getBoundingClientRect().left;
      }
      return NaN;
    });
  })()`);
}

describe("Arabic figures with units", () => {
  it("read number first, unit after, left to right, inside right-to-left text", async () => {
    const page = await bed.page({ width: 1366, height: 768 });
    await logIn(page, url(), "manager");
    await drawn(page, "institution", "ar");
    // 52,3 °C: the digits are left of the degree sign, which is left of the C.
    const tank = await glyphX(page, "[data-testid=tank-swh-1] .tank-temp", ["52", "°", "C"]);
    expect(tank.every(Number.isFinite)).toBe(true);
    expect(tank).toEqual([...tank].sort((a, b) => a - b));
    // The same inside an Arabic sentence: "حرارة الخدمة: 60,0 °C".
    const note = await glyphX(page, "[data-testid=tank] .card-note", ["60", "°", "C"]);
    expect(note).toEqual([...note].sort((a, b) => a - b));
    // Power in kW, savings in MAD, availability in %.
    const power = await glyphX(page, "[data-testid=power-now] .card-value", ["6", "kW"]);
    expect(power[0]).toBeLessThan(power[1] as number);
    const savings = await glyphX(page, "[data-testid=savings-month] .card-value", ["489", "MAD"]);
    expect(savings[0]).toBeLessThan(savings[1] as number);
    const split = await glyphX(page, "[data-testid=savings-month] .card-note", ["389", "MAD"]);
    expect(split[0]).toBeLessThan(split[1] as number);
    const pct = await glyphX(page, "[data-testid=availability] .card-value", ["92", "%"]);
    expect(pct[0]).toBeLessThan(pct[1] as number);
    await shoot(page, "desk-manager-institution-ar");
  });
});

describe("alerts at a glance", () => {
  it("one fault is one card, a resolved one reads resolved, times are relative, devices named", async () => {
    const MIN = 60_000;
    let n = 0;
    const record = (now: number, conditions: Condition[]) =>
      recordEvaluation(
        bed.fixture.alerts,
        { now, conditions },
        { timing: fixedTiming({ forMs: 0 }), recipients: [], newId: (p) => `glance_${p}_${++n}` },
      );
    // The centre's inverter trips at 10:30 local (critical), and produces nothing from 10:35 (major).
    const inverter = { institution: CENTRE, device: "inverter-1" };
    record(NOW - 30 * MIN, [
      condition({
        ...inverter,
        severity: "critical",
        summary: { key: "inverter_fault.fault_state", params: { state: "FAULT" } },
      }),
    ]);
    record(NOW - 25 * MIN, [
      condition({
        ...inverter,
        rule: "pv_zero_production",
        severity: "major",
        summary: { key: "pv_zero_production.zero", params: { clear_sky_power_w: 10_936 } },
        action: { key: "check_inverter_breakers_and_dc_isolator", params: {} },
      }),
    ]);
    // Its tank was cold from 08:00 to 08:42 local, resolved since.
    const tank = {
      institution: CENTRE,
      device: "swh-1",
      rule: "swh_tank_cold",
      severity: "major" as const,
      summary: {
        key: "swh_tank_cold.cold",
        params: { temperature_c: 38.5, demand_window: "06:00–09:00", service_temperature_c: 45 },
      },
    };
    record(NOW - 3 * 60 * MIN, [condition(tank)]);
    record(NOW - 2 * 60 * MIN - 18 * MIN, [
      condition({ ...tank, active: false, summary: { key: "swh_tank_cold.ok", params: {} } }),
    ]);

    const page = await bed.page({ width: 1366, height: 768 });
    await logIn(page, url(), "ministry");
    await go(page, "#/alerts");
    await drawn(page, "alerts", "fr");
    await page.getByTestId("alerts-all").click();
    await page.locator("[data-state=resolved]").waitFor();

    // One card for the inverter's two alerts; the fault speaks (critical), zero production comes with it.
    const inverterCards = page
      .locator("li.alert", { hasText: "Centre pour personnes handicapées" })
      .filter({ hasText: "L'onduleur 1 est en défaut" });
    expect(await inverterCards.count()).toBe(1);
    const card = inverterCards.first();
    expect((await card.getAttribute("data-members"))?.split(" ")).toHaveLength(2);
    expect(await card.locator(".chip").first().textContent()).toBe("Critique");
    expect(await card.getByTestId("alert-also").textContent()).toBe(
      "L'onduleur 1 ne produit rien en plein jour (par ciel clair : 10,9\u00a0kW attendus)",
    );
    expect(await card.getByTestId("alert-since").textContent()).toBe("commencée il y a 30 minutes");
    expect(await card.getByTestId("alert-device").textContent()).toBe("Onduleur");

    // The tank's card: resolved, when and for how long, no red, nothing to do, no acknowledgement.
    const resolved = page.locator("li.alert[data-state=resolved]");
    expect(await resolved.count()).toBe(1);
    expect(await resolved.getByTestId("resolved-when").textContent()).toBe(
      "Résolue il y a 2 heures (à 08:42) · a duré 42\u00a0min",
    );
    expect(await resolved.getByTestId("alert-device").textContent()).toBe("Chauffe-eau solaire");
    expect(await resolved.locator(".chip").allTextContents()).toEqual(["Résolue"]);
    expect(await resolved.getByText("À faire").count()).toBe(0);
    expect(await resolved.getByTestId("ack").count()).toBe(0);
    const border = await page.evaluate<string>(
      'getComputedStyle(document.querySelector("li.alert[data-state=resolved]")).borderInlineStartColor',
    );
    expect(border).not.toBe("rgb(179, 38, 30)"); // --bad
    expect(border).toBe("rgb(30, 125, 79)"); // --good
    await shoot(page, "desk-ministry-alerts-fr");

    await page.locator('[data-lang="ar"]').click();
    await drawn(page, "alerts", "ar");
    await page.locator("[data-state=resolved]").waitFor();
    // Inside the Arabic sentence, 38,5 °C reads left to right: digits, degree sign, C.
    const temp = await glyphX(page, "[data-state=resolved] .alert-text", ["38", "°", "C"]);
    expect(temp.every(Number.isFinite)).toBe(true);
    expect(temp).toEqual([...temp].sort((a, b) => a - b));
    await shoot(page, "desk-ministry-alerts-ar");
  });
});

describe("where the energy goes", () => {
  it("shows the day's flow and moves by day, week, month and year", async () => {
    const page = await bed.page({ width: 1366, height: 768 });
    await logIn(page, url(), "ministry");
    await go(page, `#/institution/${FOYER}`);
    await drawn(page, "institution", "fr", FOYER);
    const energy = page.getByTestId("panel-energy");
    expect(await energy.getAttribute("data-period")).toBe("day:2026-11-20");
    expect(await page.getByTestId("energy-label").textContent()).toBe("20 novembre 2026");
    // Today's PV from the job (45,6 kWh); no grid figures yet, so no consumption: said, not 0.
    const row = (key: string) => page.getByTestId(`energy-${key}`).locator("td").allTextContents();
    expect(await row("pv")).toEqual(["45,6\u00a0kWh", "pas de données", "pas de données"]);
    expect(await row("consumption")).toEqual(["pas de données", "pas de données", "pas de données"]);
    // Tomorrow is not offered.
    expect(await page.getByTestId("energy-next").isDisabled()).toBe(true);

    await page.getByTestId("energy-kind-week").click();
    await page.locator("[data-testid=panel-energy][data-period='week:2026-11-16']").waitFor();
    expect(await page.getByTestId("energy-label").textContent()).toBe("semaine du 16 novembre 2026");
    await page.getByTestId("energy-prev").click();
    await page.locator("[data-testid=panel-energy][data-period='week:2026-11-09']").waitFor();
    await page.getByTestId("energy-kind-month").click();
    await page.locator("[data-testid=panel-energy][data-period='month:2026-11']").waitFor();
    expect(await row("pv")).toEqual(["45,6\u00a0kWh", "pas de données", "pas de données"]);
    await page.getByTestId("energy-kind-year").click();
    await page.locator("[data-testid=panel-energy][data-period='year:2026']").waitFor();
    await shoot(page, "desk-ministry-energy-fr");

    // The chosen period stays through the 30-second refresh (the view draws again around it).
    await page.locator('[data-lang="ar"]').click();
    await drawn(page, "institution", "ar", FOYER);
    expect(await energy.getAttribute("data-period")).toBe("year:2026");
    await shoot(page, "desk-ministry-energy-ar");
  });
});

describe("live figures", () => {
  it("refresh every 30 s with 'updated N s ago', keeping the institution, the view and the scroll", async () => {
    const page = await bed.page(PHONE);
    await page.clock.install();
    await logIn(page, url(), "technician");
    await go(page, `#/institution/${CENTRE}`);
    await drawn(page, "institution", "en", CENTRE);
    expect(await page.getByTestId("power-now").getAttribute("data-value")).toBe(""); // no reading now
    // No availability figure yet today at 11:00: the card says when the next demand window opens.
    expect(await page.getByTestId("availability").locator(".card-note").textContent()).toBe(
      "No figure yet today: next hot-water window at 18:00",
    );
    await page.evaluate("window.scrollTo(0, 300)");
    const scrolled = await scrollY(page);
    expect(scrolled).toBeGreaterThan(0);

    // The page's clock is Playwright's: it runs on its own and jumps ahead on demand.
    await page.clock.runFor(12_000);
    const text = await page.getByTestId("updated").textContent();
    expect(text).toMatch(/^Updated \d+ seconds ago$/);
    await expect
      .poll(async () => Number(await page.getByTestId("updated").getAttribute("data-seconds")))
      .toBeGreaterThanOrEqual(12);

    // A reading arrives at the centre; the page shows it at the next refresh without a reload.
    await bed.fixture.store.write([
      {
        measurement: "pv_inverter",
        tags: { institution: CENTRE, device: "inverter-1" },
        fields: { power_w: 1800 },
        time: NOW - 60_000,
      },
    ]);
    await page.clock.runFor(30_000); // at least one refresh after the reading arrived
    await page.locator("main[data-refreshes]").waitFor();
    await expect.poll(() => page.getByTestId("power-now").getAttribute("data-value")).toBe("1800");
    expect(await page.getByTestId("power-now").locator(".card-value").textContent()).toBe("1.8\u00a0kW");
    // Counted from the refresh (within the last 30 s), not from the first draw (over 42 s ago by now).
    expect(Number(await page.getByTestId("updated").getAttribute("data-seconds"))).toBeLessThanOrEqual(30);
    expect(await scrollY(page)).toBe(scrolled);
    expect(await page.locator("main").getAttribute("data-id")).toBe(CENTRE);
    expect(await page.evaluate<string>("location.hash")).toBe(`#/institution/${CENTRE}`);
  });
});
