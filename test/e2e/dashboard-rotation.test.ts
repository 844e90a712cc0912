/**
 * Issue 13 in a real browser: Rotate from a token's drop-down with the one-time reveal, "Find by
 * secret", and the Settings page's token policy shaping the create dialog's expiry presets, with the
 * one-line summary of what a token will be able to do.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret } from "../helpers/trace-log.js";
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

async function signedIn(use: (page: Page) => Promise<void>, expected: RegExp | null = null): Promise<void> {
  const { context, page, problems } = await openPage(browser, server, 1280);
  try {
    await signIn(page);
    await use(page);
    // The browser logs every 404 it receives; a lookup of an unknown secret is one, by contract.
    expect(problems.filter((p) => expected === null || !expected.test(p))).toEqual([]);
  } finally {
    await context.close();
  }
}

async function verifySecret(secret: string): Promise<{ allowed: boolean; code: string; secret?: string }> {
  const response = await fetch(`${server.baseUrl}/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: secret, method: "GET", area: "domains" }) });
  return (await response.json()) as { allowed: boolean; code: string; secret?: string };
}

async function openTokens(page: Page, name: string): Promise<void> {
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect.poll(() => page.getByRole("button", { name: `Manage ${name}` }).isVisible()).toBe(true);
}

describe("Rotate", () => {
  it("reveals a new secret once; the old one keeps working as the previous secret", async () => {
    await signedIn(async (page) => {
      const token = await (await sessionApi(page)).createToken({ name: "Rotated in the browser", scopes: ["domains_read"] });
      await openTokens(page, token.name);
      await page.getByRole("button", { name: `More actions for ${token.name}` }).click();
      await page.getByRole("menuitem", { name: "Rotate" }).click();
      const dialog = page.getByRole("dialog", { name: `Rotate ${token.name}` });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await expectAccessible(page, "the rotate dialog");
      await dialog.getByRole("button", { name: "Rotate" }).click();
      const reveal = page.getByRole("dialog", { name: "Your new API token" });
      await expect.poll(() => reveal.isVisible()).toBe(true);
      const fresh = ((await reveal.getByTestId("revealed-secret").textContent()) ?? "").trim();
      rememberSecret(fresh);
      expect(fresh).toMatch(/^lk_1[0-9A-Za-z]{38}$/);
      expect(await reveal.textContent()).toContain("has a new secret");
      expect([(await verifySecret(fresh)).secret, (await verifySecret(token.secret)).secret]).toEqual(["current", "previous"]);
    });
  }, 90_000);
});

describe("Find by secret", () => {
  it("names the token of a pasted secret and opens Manage for it", async () => {
    await signedIn(async (page) => {
      const token = await (await sessionApi(page)).createToken({ name: "Leaked into a log", scopes: ["domains_read"] });
      await openTokens(page, token.name);
      await page.getByLabel("Find by secret").fill(token.secret);
      await page.getByRole("button", { name: "Find token" }).click();
      await expect.poll(() => page.getByRole("dialog", { name: "Manage token" }).isVisible()).toBe(true);
      expect(await page.getByRole("status").filter({ hasText: "Leaked into a log" }).count()).toBeGreaterThan(0);
      expect(page.url()).not.toContain(token.secret.slice(4, 20));
      expect(await page.getByLabel("Find by secret").inputValue()).toBe("");
    });
  }, 90_000);

  it("says so when no token has the secret", async () => {
    await signedIn(async (page) => {
      const token = await (await sessionApi(page)).createToken({ name: "Here so the list is not empty", scopes: ["domains_read"] });
      await openTokens(page, token.name);
      await page.getByLabel("Find by secret").fill("lk_1thisisnotasecretatallreally");
      await page.getByRole("button", { name: "Find token" }).click();
      await expect.poll(() => page.getByText("No token you may manage has this secret.").isVisible()).toBe(true);
    }, /404 \(Not Found\) \(http:\/\/[^)]*\/v1\/token\/lookup\)/);
  }, 90_000);
});

describe("Settings: the token policy", () => {
  it("saves a lifetime limit, which the create dialog's presets and summary follow", async () => {
    await signedIn(async (page) => {
      const token = await (await sessionApi(page)).createToken({ name: "Made before the policy", scopes: ["domains_read"] });
      await page.getByRole("link", { name: "Settings" }).click();
      await settle(page);
      await expectAccessible(page, "the settings page");
      await page.getByLabel("Limit how long tokens may live").check();
      await page.getByLabel("Most days a token may live").fill("30");
      await page.getByRole("button", { name: "Save policy" }).click();
      await expect.poll(() => page.getByText(/made before this policy and break it/).isVisible()).toBe(true);
      expect(await page.getByRole("cell", { name: token.name }).count()).toBe(1);

      await openTokens(page, token.name);
      await page.getByRole("button", { name: "Create new token" }).click();
      const dialog = page.getByRole("dialog", { name: "Create new token" });
      await expect.poll(() => dialog.getByText("30 days").isVisible()).toBe(true);
      expect([await dialog.getByText("90 days").count(), await dialog.getByText("No expiry", { exact: true }).count()]).toEqual([0, 0]);
      await dialog.getByLabel("Name").fill("Within the policy");
      await dialog.getByText("7 days").click();
      await expect.poll(async () => (await dialog.getByTestId("token-summary").textContent()) ?? "").toMatch(/This token will be able to: .* on all domains · until the end of /);

      // Put the policy back for the other tests of this file.
      await page.request.put("/v1/account/policy", {
        headers: { "x-csrf-token": ((await (await page.request.get("/v1/session")).json()) as { data: { csrf_token: string } }).data.csrf_token },
        data: { max_lifetime_days: null, expiry_required: false, allowed_ips_required: false },
      });
    });
  }, 90_000);
});
