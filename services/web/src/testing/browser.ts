/**
 * For the browser tests: Debian's chromium driven by playwright-core, against the web server started on a
 * free loopback port over the fixture. Screenshots go to services/web/test-output/ (git-ignored), so a
 * person can look at what the tests saw.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { libraryReports } from "../reports/library.js";
import { startWeb, type WebServer } from "../server.js";
import { NOW, USERS, type WebFixture, webFixture } from "./fixture.js";

export const SCREENSHOTS = fileURLToPath(new URL("../../test-output/", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";

export interface BrowserBed {
  fixture: WebFixture;
  server: WebServer;
  browser: Browser;
  /** A fresh context (no cookies, no saved language) with one page. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** Errors the pages reported (script errors, refused resources, Content-Security-Policy violations). */
  errors: string[];
  close(): Promise<void>;
}

export async function browserBed(): Promise<BrowserBed> {
  const fixture = await webFixture();
  const clock = () => NOW;
  const server = await startWeb({
    store: fixture.store,
    institutions: fixture.institutions,
    usersFile: fixture.usersFile,
    alerting: fixture.alerting,
    reports: libraryReports({
      store: fixture.store,
      institutions: fixture.institutions,
      alerts: fixture.alerting,
      clock,
    }),
    clock,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  return {
    errors,
    fixture,
    server,
    browser,
    async page(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport, acceptDownloads: true, locale: "fr-MA" });
      contexts.push(context);
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        // 401 (who is logged in, before the login) and 403 (another institution, asked on purpose) are
        // answers the tests expect, which the browser logs as failed resources.
        if (m.type() === "error" && !/status of 40[13]\b/.test(m.text())) errors.push(m.text());
      });
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await server.close();
      await fixture.close();
    },
  };
}

/** Logs in through the form and waits until the first view has drawn. */
export async function logIn(page: Page, url: string, role: keyof typeof USERS): Promise<void> {
  await page.goto(url);
  await page.getByTestId("login-form").waitFor();
  await page.locator('input[name="id"]').fill(USERS[role].id);
  await page.locator('input[name="password"]').fill(USERS[role].password);
  await page.locator('button[type="submit"]').click();
  await page.locator("main[data-ready]").waitFor();
}

/**
 * Waits until `view` has drawn in `lang` (app.js sets main[data-ready] after each render), and, given
 * `id`, that it is that institution's view: right after a selection the previous institution's view
 * is still on screen, drawn, until the hash change reaches the page.
 */
export async function drawn(page: Page, view: string, lang: string, id?: string): Promise<void> {
  const which = id === undefined ? "" : `[data-id="${id}"]`;
  await page.locator(`main[data-ready="${view}:${lang}"]${which}`).waitFor();
}

export async function shoot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
