/**
 * Passwords in the dashboard (issue 16), in real Chromium against the built server: "Forgot password?"
 * answers the same for a known and an unknown address; the reset link's page (code in the fragment,
 * or in the query) takes the code out of the address bar and sets a new password that then signs in;
 * a used link is refused; Change password on Security names a wrong current password and changes it.
 * axe finds nothing serious on each page and with the dialog open.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureOwner, expectAccessible, launchBrowser, openPage, settle, startServer, type Server } from "./dashboard-fixture.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PASSWORD = "the first long passphrase";
const NEW_PASSWORD = "a second, newer passphrase";
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

function cli(args: string[], input?: string): string {
  return execFileSync(process.execPath, [resolve(ROOT, "bin/latchkey.js"), ...args], { input, env: { ...process.env, LATCHKEY_DATABASE_URL: server.databaseUrl, LATCHKEY_PUBLIC_URL: server.baseUrl }, stdio: ["pipe", "pipe", "ignore"] }).toString().trim();
}

function createUser(email: string): void {
  cli(["user", "create", "--email", email, "--password-stdin"], `${PASSWORD}\n`);
}

async function signInWith(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

it("answers Forgot password the same for a known and an unknown address", { timeout: 60_000 }, async () => {
  createUser("forgot@example.com");
  const { page, context } = await openPage(browser, server, 1280);
  try {
    const answers: string[] = [];
    for (const email of ["forgot@example.com", "nobody@example.com"]) {
      await page.goto("/sign-in");
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await expect.poll(() => page.getByRole("heading", { name: "Forgot your password?" }).isVisible()).toBe(true);
      await settle(page);
      await expectAccessible(page, "the Forgot password page");
      await page.getByLabel("E-mail address").fill(email);
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByRole("heading", { name: "Check your e-mail" }).isVisible()).toBe(true);
      answers.push((await page.getByRole("status").textContent()) ?? "");
    }
    // Honest without telling whether the address exists: the link comes only if it does and the server sends mail.
    expect(answers[0]).toContain("If this address belongs to a person here and this server sends mail, a link to set a new password is on its way.");
    expect(await page.getByText("No mail? Ask the person who runs latchkey for a link (latchkey user reset-password).").isVisible()).toBe(true);
    expect(answers[1]).toBe(answers[0]);
    await expectAccessible(page, "the Forgot password answer");
  } finally {
    await context.close();
  }
});

it.each(["fragment", "query"])("sets a new password from a reset link with the code in its %s, once", { timeout: 60_000 }, async (where) => {
  const email = `reset-${where}@example.com`;
  createUser(email);
  const link = cli(["user", "reset-password", email]);
  expect(link).toMatch(/\/reset-password#code=/);
  const opened = where === "fragment" ? link : link.replace("#code=", "?code=");
  const { page, context } = await openPage(browser, server, 1280);
  try {
    await page.goto(opened);
    await expect.poll(() => page.getByRole("heading", { name: "Set a new password" }).isVisible()).toBe(true);
    expect(await page.evaluate(() => location.href)).toBe(`${server.baseUrl}/reset-password`);
    await settle(page);
    await expectAccessible(page, "the reset password page");
    await page.getByLabel(/^New password/).fill("short");
    await expect.poll(() => page.getByText("Use at least 12 characters.").isVisible()).toBe(true);
    await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await page.getByLabel(/^Confirm new password/).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Your password is set" }).isVisible()).toBe(true);
    await signInWith(page, email, NEW_PASSWORD);
    await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);

    // The same link again: refused, with the way to a new one.
    await page.goto(opened);
    await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await page.getByLabel(/^Confirm new password/).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "This reset link is not valid" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole("link", { name: "Ask for a new link" }).isVisible()).toBe(true);
  } finally {
    await context.close();
  }
});

it("changes the password from Security, naming a wrong current one", { timeout: 60_000 }, async () => {
  createUser("change@example.com");
  const { page, context } = await openPage(browser, server, 1280);
  try {
    await signInWith(page, "change@example.com", PASSWORD);
    await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await page.goto("/security");
    await page.getByRole("button", { name: "Change password" }).click();
    const change = page.getByRole("dialog", { name: "Change password" });
    await expect.poll(() => change.isVisible()).toBe(true);
    await settle(page);
    await expectAccessible(page, "the Change password dialog");
    await change.getByLabel(/^Current password/).fill("not the password at all");
    await change.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await change.getByLabel(/^Confirm new password/).fill(NEW_PASSWORD);
    await change.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => change.getByText("The current password is wrong.").isVisible()).toBe(true);
    await expectAccessible(page, "the Change password dialog with its error");
    await change.getByLabel(/^Current password/).fill(PASSWORD);
    await change.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => change.isVisible()).toBe(false);
    await expect.poll(() => page.getByText("Your other sessions have been signed out.").isVisible()).toBe(true);
  } finally {
    await context.close();
  }
  const other = await openPage(browser, server, 1280);
  try {
    await signInWith(other.page, "change@example.com", NEW_PASSWORD);
    await expect.poll(() => other.page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
  } finally {
    await other.context.close();
  }
});
