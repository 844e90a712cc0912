/**
 * The Activity page in a real browser: who acted, in words; its loading state; its columns at
 * 1280 px. Tokens act through the API with their own secret, as an application would.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OWNER, ensureOwner, holdRequests, launchBrowser, openPage, sessionApi, signIn, startServer, type Server } from "./dashboard-fixture.js";

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

/** Signs in, runs `arrange` (with the page, before Activity is opened), opens Activity, runs `use`. */
async function onActivity(arrange: (page: Page) => Promise<void>, use: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, problems } = await openPage(browser, server);
  try {
    await signIn(page);
    await arrange(page);
    await page.getByRole("link", { name: "Activity" }).click();
    await use(page);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}

/** Creates a token as the application holding `secret` would (so the audit event's actor is that token). */
async function createTokenWith(secret: string, name: string): Promise<void> {
  const response = await fetch(`${server.baseUrl}/v1/token`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify({ name, scopes: ["domains_read"] }) });
  expect(response.status).toBe(201);
}

/** The "By" cell of the row about `concerning`. */
function byCellOf(page: Page, concerning: string) {
  return page.getByRole("row").filter({ has: page.getByRole("cell", { name: concerning, exact: true }) }).getByRole("cell").nth(3);
}

describe("Activity", () => {
  it("names the API token that acted", async () => {
    await onActivity(
      async (page) => {
        const actor = await (await sessionApi(page)).createToken({ name: "Provisioning robot", has_full: true });
        await createTokenWith(actor.secret, "Made by the robot");
      },
      async (page) => {
        await expect.poll(() => byCellOf(page, "Made by the robot").textContent()).toBe("Provisioning robot (API token)");
      },
    );
  }, 60_000);

  it("keeps the id of a token that acted and was deleted, and says it was deleted", async () => {
    let actorId = "";
    await onActivity(
      async (page) => {
        const api = await sessionApi(page);
        const actor = await api.createToken({ name: "Short-lived robot", has_full: true });
        actorId = actor.id;
        await createTokenWith(actor.secret, "Made by the short-lived robot");
        await api.deleteToken(actor.id);
      },
      async (page) => {
        const by = byCellOf(page, "Made by the short-lived robot");
        await expect.poll(() => by.textContent()).toContain(actorId);
        expect(await by.textContent()).toContain("deleted)");
      },
    );
  }, 60_000);

  it("shows a loading state until the activity has loaded", async () => {
    let held: { release: () => void } | undefined;
    await onActivity(
      async (page) => {
        held = await holdRequests(page, /\/v1\/audit\?/);
      },
      async (page) => {
        await expect.poll(() => page.getByRole("status", { name: "Loading activity" }).isVisible()).toBe(true);
        held!.release();
        await expect.poll(() => page.getByRole("columnheader", { name: "IP address" }).isVisible()).toBe(true);
        expect(await page.getByRole("status", { name: "Loading activity" }).count()).toBe(0);
      },
    );
  }, 60_000);

  it("names invitations and password resets in words, each event's badge whole in its column", async () => {
    await onActivity(
      async (page) => {
        const session = (await (await page.request.get("/v1/session")).json()) as { data: { csrf_token: string } };
        const invited = await page.request.post("/v1/users", { headers: { "x-csrf-token": session.data.csrf_token }, data: { email: "invited-reader@example.com", role: "Designer" } });
        expect(invited.status()).toBe(201);
        // A reset link as the operator makes one without mail (`latchkey user reset-password`): "Password reset asked for".
        const env = { ...process.env, LATCHKEY_DATABASE_URL: server.databaseUrl, LATCHKEY_PUBLIC_URL: server.baseUrl };
        execFileSync(process.execPath, [resolve(import.meta.dirname, "../../bin/latchkey.js"), "user", "reset-password", OWNER.email], { env, stdio: ["ignore", "ignore", "ignore"] });
      },
      async (page) => {
        const invited = page.getByRole("row").filter({ hasText: "invited-reader@example.com" });
        await expect.poll(() => invited.first().isVisible()).toBe(true);
        expect(await invited.first().getByRole("cell").nth(1).textContent()).toBe("Person invited");
        const reset = page.getByRole("row").filter({ hasText: "Password reset asked for" }).first();
        await expect.poll(() => reset.isVisible()).toBe(true);
        // Whole: the badge's text is not cut, and the badge stays inside its cell.
        for (const label of ["Person invited", "Password reset asked for"]) {
          const badge = page.getByText(label, { exact: true }).first();
          const fits = await badge.evaluate((el) => {
            const cell = el.closest("td");
            const badgeBox = (el.closest(".mantine-Badge-root") ?? el).getBoundingClientRect();
            const cellBox = cell?.getBoundingClientRect();
            return el.scrollWidth <= el.clientWidth && cellBox !== undefined && badgeBox.right <= cellBox.right + 0.5;
          });
          expect(fits, label).toBe(true);
        }
      },
    );
  }, 60_000);

  it("shows the When, Event and IP address columns whole at 1280 px, even beside a long token name", async () => {
    await onActivity(
      async (page) => {
        const actor = await (await sessionApi(page)).createToken({ name: "A token with a rather long name that takes room", has_full: true });
        await createTokenWith(actor.secret, "Made beside a long name");
      },
      async (page) => {
        await expect.poll(() => byCellOf(page, "Made beside a long name").isVisible()).toBe(true);
        // Whole: neither the cell nor a text cut with an ellipsis inside it is wider than it shows.
        const whole = (locator: Locator) => locator.evaluate((el) => [el, ...el.querySelectorAll("p")].every((e) => e.scrollWidth <= e.clientWidth));
        for (const name of ["When", "Event", "IP address"]) expect(await whole(page.getByRole("columnheader", { name })), `${name} header`).toBe(true);
        const cells = page.getByRole("row").filter({ hasText: "Made beside a long name" }).getByRole("cell");
        for (const [index, name] of [[0, "When"], [1, "Event"], [4, "IP address"]] as const) expect(await whole(cells.nth(index)), `${name} cell`).toBe(true);
        // The whole table fits its card at this width: nothing is cut off at its right edge.
        const fits = await page.getByRole("table").evaluate((table) => {
          let scroller = table.parentElement;
          while (scroller !== null && getComputedStyle(scroller).overflowX === "visible") scroller = scroller.parentElement;
          return scroller === null || scroller.scrollWidth <= scroller.clientWidth;
        });
        expect(fits).toBe(true);
      },
    );
  }, 60_000);
});
