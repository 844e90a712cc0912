/**
 * The Webhooks page in real Chromium against the built server: add an endpoint (the signing secret
 * shown once), see a token event arrive at a real receiver, signed with that secret; the delivery log
 * and Redeliver; edit; delete. axe finds nothing serious with the page and each dialog open.
 */
import type { Browser, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { ensureOwner, expectAccessible, launchBrowser, openPage, screenshot, sessionApi, settle, signIn, startServer, type Server } from "./dashboard-fixture.js";

let server: Server;
let browser: Browser;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The receiver listens on 127.0.0.1, a private address: the spawned server must be allowed to call it.
  process.env.LATCHKEY_WEBHOOK_ALLOW_PRIVATE = "true";
  server = await startServer();
  delete process.env.LATCHKEY_WEBHOOK_ALLOW_PRIVATE;
  browser = await launchBrowser();
  await ensureOwner(server);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
});

async function dialog(page: Page, title: string) {
  const found = page.getByRole("dialog", { name: title });
  await expect.poll(() => found.isVisible()).toBe(true);
  await settle(page);
  return found;
}

it("adds an endpoint, shows its secret once, delivers signed events, logs and redelivers them, edits and deletes it", { timeout: 90_000 }, async () => {
  const { context, page, problems } = await openPage(browser, server, 1280);
  try {
    await signIn(page);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Webhooks", exact: true }).isVisible()).toBe(true);
    await settle(page);
    await expect.poll(() => page.getByText("No webhook endpoints yet").isVisible()).toBe(true);
    await expectAccessible(page, "the empty Webhooks page");

    await page.getByRole("button", { name: "Add endpoint" }).click();
    const add = await dialog(page, "Add webhook endpoint");
    await expectAccessible(page, "the Add webhook endpoint dialog");
    await add.getByRole("textbox", { name: /^Name/ }).fill("Ops alerts");
    await add.getByRole("textbox", { name: /^URL/ }).fill(receiver.url);
    await add.getByLabel("Token created").check();
    await screenshot(page, "webhooks-add");
    await add.getByRole("button", { name: "Add endpoint" }).click();

    const reveal = await dialog(page, "Your endpoint's signing secret");
    await expectAccessible(page, "the signing secret dialog");
    const secret = (await page.getByTestId("revealed-signing-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByText("Ops alerts", { exact: true }).isVisible()).toBe(true);
    expect(await page.content()).not.toContain(secret.slice(6));
    await settle(page);
    await expectAccessible(page, "the Webhooks page with an endpoint");
    await screenshot(page, "webhooks");

    const tokens = await sessionApi(page);
    const created = await tokens.createToken({ name: "Nightly export", scopes: ["analytics_read"] });
    const [delivered] = await receiver.waitFor((a) => a.length >= 1);
    expect((new Webhook(secret).verify(delivered?.body ?? "", delivered?.headers ?? {}) as { type: string; data: { token: { id: string } } }).data.token.id).toBe(created.id);

    await page.getByRole("button", { name: "Deliveries of Ops alerts" }).click();
    const log = await dialog(page, "Deliveries to Ops alerts");
    await expect.poll(() => log.getByText("Delivered").isVisible()).toBe(true);
    await expect.poll(() => log.getByText(/HTTP 200 in \d+ ms/).isVisible()).toBe(true);
    await expectAccessible(page, "the Deliveries dialog");
    await screenshot(page, "webhooks-deliveries");
    await log.getByRole("button", { name: /^Redeliver token.created/ }).click();
    await receiver.waitFor((a) => a.length >= 2);
    expect(receiver.accepted()[1]?.headers["webhook-id"]).toBe(delivered?.headers["webhook-id"]);
    await log.getByRole("button", { name: "Close", exact: true }).first().click();

    await page.getByRole("button", { name: "Edit Ops alerts" }).click();
    const edit = await dialog(page, "Edit webhook endpoint");
    await expectAccessible(page, "the Edit webhook endpoint dialog");
    await edit.getByRole("textbox", { name: /^Name/ }).fill("Security alerts");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Security alerts", { exact: true }).isVisible()).toBe(true);
    // The "Endpoint saved" toast is Mantine's (its dimmed text is below AA contrast): dismiss it first.
    await page.getByRole("button", { name: "Close notification" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Close notification" }).count()).toBe(0);

    await page.getByRole("button", { name: "Delete Security alerts" }).click();
    const remove = await dialog(page, "Delete webhook endpoint");
    await expectAccessible(page, "the Delete webhook endpoint dialog");
    await remove.getByRole("button", { name: "Delete endpoint" }).click();
    await expect.poll(() => page.getByText("No webhook endpoints yet").isVisible()).toBe(true);
    expect(problems, "console errors and CSP violations").toEqual([]);
  } finally {
    await context.close();
  }
});

it("passes axe at 360 px, with the Add dialog open", async () => {
  const { context, page, problems } = await openPage(browser, server, 360);
  try {
    await signIn(page);
    await page.getByRole("button", { name: "Open navigation" }).click();
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Webhooks", exact: true }).isVisible()).toBe(true);
    await settle(page);
    await expectAccessible(page, "the Webhooks page at 360 px");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await dialog(page, "Add webhook endpoint");
    await expectAccessible(page, "the Add dialog at 360 px");
    await screenshot(page, "webhooks-add");
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
