/**
 * The Create new token dialog in a real browser: when its field errors appear and where, the names
 * of its radio groups, and its loading state. Each test signs in on its own page.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOwner, expectFocused, holdRequests, launchBrowser, openPage, sessionApi, signIn, startServer, type Server } from "./dashboard-fixture.js";

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

const NAME_MISSING = "Give the token a name.";
const DOMAINS_MISSING = "Choose at least one domain.";
const SCOPES_MISSING = "Give at least one area Read only or Full access.";

/** Signs in (with one domain, so "Specific domains" can be chosen), opens the dialog, runs `use`. */
async function withDialog(use: (dialog: Locator) => Promise<void>, before?: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, problems } = await openPage(browser, server);
  try {
    await signIn(page);
    const domains = (await (await page.request.get("/v1/domains")).json()) as { data: unknown[] };
    if (domains.data.length === 0) await (await sessionApi(page)).createDomain("mail.example.com");
    await before?.(page);
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("button", { name: "Create new token" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create new token" });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await use(dialog);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}

describe("Create new token", () => {
  it("shows no field error when Specific domains and Custom access are chosen before anything is filled in", async () => {
    await withDialog(async (dialog) => {
      await dialog.getByRole("radio", { name: "Specific domains" }).check();
      const kind = dialog.getByRole("radiogroup", { name: "Permissions" });
      await kind.getByRole("radio", { name: "Full access" }).check();
      await kind.getByRole("radio", { name: "Custom access" }).check();
      await expect.poll(() => dialog.getByLabel("Choose domains").isVisible()).toBe(true);
      const text = await dialog.textContent();
      for (const error of [NAME_MISSING, DOMAINS_MISSING, SCOPES_MISSING]) expect(text).not.toContain(error);
      expect(await dialog.getByRole("button", { name: "Create token" }).isDisabled()).toBe(true);
    });
  }, 60_000);

  it("shows the name error once the name was typed and emptied, and the field left", async () => {
    await withDialog(async (dialog) => {
      const name = dialog.getByLabel("Name");
      await name.fill("x");
      await name.fill("");
      await dialog.getByRole("radio", { name: "All domains" }).click();
      await expect.poll(() => dialog.getByText(NAME_MISSING).isVisible()).toBe(true);
    });
  }, 60_000);

  it("shows the domains error once the domain picker was left empty", async () => {
    await withDialog(async (dialog) => {
      await dialog.getByRole("radio", { name: "Specific domains" }).check();
      await dialog.getByLabel("Choose domains").focus();
      await dialog.getByLabel("Name").focus();
      await expect.poll(() => dialog.getByText(DOMAINS_MISSING).isVisible()).toBe(true);
    });
  }, 60_000);

  it("shows the permissions error below the areas, not under the Full access option, once a level was taken back", async () => {
    await withDialog(async (dialog) => {
      const email = dialog.getByRole("radiogroup", { name: "Email permission" });
      await email.getByText("Full access").click();
      await email.getByText("No access").click();
      const error = dialog.getByText(SCOPES_MISSING);
      await expect.poll(() => error.isVisible()).toBe(true);
      const areas = dialog.getByRole("group", { name: "Access per area" });
      const [errorBox, areasBox] = [await error.boundingBox(), await areas.boundingBox()];
      expect(errorBox!.y).toBeGreaterThanOrEqual(areasBox!.y + areasBox!.height);
      // Screen readers hear it with the areas it is about.
      expect(await areas.evaluate((el) => document.getElementById(el.getAttribute("aria-describedby") ?? "")?.textContent)).toBe(SCOPES_MISSING);
    });
  }, 60_000);

  it("names the domain choice and the Domains permission apart", async () => {
    await withDialog(async (dialog) => {
      const choice = dialog.getByRole("radiogroup", { name: "Domains", exact: true });
      const permission = dialog.getByRole("radiogroup", { name: "Domains permission", exact: true });
      expect(await choice.count()).toBe(1);
      expect(await permission.count()).toBe(1);
      expect(await choice.getByRole("radio", { name: "All domains" }).count()).toBe(1);
      expect(await permission.getByRole("radio", { name: "Read only" }).count()).toBe(1);
    });
  }, 60_000);

  it("opens with its Name field focused", async () => {
    await withDialog(async (dialog) => {
      await expectFocused(dialog.getByLabel("Name"));
    });
  }, 60_000);

  it("opens at once and shows placeholders for the areas while the catalogue is still loading", async () => {
    let held: { release: () => void } | undefined;
    await withDialog(
      async (dialog) => {
        await expect.poll(() => dialog.getByRole("status", { name: "Loading the areas" }).isVisible()).toBe(true);
        held!.release();
        await expect.poll(() => dialog.getByRole("radiogroup", { name: "Email permission" }).isVisible()).toBe(true);
        expect(await dialog.getByRole("status", { name: "Loading the areas" }).count()).toBe(0);
      },
      async (page) => {
        held = await holdRequests(page, "**/v1/scopes");
      },
    );
  }, 60_000);
});
