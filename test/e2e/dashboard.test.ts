/**
 * The dashboard in a real browser (issue 3's "Done when"): set-up of the owner from the printed link,
 * sign-in, the seed's token journey end to end, a wrong password, and on every page an axe scan and
 * screenshots at 1280 and 360 px (artifacts/screenshots/).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret } from "../helpers/trace-log.js";
import { ensureOwner, expectAccessible, expectFocused, launchBrowser, openPage, OWNER, screenshot, settle, signIn, startServer, verify, type Server } from "./dashboard-fixture.js";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Adds a domain on the Domains page unless it is listed already. */
async function addDomain(page: Page, name: string): Promise<void> {
  await page.getByRole("link", { name: "Domains" }).click();
  await expect.poll(() => page.getByRole("heading", { name: "Domains" }).isVisible()).toBe(true);
  await settle(page); // the list has loaded: a domain not shown is not there
  if (await page.getByRole("cell", { name, exact: true }).isVisible()) return;
  await page.getByLabel("Domain name").fill(name);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect.poll(() => page.getByRole("cell", { name, exact: true }).isVisible()).toBe(true);
}

/** The set-up form's button: the page shows its heading already while it checks that set-up is open. */
function setUpButton(page: Page) {
  return page.getByRole("button", { name: "Create owner and sign in" });
}

/** Presses Tab until the focused element's accessible name (aria-label or text) is `name`. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el === null ? "" : (el.getAttribute("aria-label") ?? (el as HTMLElement).innerText ?? "").trim();
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe("dashboard", () => {
  it("names the two password visibility toggles of the set-up page apart", async () => {
    const { context, page } = await openPage(browser, server);
    await page.goto(server.setupLink!);
    await expect.poll(() => setUpButton(page).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Show password", exact: true }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Show password confirmation", exact: true }).count()).toBe(1);
    await context.close();
  }, 60_000);

  it("sets up the owner from the link latchkey serve printed, then shows Integrations", async () => {
    expect(server.setupLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup#code=[A-Za-z0-9_-]{22}$/);
    const { context, page, problems } = await openPage(browser, server);
    await page.goto(server.setupLink!);
    await expect.poll(() => setUpButton(page).isVisible()).toBe(true);
    expect(page.url()).not.toContain("code=");
    await screenshot(page, "setup");
    await expectAccessible(page, "set-up page");
    const narrow = await openPage(browser, server, 360);
    await narrow.page.goto(server.setupLink!);
    await expect.poll(() => setUpButton(narrow.page).isVisible()).toBe(true);
    await screenshot(narrow.page, "setup");
    await expectAccessible(narrow.page, "set-up page at 360 px");
    await narrow.context.close();
    await page.getByLabel("E-mail address").fill(OWNER.email);
    await page.getByLabel(/^Password/).fill(OWNER.password);
    await page.getByLabel("Confirm password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create owner and sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it("opens signed out without any console error (the session check is not a failed request)", async () => {
    await ensureOwner(server);
    const { context, page, problems } = await openPage(browser, server);
    await page.goto("/tokens");
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it("refuses a wrong password with an error on the sign-in page", async () => {
    await ensureOwner(server);
    const { context, page } = await openPage(browser, server);
    await page.goto("/tokens");
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    await screenshot(page, "sign-in");
    await expectAccessible(page, "sign-in page");
    await page.getByLabel("E-mail address").fill(OWNER.email);
    await page.getByLabel(/^Password/).fill("not the right password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("The e-mail address or password is wrong.");
    await screenshot(page, "sign-in-error");
    expect(await page.getByRole("heading", { name: "Integrations" }).count()).toBe(0);
    await context.close();
  }, 60_000);

  it("creates a custom token for one domain, uses it, renames, pauses, resumes and deletes it", async () => {
    await ensureOwner(server);
    const { context, page, problems, consoleText } = await openPage(browser, server);
    await signIn(page);
    await addDomain(page, "mail.example.com");
    await addDomain(page, "other.example.com");

    // The seed: Integrations, Manage, Create new token.
    await page.getByRole("link", { name: "Integrations" }).click();
    await page.getByRole("button", { name: "Manage latchkey API tokens" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "API tokens" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Create new token" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create new token" });
    const create = dialog.getByRole("button", { name: "Create token" });
    await expect.poll(() => create.isDisabled()).toBe(true);
    await dialog.getByLabel("Name").fill("Journey token");
    await dialog.getByRole("radio", { name: "Specific domains" }).check();
    await dialog.getByLabel("Choose domains").click();
    await page.getByRole("option", { name: "mail.example.com" }).click();
    await page.keyboard.press("Escape");
    await dialog.getByRole("radiogroup", { name: "Email permission" }).getByText("Full access").click();
    await dialog.getByRole("radiogroup", { name: "Domains permission" }).getByText("Read only").click();
    await expect.poll(() => create.isEnabled()).toBe(true);
    await create.click();

    // The one-time reveal: copy the secret.
    const reveal = page.getByRole("dialog", { name: "Your new API token" });
    await expect.poll(() => reveal.isVisible()).toBe(true);
    await expect.poll(() => reveal.textContent()).toContain("For security reasons, you will only be shown your API token one time");
    const secret = (await reveal.getByTestId("revealed-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^lk_/);
    rememberSecret(secret);
    await reveal.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => reveal.getByRole("button", { name: "Copied" }).isVisible()).toBe(true);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => reveal.isVisible()).toBe(false);

    // The secret is nowhere in the page's storage, address, text or console once the dialog is closed.
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.body.innerText);
    expect(kept).not.toContain(secret);
    expect(consoleText.join("\n")).not.toContain(secret);

    // Use it against /v1/verify: allowed for its areas and domain, refused elsewhere.
    expect(await verify(server, { token: secret, method: "POST", area: "email", domain: "mail.example.com" })).toMatchObject({ allowed: true, code: "ok" });
    expect(await verify(server, { token: secret, method: "GET", area: "domains" })).toMatchObject({ allowed: true });
    expect(await verify(server, { token: secret, method: "POST", area: "tokens" })).toMatchObject({ allowed: false, code: "scope_missing" });
    expect(await verify(server, { token: secret, method: "POST", area: "email", domain: "other.example.com" })).toMatchObject({ allowed: false, code: "domain_not_allowed" });

    // Manage: rename.
    const row = () => page.getByRole("row").filter({ hasText: "Journey token" });
    await expect.poll(() => row().getByText("Custom access").isVisible()).toBe(true);
    await row().getByRole("button", { name: "Manage Journey token" }).click();
    const manage = page.getByRole("dialog", { name: "Manage token" });
    await expect.poll(() => manage.textContent()).toContain("delete this token and create a new one");
    await manage.getByLabel("Name").fill("Renamed token");
    await manage.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "Renamed token" }).count()).toBe(1);
    const renamed = () => page.getByRole("row").filter({ hasText: "Renamed token" });

    // Pause: verify refuses at once; Resume: allowed again.
    await renamed().getByRole("button", { name: "More actions for Renamed token" }).click();
    await page.getByRole("menuitem", { name: "Pause" }).click();
    await expect.poll(() => renamed().getByText("Paused").isVisible()).toBe(true);
    expect(await verify(server, { token: secret, method: "POST", area: "email", domain: "mail.example.com" })).toMatchObject({ allowed: false, code: "token_paused" });
    await renamed().getByRole("button", { name: "More actions for Renamed token" }).click();
    await page.getByRole("menuitem", { name: "Resume" }).click();
    await expect.poll(() => renamed().getByText("Active").isVisible()).toBe(true);
    expect(await verify(server, { token: secret, method: "POST", area: "email", domain: "mail.example.com" })).toMatchObject({ allowed: true });

    // Delete, after confirming in a dialog that names the token.
    await renamed().getByRole("button", { name: "More actions for Renamed token" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete API token" });
    await expect.poll(() => confirm.textContent()).toContain("Renamed token");
    await confirm.getByRole("button", { name: "Delete token" }).click();
    await expect.poll(() => renamed().count()).toBe(0);
    expect(await verify(server, { token: secret, method: "POST", area: "email", domain: "mail.example.com" })).toMatchObject({ allowed: false, code: "token_unknown" });

    // Activity lists what happened, newest first.
    await page.getByRole("link", { name: "Activity" }).click();
    await expect.poll(() => page.getByRole("row").nth(1).textContent()).toContain("Token deleted");
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("asks before closing the reveal dialog when the token was neither copied nor downloaded", async () => {
    await ensureOwner(server);
    const { context, page } = await openPage(browser, server);
    await signIn(page);
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("button", { name: "Create new token" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create new token" });
    await dialog.getByLabel("Name").fill("Unsaved token");
    await dialog.getByRole("radiogroup", { name: "Permissions" }).getByRole("radio", { name: "Full access" }).check();
    await dialog.getByRole("button", { name: "Create token" }).click();
    const reveal = page.getByRole("dialog", { name: "Your new API token" });
    await expect.poll(() => reveal.isVisible()).toBe(true);
    await reveal.getByRole("button", { name: "Done" }).click();
    const ask = page.getByRole("dialog", { name: "Close without saving?" });
    await expect.poll(() => ask.isVisible()).toBe(true);
    await ask.getByRole("button", { name: "Go back" }).click();
    await expect.poll(() => page.getByRole("dialog", { name: "Your new API token" }).isVisible()).toBe(true);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download .txt" }).click();
    expect((await download).suggestedFilename()).toBe("unsaved-token-api-token.txt");
    await page.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await context.close();
  }, 60_000);

  it("can be used with the keyboard alone: sign in, open API tokens, open and close Create new token", async () => {
    await ensureOwner(server);
    const { context, page } = await openPage(browser, server);
    await page.goto("/sign-in");
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.type(OWNER.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(OWNER.password);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await tabTo(page, "Manage latchkey API tokens");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { name: "API tokens" }).isVisible()).toBe(true);
    // The button is in the header once the list has loaded, or in the empty state: wait for either.
    await expect.poll(() => page.getByRole("button", { name: "Create new token" }).first().isVisible()).toBe(true);
    await tabTo(page, "Create new token");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Create new token" });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Typing before the dialog has focused its Name field would lose the first keystrokes.
    await expectFocused(dialog.getByLabel("Name"));
    await page.keyboard.type("Typed name");
    expect(await dialog.getByLabel("Name").inputValue()).toBe("Typed name");
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await context.close();
  }, 60_000);
});
