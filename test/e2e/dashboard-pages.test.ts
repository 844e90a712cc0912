/**
 * Every page and dialog of the dashboard at 1280 and 360 px wide: an axe scan with no serious or
 * critical findings, no console error or CSP violation, and a screenshot under artifacts/screenshots/.
 * Runs on its own server, so the empty state is seen before any token exists.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOwner, expectAccessible, launchBrowser, openPage, screenshot, settle, signIn, startServer, type Server } from "./dashboard-fixture.js";

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

const WIDTHS = [1280, 360] as const;

/** Signs in at a width, runs `visit`, then checks console problems; closes the context. */
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

async function goTo(page: Page, width: number, link: string, heading: string): Promise<void> {
  if (width < 768) await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("link", { name: link }).click();
  await expect.poll(() => page.getByRole("heading", { name: heading, exact: true }).isVisible()).toBe(true);
  await settle(page);
}

/** Makes the example data through the API with the page's own session (cookie plus CSRF token). */
async function seed(page: Page): Promise<void> {
  const session = (await (await page.request.get("/v1/session")).json()) as { data: { csrf_token: string } };
  const headers = { "x-csrf-token": session.data.csrf_token };
  const domainIds: Record<string, string> = {};
  for (const name of ["mail.example.com", "example.org", "staging.example.com"]) {
    const res = await page.request.post("/v1/domains", { headers, data: { name } });
    domainIds[name] = ((await res.json()) as { data: { id: string } }).data.id;
  }
  const in30Days = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const tokens = [
    { name: "Staging webhooks", scopes: ["webhooks_full", "templates_full"], domains: [domainIds["staging.example.com"]] },
    { name: "CI deploy", has_full: true, pause: true },
    { name: "Analytics export", scopes: ["analytics_read", "activity_read"], domains: [domainIds["mail.example.com"], domainIds["example.org"]], expires_at: in30Days },
    { name: "Production mail sender", scopes: ["email_full", "domains_read"], domains: [domainIds["mail.example.com"]] },
  ];
  for (const { pause, ...body } of tokens) {
    const res = await page.request.post("/v1/token", { headers, data: body });
    expect(res.status()).toBe(201);
    if (pause) await page.request.put(`/v1/token/${((await res.json()) as { data: { id: string } }).data.id}/settings`, { headers, data: { status: "pause" } });
  }
}

describe("every page, at 1280 and 360 px", () => {
  it.each(WIDTHS)("the sign-in page passes axe (%i px)", async (width) => {
    const { context, page, problems } = await openPage(browser, server, width);
    await page.goto("/sign-in");
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    await screenshot(page, "sign-in");
    await expectAccessible(page, `sign-in page at ${width}`);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it.each(WIDTHS)("shows the empty state of API tokens that explains what a token is (%i px)", async (width) => {
    await atWidth(width, async (page) => {
      await goTo(page, width, "API tokens", "API tokens");
      await expect.poll(() => page.getByText("No API tokens yet").isVisible()).toBe(true);
      await screenshot(page, "api-tokens-empty");
      await expectAccessible(page, `empty API tokens page at ${width}`);
    });
  }, 60_000);

  it.each(WIDTHS)("tells a first-time user on Integrations that Manage opens API tokens (%i px)", async (width) => {
    await atWidth(width, async (page) => {
      const hint = page.getByRole("note").filter({ hasText: "Next: create your first API token" });
      await expect.poll(() => hint.isVisible()).toBe(true);
      expect(await hint.textContent()).toContain("Click Manage on the latchkey API card below to open API tokens, then Create new token.");
      await screenshot(page, "integrations-first-time");
      await expectAccessible(page, `first-time Integrations page at ${width}`);
    });
  }, 60_000);

  it("makes example tokens and domains", async () => {
    await atWidth(1280, seed);
  }, 60_000);

  describe.each(WIDTHS)("at %i px", (width) => {
    it.each([
      ["Integrations", "Integrations", "integrations"],
      ["API tokens", "API tokens", "api-tokens"],
      ["Domains", "Domains", "domains"],
      ["Activity", "Activity", "activity"],
    ])("the %s page passes axe", async (link, heading, name) => {
      await atWidth(width, async (page) => {
        await goTo(page, width, link, heading);
        await screenshot(page, name);
        await expectAccessible(page, `${name} at ${width}`);
      });
    }, 60_000);

    it("the Create new token dialog passes axe", async () => {
      await atWidth(width, async (page) => {
        await goTo(page, width, "API tokens", "API tokens");
        await page.getByRole("button", { name: "Create new token" }).first().click();
        const dialog = page.getByRole("dialog", { name: "Create new token" });
        await dialog.getByLabel("Name").fill("Newsletter sender");
        await dialog.getByRole("radiogroup", { name: "Email permission" }).getByText("Full access").click();
        await dialog.getByRole("radiogroup", { name: "Recipients permission" }).getByText("Read only").click();
        await page.evaluate(() => document.querySelectorAll(".mantine-Modal-content, .mantine-Modal-inner, .mantine-Modal-body").forEach((e) => {
          e.scrollTo(0, 0);
        }));
        await screenshot(page, "create-token");
        await expectAccessible(page, `create dialog at ${width}`);
        await dialog.getByRole("radio", { name: "Specific domains" }).check();
        await dialog.getByLabel("Choose domains").click();
        await page.getByRole("option", { name: "mail.example.com" }).click();
        await page.keyboard.press("Escape");
        await dialog.getByRole("button", { name: "Create token" }).click();
        const reveal = page.getByRole("dialog", { name: "Your new API token" });
        await expect.poll(() => reveal.isVisible()).toBe(true);
        await screenshot(page, "reveal-token");
        await expectAccessible(page, `reveal dialog at ${width}`);
        await reveal.getByRole("button", { name: "Done" }).click();
        await expect.poll(() => page.getByRole("dialog", { name: "Close without saving?" }).isVisible()).toBe(true);
        await screenshot(page, "reveal-token-confirm-close");
        await expectAccessible(page, `close confirmation at ${width}`);
      });
    }, 60_000);

    it("the Manage, actions menu and Delete dialogs pass axe", async () => {
      await atWidth(width, async (page) => {
        await goTo(page, width, "API tokens", "API tokens");
        await page.getByRole("button", { name: "Manage Production mail sender" }).click();
        await expect.poll(() => page.getByRole("dialog", { name: "Manage token" }).isVisible()).toBe(true);
        await screenshot(page, "manage-token");
        await expectAccessible(page, `manage dialog at ${width}`);
        await page.getByRole("dialog", { name: "Manage token" }).getByRole("button", { name: "Close" }).click();
        await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
        await page.getByRole("button", { name: "More actions for Production mail sender" }).click();
        await expect.poll(() => page.getByRole("menuitem", { name: "Pause" }).isVisible()).toBe(true);
        await screenshot(page, "token-actions-menu");
        await page.getByRole("menuitem", { name: "Delete" }).click();
        await expect.poll(() => page.getByRole("dialog", { name: "Delete API token" }).isVisible()).toBe(true);
        await screenshot(page, "delete-token");
        await expectAccessible(page, `delete dialog at ${width}`);
      });
    }, 60_000);
  });
});
