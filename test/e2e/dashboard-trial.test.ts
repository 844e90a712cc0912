/**
 * What a new user met in the dashboard (issue 12's trial), each as a test: the one-time reveal asks
 * before any way of closing it, an unknown address shows a page, a signed-out visit to a page comes
 * back to it after sign-in, notifications do not pile up on a phone, and the Domains column has the
 * room its domains need. Each test signs in on its own and depends on no other.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOwner, launchBrowser, OWNER, openPage, sessionApi, settle, signIn, startServer, type Server } from "./dashboard-fixture.js";

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

async function signedIn(width: number, use: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, problems } = await openPage(browser, server, width);
  try {
    await signIn(page);
    await use(page);
    expect(problems, "console errors").toEqual([]);
  } finally {
    await context.close();
  }
}

async function revealNewToken(page: Page, name: string): Promise<void> {
  await page.getByRole("link", { name: "API tokens" }).click();
  await page.getByRole("button", { name: "Create new token" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create new token" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("radiogroup", { name: "Permissions" }).getByRole("radio", { name: "Full access" }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect.poll(() => page.getByRole("dialog", { name: "Your new API token" }).isVisible()).toBe(true);
  await settle(page);
}

describe("the one-time reveal", () => {
  it.each([
    ["Escape", (page: Page) => page.keyboard.press("Escape")],
    ["the close button", (page: Page) => page.getByRole("dialog", { name: "Your new API token" }).getByRole("button", { name: "Close", exact: true }).click()],
  ] as const)("asks before %s closes it unsaved, and Escape on the question goes back", async (_how, close) => {
    await signedIn(1280, async (page) => {
      await revealNewToken(page, "Closed unsaved");
      await close(page);
      const ask = page.getByRole("dialog", { name: "Close without saving?" });
      await expect.poll(() => ask.isVisible()).toBe(true);
      await settle(page);
      await page.keyboard.press("Escape");
      await expect.poll(() => page.getByRole("dialog", { name: "Your new API token" }).isVisible()).toBe(true);
      expect(await page.getByTestId("revealed-secret").textContent()).toMatch(/^lk_1/);
    });
  }, 60_000);
});

it("shows a page, not JSON, at an address the dashboard has no page for", async () => {
  const { context, page, problems } = await openPage(browser, server, 1280);
  try {
    await signIn(page);
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect.poll(() => page.getByRole("heading", { name: "Page not found" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Go to Integrations" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible()).toBe(true);
    // The browser logs the page's own 404, and nothing else.
    expect(problems.filter((p) => !/status of 404.*\/no-such-page/.test(p))).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);

it("comes back to the page a signed-out visit asked for, after sign-in", async () => {
  const { context, page } = await openPage(browser, server, 1280);
  try {
    await page.goto("/tokens");
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    await page.getByLabel("E-mail address").fill(OWNER.email);
    await page.getByLabel(/^Password/).fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "API tokens", exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(new URL(page.url()).pathname).toBe("/tokens");
  } finally {
    await context.close();
  }
}, 60_000);

it("shows one notification at a time at 360 px, so they never pile up over the page", async () => {
  await signedIn(360, async (page) => {
    const api = await sessionApi(page);
    const token = await api.createToken({ name: "Toasted", scopes: ["email_full"] });
    await page.getByRole("button", { name: "Open navigation" }).click();
    await page.getByRole("link", { name: "API tokens" }).click();
    await expect.poll(() => page.getByRole("button", { name: `More actions for ${token.name}` }).isVisible()).toBe(true);
    for (const action of ["Pause", "Resume", "Pause"]) {
      await page.getByRole("button", { name: `More actions for ${token.name}` }).click();
      await page.getByRole("menuitem", { name: action }).click();
      await expect.poll(() => page.getByRole("menuitem").count()).toBe(0);
    }
    await expect.poll(() => page.getByText("Toasted is refused until you resume it.").isVisible()).toBe(true);
    await settle(page);
    expect(await page.locator(".mantine-Notification-root").count()).toBe(1);
  });
}, 60_000);

it("shows two domains whole at 1280 px while the name has room", async () => {
  await signedIn(1280, async (page) => {
    const api = await sessionApi(page);
    const ids = [await api.createDomain("mail.example.com"), await api.createDomain("example.org")];
    const token = await api.createToken({ name: "CI", scopes: ["email_full"], domains: ids });
    await page.getByRole("link", { name: "API tokens" }).click();
    const row = page.getByRole("row").filter({ has: page.getByRole("button", { name: `Manage ${token.name}` }) });
    await expect.poll(() => row.isVisible()).toBe(true);
    for (const name of ["mail.example.com", "example.org"]) {
      const cell = row.getByText(name, { exact: true });
      expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth), name).toBe(true);
    }
  });
}, 60_000);

it("says why Create token is disabled: nothing chosen in Custom access, an empty name", async () => {
  await signedIn(1280, async (page) => {
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("button", { name: "Create new token" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create new token" });
    await dialog.getByLabel("Name").fill("Why disabled");
    await dialog.getByRole("radiogroup", { name: "Permissions" }).getByRole("radio", { name: "Custom access" }).check();
    const create = dialog.getByRole("button", { name: "Create token" });
    expect(await create.isDisabled()).toBe(true);
    const described = async () => create.evaluate((el) => document.getElementById(el.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    await expect.poll(described).toBe("To create the token, give it Read only or Full access for at least one area.");
    expect(await dialog.getByText("To create the token, give it Read only or Full access for at least one area.").isVisible()).toBe(true);
    await dialog.getByLabel("Name").fill("");
    await expect.poll(described).toBe("To create the token, give it a name, and Read only or Full access for at least one area.");
  });
}, 60_000);
