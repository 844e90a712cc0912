/**
 * What an axe scan of a page at rest misses: every menu, dialog and notification of the dashboard,
 * scanned while open, at 1280 and 360 px (found by a new-user trial with axe-core: the token row's
 * drop-down had a critical aria-required-children and an unnamed button, notification close buttons
 * had no name, notification text and the red Delete item failed contrast). Each test signs in on its
 * own, makes its own tokens and domains, and depends on no other test.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOwner, expectAccessible, launchBrowser, openPage, sessionApi, settle, signIn, startServer, type Server } from "./dashboard-fixture.js";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await ensureOwner(server);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Signs in at `width`, runs `visit`, then checks that the console stayed clean. */
async function atWidth(width: number, visit: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, problems } = await openPage(browser, server, width);
  try {
    await signIn(page);
    await visit(page);
    expect(problems, "console errors and CSP violations").toEqual([]);
  } finally {
    await context.close();
  }
}

async function goTo(page: Page, width: number, link: string): Promise<void> {
  if (width < 768) await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("link", { name: link }).click();
  await expect.poll(() => page.getByRole("heading", { name: link, exact: true }).isVisible()).toBe(true);
  await settle(page);
}

describe.each([1280, 360])("at %i px", (width) => {
  it("passes axe with the token row's actions menu open, and with the notification of a pause", async () => {
    await atWidth(width, async (page) => {
      const token = await (await sessionApi(page)).createToken({ name: `Menu at ${width}`, scopes: ["email_full"] });
      await goTo(page, width, "API tokens");
      await page.getByRole("button", { name: `More actions for ${token.name}` }).click();
      await expect.poll(() => page.getByRole("menuitem", { name: "Delete" }).isVisible()).toBe(true);
      await settle(page);
      await expectAccessible(page, `token actions menu at ${width}`);
      await page.getByRole("menuitem", { name: "Pause" }).click();
      const toast = page.getByText(`${token.name} is refused until you resume it.`);
      await expect.poll(() => toast.isVisible()).toBe(true);
      await settle(page);
      await expectAccessible(page, `pause notification at ${width}`);
    });
  }, 60_000);

  it("passes axe with the account menu open", async () => {
    await atWidth(width, async (page) => {
      await page.getByRole("button", { name: /^Account menu for / }).click();
      await expect.poll(() => page.getByRole("menuitem", { name: "Sign out" }).isVisible()).toBe(true);
      await settle(page);
      await expectAccessible(page, `account menu at ${width}`);
    });
  }, 60_000);

  it("passes axe with the Domains page's remove dialog open, and with the notification of an added domain", async () => {
    await atWidth(width, async (page) => {
      await goTo(page, width, "Domains");
      const name = `open-${width}-${Date.now()}.example.com`;
      await page.getByLabel(/Domain name/i).fill(name);
      await page.getByRole("button", { name: "Add domain" }).click();
      await expect.poll(() => page.getByText(`${name} can now be chosen for tokens.`).isVisible()).toBe(true);
      await settle(page);
      await expectAccessible(page, `domain added notification at ${width}`);
      await page.getByRole("button", { name: `Remove ${name}` }).click();
      await expect.poll(() => page.getByRole("dialog").isVisible()).toBe(true);
      await settle(page);
      await expectAccessible(page, `remove domain dialog at ${width}`);
    });
  }, 60_000);
});

it("passes axe with the navigation open at 360 px", async () => {
  await atWidth(360, async (page) => {
    await page.getByRole("button", { name: "Open navigation" }).click();
    await expect.poll(() => page.getByRole("link", { name: "Domains" }).isVisible()).toBe(true);
    await settle(page);
    await expectAccessible(page, "navigation at 360");
  });
}, 60_000);
