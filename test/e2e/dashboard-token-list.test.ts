/**
 * The API tokens page in a real browser: how expiry dates read, the name column, the Manage dialog's
 * Pause/Resume and Delete, and notifications that stay off open dialogs. Every test makes its own
 * token through the API with its page's session; the newest token is always on the first page.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import { ensureOwner, expectUncovered, launchBrowser, openPage, screenshot, sessionApi, signIn, startServer, verify, type Server } from "./dashboard-fixture.js";

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

/** Signs in at `width`, makes a token with `body`, opens API tokens and runs `use`; no console error. */
async function withToken(body: Record<string, unknown>, use: (page: Page, token: { id: string; name: string; secret: string }) => Promise<void>, width = 1280): Promise<void> {
  const { context, page, problems } = await openPage(browser, server, width);
  try {
    await signIn(page);
    const token = await (await sessionApi(page)).createToken({ has_full: true, ...body });
    if (width < 768) await page.getByRole("button", { name: "Open navigation" }).click();
    await page.getByRole("link", { name: "API tokens" }).click();
    await expect.poll(() => page.getByRole("button", { name: `Manage ${token.name}` }).isVisible()).toBe(true);
    await use(page, token);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}

const rowOf = (page: Page, name: string) => page.getByRole("row").filter({ has: page.getByText(name, { exact: true }) });
/** An element's text with every kind of space as one plain space (the list keeps dates together with non-breaking ones). */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ");

describe("expiry dates", () => {
  it("shows a date-only expiry in the list as the end of the chosen UTC day, not the next day", async () => {
    await withToken({ name: "Until New Year's Eve", expires_at: "2099-12-31" }, async (page, token) => {
      expect(await textOf(rowOf(page, token.name))).toContain("Expires end of Dec 31, 2099 (UTC)");
    });
  }, 60_000);

  it("shows a date-only expiry in Manage as the end of the chosen UTC day, not the next day", async () => {
    await withToken({ name: "Managed until New Year's Eve", expires_at: "2099-12-31" }, async (page, token) => {
      await page.getByRole("button", { name: `Manage ${token.name}` }).click();
      const manage = page.getByRole("dialog", { name: "Manage token" });
      await expect.poll(() => textOf(manage)).toContain("end of Dec 31, 2099 (UTC)");
      expect(await textOf(manage)).not.toContain("Jan 1, 2100");
    });
  }, 60_000);

  it("shows any other expiry as its date and time with the time zone", async () => {
    await withToken({ name: "Until midsummer noon", expires_at: "2099-06-15T12:30:00Z" }, async (page, token) => {
      expect(await textOf(rowOf(page, token.name))).toContain("Expires Jun 15, 2099, 12:30 PM UTC");
    });
  }, 60_000);
});

describe("the name column at 1280 px", () => {
  it("shows a name whole when the row has room for it", async () => {
    await withToken({ name: "Production mail sender for EU" }, async (page, token) => {
      const name = rowOf(page, token.name).getByTitle(token.name, { exact: true });
      expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    });
  }, 60_000);

  it("cuts a name too long for its column and shows it whole in its title", async () => {
    const long = "Nightly export of every analytics report to the DW";
    await withToken({ name: long }, async (page) => {
      const name = rowOf(page, long).getByTitle(long, { exact: true });
      expect(await name.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    });
  }, 60_000);
});

describe("names that could pass for another (break test)", () => {
  it("shows a name stored before the name rule isolated, with its hidden characters as code points", async () => {
    await withToken({ name: "Stored before the rule" }, async (page, token) => {
      const stored = "prod\u202Eved\u200B";
      const latchkey = await Latchkey.open({ databaseUrl: server.databaseUrl });
      try {
        const account = await latchkey.store.findAccountByName("default");
        await latchkey.store.updateToken(account?.id ?? "", token.id, { name: stored, updated_at: new Date().toISOString() });
      } finally {
        await latchkey.close();
      }
      await page.reload();
      const shown = "prod<U+202E>ved<U+200B>";
      const manage = page.getByRole("button", { name: `Manage ${shown}` });
      await expect.poll(() => manage.isVisible()).toBe(true);
      const name = page.getByRole("row").filter({ has: manage }).locator("bdi.lk-name");
      expect(await name.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe("isolate");
      expect(await name.locator(".lk-name-hidden").allTextContents()).toEqual(["U+202E", "U+200B"]);
      expect(await name.textContent()).toBe("prodU+202EvedU+200B");
    });
  }, 60_000);

  it("underlines a letter of another script among Latin ones", async () => {
    await withToken({ name: "p\u0430ypal" }, async (page, token) => {
      const name = page.getByRole("row").filter({ has: page.getByRole("button", { name: `Manage ${token.name}` }) }).locator("bdi.lk-name");
      expect(await name.locator(".lk-name-confusable").evaluateAll((els) => els.map((el) => [el.textContent, el.getAttribute("title")]))).toEqual([["\u0430", "Look-alike letter U+0430 (Cyrillic)"]]);
    });
  }, 60_000);
});

describe("the Manage dialog", () => {
  it("pauses and resumes the token from its footer", async () => {
    await withToken({ name: "Paused from Manage" }, async (page, token) => {
      await page.getByRole("button", { name: `Manage ${token.name}` }).click();
      const manage = page.getByRole("dialog", { name: "Manage token" });
      await manage.getByRole("button", { name: "Pause" }).click();
      await expect.poll(() => manage.getByRole("button", { name: "Resume" }).isVisible()).toBe(true);
      expect(await manage.textContent()).toContain("Paused");
      expect(await verify(server, { token: token.secret, method: "GET", area: "domains" })).toMatchObject({ allowed: false, code: "token_paused" });
      await manage.getByRole("button", { name: "Resume" }).click();
      await expect.poll(() => manage.getByRole("button", { name: "Pause" }).isVisible()).toBe(true);
      expect(await verify(server, { token: token.secret, method: "GET", area: "domains" })).toMatchObject({ allowed: true });
    });
  }, 60_000);

  it("deletes the token from its footer after a confirmation naming it", async () => {
    await withToken({ name: "Deleted from Manage" }, async (page, token) => {
      await page.getByRole("button", { name: `Manage ${token.name}` }).click();
      await page.getByRole("dialog", { name: "Manage token" }).getByRole("button", { name: "Delete" }).click();
      const confirm = page.getByRole("dialog", { name: "Delete API token" });
      await expect.poll(() => confirm.textContent()).toContain(`Delete the token ${token.name}?`);
      await confirm.getByRole("button", { name: "Delete token" }).click();
      await expect.poll(() => page.getByRole("button", { name: `Manage ${token.name}` }).count()).toBe(0);
      expect(await verify(server, { token: token.secret, method: "GET", area: "domains" })).toMatchObject({ allowed: false, code: "token_unknown" });
    });
  }, 60_000);
});

describe.each([1280, 360])("notifications at %i px", (width) => {
  it("never cover an open dialog's text or buttons", async () => {
    await withToken(
      { name: `Covered at ${width}` },
      async (page, token) => {
        await page.getByRole("button", { name: `Manage ${token.name}` }).click();
        const manage = page.getByRole("dialog", { name: "Manage token" });
        await manage.getByRole("button", { name: "Pause" }).click();
        // The toast is up while the dialog is open (it closes itself after a few seconds).
        await expect.poll(() => page.getByText(`${token.name} is refused until you resume it.`).isVisible()).toBe(true);
        for (const name of ["Resume", "Delete", "Done"]) await expectUncovered(manage.getByRole("button", { name, exact: true }), `Manage's ${name} button`);
        await screenshot(page, "manage-token-notification");
        await manage.getByRole("button", { name: "Delete", exact: true }).click();
        const confirm = page.getByRole("dialog", { name: "Delete API token" });
        await expect.poll(() => confirm.isVisible()).toBe(true);
        await expectUncovered(confirm.getByText("This cannot be undone."), "the confirmation's text");
        await expectUncovered(confirm.getByRole("button", { name: "Delete token" }), "the Delete token button");
        await expectUncovered(confirm.getByRole("button", { name: "Cancel" }), "the Cancel button");
      },
      width,
    );
  }, 60_000);
});
