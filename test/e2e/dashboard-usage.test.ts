/**
 * The Usage pages in a real browser (issue 14): the numbers shown equal the verifications made, the
 * chart has its text alternative (an accessible summary and a table), both pages are axe clean, and
 * limits are shown and edited in Manage (a bad value is refused beside its field, changing nothing).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOwner, expectAccessible, launchBrowser, openPage, screenshot, sessionApi, signIn, startServer, verify, type Server } from "./dashboard-fixture.js";

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

async function withPage(use: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, problems } = await openPage(browser, server);
  try {
    await signIn(page);
    await use(page);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}

/** The footer cell of the usage table for a code (or `total`). */
function totalCell(page: Page, code: string) {
  return page.getByTestId("usage-table").locator(`tfoot [data-code="${code}"]`);
}

describe("Usage", () => {
  it("shows per token exactly the verifications made, by outcome, with a text alternative, axe clean", async () => {
    await withPage(async (page) => {
      const api = await sessionApi(page);
      const token = await api.createToken({ name: "Metered reader", scopes: ["domains_read"], rate_limits: [{ name: "burst", limit: 3, window_seconds: 3600 }], credits: { remaining: 50, refill: { amount: 50, interval: "daily" } } });
      const made: Record<string, number> = {};
      for (const method of ["GET", "GET", "GET", "GET", "GET", "DELETE", "DELETE"]) {
        const { code } = await verify(server, { token: token.secret, method, area: "domains" });
        made[code] = (made[code] ?? 0) + 1;
      }
      expect(made).toEqual({ ok: 3, rate_limited: 2, scope_missing: 2 });

      await page.getByRole("link", { name: "Usage" }).click();
      const busiest = page.getByRole("table", { name: "Busiest tokens" }).getByRole("row").filter({ hasText: "Metered reader" });
      await expect.poll(() => busiest.getByRole("cell").nth(1).textContent()).toBe("7");
      expect(await busiest.getByRole("cell").nth(2).textContent()).toBe("4");
      await expect.poll(() => page.getByRole("table", { name: "Tokens unused for 30 days" }).count()).toBeGreaterThanOrEqual(0);
      await expectAccessible(page, "the account usage page");

      await busiest.getByRole("button", { name: "Metered reader" }).click();
      await expect.poll(() => page.getByRole("heading", { name: "Usage of Metered reader" }).count()).toBe(1);
      await expect.poll(() => totalCell(page, "total").textContent()).toBe("7");
      for (const [code, count] of Object.entries(made)) expect(await totalCell(page, code).textContent(), code).toBe(String(count));
      const chart = page.getByRole("img", { name: /Requests of Metered reader: 7 requests/ });
      expect(await chart.count()).toBe(1);
      expect(await chart.getAttribute("aria-label")).toContain("3 ok");
      const reasons = page.getByRole("table", { name: "Top refusal reasons" });
      expect((await reasons.getByRole("row").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim())).toEqual(["rate_limited2", "scope_missing2"]);
      expect(await page.getByText("3 per 3600 seconds").count()).toBe(1);
      expect(await page.getByTestId("credits-remaining").textContent()).toBe("47 credits left, refilled to 50 daily");
      await expectAccessible(page, "a token's usage page");
      await screenshot(page, "usage-token");
    });
  }, 90_000);

  it("edits limits in Manage: a bad window is refused beside its field and changes nothing; a good one is saved", async () => {
    await withPage(async (page) => {
      const api = await sessionApi(page);
      const token = await api.createToken({ name: "Limits to edit", has_full: true, rate_limits: [{ name: "burst", limit: 10, window_seconds: 1 }] });
      await page.getByRole("link", { name: "API tokens" }).click();
      await page.getByRole("button", { name: "Manage Limits to edit" }).click();
      const dialog = page.getByRole("dialog");
      const perSeconds = dialog.getByLabel("Per seconds");
      await expect.poll(() => perSeconds.count()).toBe(1);
      await perSeconds.fill("0");
      await dialog.getByRole("button", { name: "Save limits" }).click();
      await expect.poll(() => dialog.getByText(/Whole seconds from 1/).count()).toBe(1);
      // Before the save below: its toast is Mantine's, checked with the other pages' toasts.
      await expectAccessible(page, "Manage with limits and a field error");
      const unchanged = await page.request.get(`/v1/token/${token.id}/limits`);
      expect(((await unchanged.json()) as { data: unknown }).data).toEqual({ rate_limits: [{ name: "burst", limit: 10, window_seconds: 1 }], credits: null });
      await perSeconds.fill("60");
      await dialog.getByLabel("Requests").fill("5");
      await dialog.getByRole("button", { name: "Save limits" }).click();
      await expect.poll(async () => ((await (await page.request.get(`/v1/token/${token.id}/limits`)).json()) as { data: unknown }).data).toEqual({ rate_limits: [{ name: "burst", limit: 5, window_seconds: 60 }], credits: null });
    });
  }, 90_000);
});
