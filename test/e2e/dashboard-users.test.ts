/**
 * The Users page and the invitation page in real Chromium against the built server (issue 16): the
 * owner invites a Designer from the dashboard and copies the link; the invitee, in a browser of their
 * own, accepts it, is signed in and creates a token within the role, while one with Email Full access
 * is refused naming what is lacking. Resend ends the old link, Cancel ends the invitation, the last
 * Admin cannot be removed or demoted, Remove can pause the person's tokens; axe finds nothing serious
 * with each dialog open, and the invite dialog works with the keyboard alone.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OWNER, ensureOwner, expectAccessible, expectFocused, launchBrowser, openPage, screenshot, settle, signIn, startServer, type Server } from "./dashboard-fixture.js";

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

const PASSWORD = "the invitee's own long passphrase";

async function dialog(page: Page, title: string): Promise<Locator> {
  const found = page.getByRole("dialog", { name: title });
  await expect.poll(() => found.isVisible()).toBe(true);
  await settle(page);
  return found;
}

/** Signs the owner in and opens the Users page from the navigation. */
async function openUsers(page: Page): Promise<void> {
  await signIn(page);
  await page.getByRole("link", { name: "Users" }).click();
  await expect.poll(() => page.getByRole("heading", { name: "Users", exact: true }).isVisible()).toBe(true);
  await settle(page);
}

/** Invites `email` as `role` through the dialog; returns the link it shows (after Copy, from the clipboard). */
async function inviteFromDialog(page: Page, email: string, role: string): Promise<string> {
  await page.getByRole("button", { name: "Invite user" }).click();
  const invite = await dialog(page, "Invite user");
  await invite.getByRole("textbox", { name: /^E-mail address/ }).fill(email);
  await invite.getByRole("radio", { name: role, exact: true }).check();
  await invite.getByRole("button", { name: "Invite user" }).click();
  return copyLink(page, "Invitation link");
}

async function copyLink(page: Page, title: string): Promise<string> {
  const shown = await dialog(page, title);
  const link = ((await shown.getByTestId("invite-link").textContent()) ?? "").trim();
  await shown.getByRole("button", { name: "Copy link" }).click();
  await expect.poll(() => shown.getByRole("button", { name: "Copied" }).isVisible()).toBe(true);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await shown.getByRole("button", { name: "Done" }).click();
  await expect.poll(() => shown.isVisible()).toBe(false);
  return link;
}

/** Only the refusals a test provoked on purpose (the browser logs each failed request). */
function unexpected(problems: string[], allowed: RegExp[]): string[] {
  return problems.filter((p) => !allowed.some((a) => a.test(p)));
}

it("invites a Designer, who accepts the copied link, is signed in and creates a token within the role only", { timeout: 120_000 }, async () => {
  const owner = await openPage(browser, server, 1280);
  const invitee = await openPage(browser, server, 1280);
  try {
    await openUsers(owner.page);
    await expect.poll(() => owner.page.getByText(`${OWNER.email} (you)`).isVisible()).toBe(true);
    await expectAccessible(owner.page, "the Users page");
    await owner.page.getByRole("button", { name: "Invite user" }).click();
    const invite = await dialog(owner.page, "Invite user");
    await expectAccessible(owner.page, "the Invite user dialog");
    await invite.getByRole("radio", { name: "Custom User", exact: true }).check();
    await expect.poll(() => invite.getByRole("radiogroup", { name: "Templates permission" }).isVisible()).toBe(true);
    await settle(owner.page);
    await expectAccessible(owner.page, "the Invite user dialog for a Custom User");
    // Nothing filled in: the problems are named beside their fields, and nothing is sent.
    await invite.getByRole("button", { name: "Invite user" }).click();
    await expect.poll(() => invite.getByText("Enter the e-mail address of the user to invite.").isVisible()).toBe(true);
    await expect.poll(() => invite.getByText("Give at least one area Read only or Full access.").isVisible()).toBe(true);
    await invite.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => invite.isVisible()).toBe(false);

    const link = await inviteFromDialog(owner.page, "designer@example.com", "Designer");
    expect(link).toMatch(new RegExp(`^${server.baseUrl}/invite#code=[A-Za-z0-9_-]{20,}$`));
    await expect.poll(() => owner.page.getByRole("button", { name: "Resend the invitation for designer@example.com" }).isVisible()).toBe(true);
    await settle(owner.page);
    await screenshot(owner.page, "users");

    // The invitee's own browser: the link shows what the invitation is for, and the code leaves the address bar.
    const page = invitee.page;
    await page.goto(link);
    await expect.poll(() => page.getByRole("heading", { name: "Accept invitation" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText("designer@example.com").isVisible()).toBe(true);
    expect(await page.evaluate(() => location.href)).toBe(`${server.baseUrl}/invite`);
    expect(await page.getByText("Designer", { exact: true }).isVisible()).toBe(true);
    await settle(page);
    await expectAccessible(page, "the invitation page");
    await screenshot(page, "invite");
    await page.getByLabel(/^Password/).fill("too short");
    await expect.poll(() => page.getByText("Use at least 12 characters.").isVisible()).toBe(true);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel(/^Confirm password/).fill(`${PASSWORD}!`);
    await expect.poll(() => page.getByText("The passwords do not match.").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Accept and sign in" }).isDisabled()).toBe(true);
    await page.getByLabel(/^Confirm password/).fill(PASSWORD);
    await page.getByRole("button", { name: "Accept and sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByRole("button", { name: "Account menu for designer@example.com" }).isVisible()).toBe(true);
    // A Designer's role has no Users or Domains area and is no Admin: no Users, Domains, Webhooks or
    // Settings page in the navigation; the pages everyone may use are there.
    const pages = page.getByRole("navigation", { name: "Pages" });
    for (const name of ["Users", "Domains", "Webhooks", "Settings"]) expect(await pages.getByRole("link", { name, exact: true }).count(), name).toBe(0);
    for (const name of ["Integrations", "API tokens", "Activity", "Usage"]) expect(await pages.getByRole("link", { name, exact: true }).count(), name).toBe(1);
    // Typed into the address bar, such a page says the role cannot use it, with no controls that would be refused.
    await page.goto(`${server.baseUrl}/domains`);
    await expect.poll(() => page.getByText("Your role (Designer) cannot use the Domains page.").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Add domain" }).count()).toBe(0);

    // A token within the role (Templates) is made...
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("button", { name: "Create new token" }).first().click();
    const create = await dialog(page, "Create new token");
    await create.getByLabel("Name").fill("Template editor");
    await create.getByRole("radiogroup", { name: "Templates permission" }).getByText("Full access").click();
    await create.getByRole("button", { name: "Create token" }).click();
    const reveal = await dialog(page, "Your new API token");
    await reveal.getByRole("button", { name: "Copy" }).click();
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByText("Template editor").first().isVisible()).toBe(true);
    // ...and one with Email Full access is refused, naming what the role lacks.
    await page.getByRole("button", { name: "Create new token" }).first().click();
    const again = await dialog(page, "Create new token");
    await again.getByLabel("Name").fill("Sender");
    await again.getByRole("radiogroup", { name: "Email permission" }).getByText("Full access").click();
    await again.getByRole("button", { name: "Create token" }).click();
    // The refusal is drawn where the person is (the Create button, at the foot of a long dialog),
    // focused so a screen reader announces it, and names what is lacking in the dialog's own words.
    const refusal = again.getByRole("alert").filter({ hasText: "does not allow" });
    await expect.poll(() => refusal.isVisible()).toBe(true);
    expect(await refusal.textContent()).toContain("Your role (Designer) does not allow: Email: Full access.");
    expect(await refusal.textContent()).not.toContain("email_full");
    await expect.poll(() => refusal.evaluate((element) => element === document.activeElement)).toBe(true);
    const viewport = page.viewportSize();
    await expect
      .poll(async () => {
        const box = await refusal.boundingBox();
        return box !== null && viewport !== null && box.y >= 0 && box.y + box.height <= viewport.height;
      })
      .toBe(true);

    // The owner sees the new person, and the invitation is no longer pending.
    await owner.page.reload();
    await settle(owner.page);
    await expect.poll(() => owner.page.getByRole("button", { name: "Change role of designer@example.com" }).isVisible()).toBe(true);
    expect(await owner.page.getByRole("button", { name: "Resend the invitation for designer@example.com" }).count()).toBe(0);
    // The same link does not work twice.
    const third = await openPage(browser, server, 1280);
    try {
      await third.page.goto(link);
      await expect.poll(() => third.page.getByRole("heading", { name: "This invitation link is not valid" }).isVisible()).toBe(true);
    } finally {
      await third.context.close();
    }

    expect(owner.problems).toEqual([]);
    // Only the refused token: the API tokens page does not ask a Designer for the domains or the account policy.
    expect(unexpected(invitee.problems, [/status of 403.*\/v1\/token\)$/])).toEqual([]);
    expect(invitee.problems.filter((p) => /\/v1\/token\)$/.test(p)), "the refused token shows one 403 in the console").toHaveLength(1);
  } finally {
    await owner.context.close();
    await invitee.context.close();
  }
});

it("Resend makes the old link invalid and shows the new one once; Cancel ends the invitation", { timeout: 90_000 }, async () => {
  const owner = await openPage(browser, server, 1280);
  const invitee = await openPage(browser, server, 1280);
  try {
    await openUsers(owner.page);
    const first = await inviteFromDialog(owner.page, "late@example.com", "Manager");
    await owner.page.getByRole("button", { name: "Resend the invitation for late@example.com" }).click();
    const resent = await dialog(owner.page, "New invitation link");
    expect(await resent.textContent()).toContain("The previous link no longer works.");
    await expectAccessible(owner.page, "the New invitation link dialog");
    const second = await copyLink(owner.page, "New invitation link");
    expect(second).not.toBe(first);

    await invitee.page.goto(first);
    await expect.poll(() => invitee.page.getByRole("heading", { name: "This invitation link is not valid" }).isVisible()).toBe(true);
    expect(await invitee.page.getByRole("alert").textContent()).toContain("it was used, replaced by a newer one, cancelled or has expired");
    await settle(invitee.page);
    await expectAccessible(invitee.page, "the invalid invitation page");
    await invitee.page.goto(second);
    await expect.poll(() => invitee.page.getByText("late@example.com").isVisible()).toBe(true);
    expect(await invitee.page.getByText("Manager", { exact: true }).isVisible()).toBe(true);

    await owner.page.getByRole("button", { name: "Cancel the invitation for late@example.com" }).click();
    const cancel = await dialog(owner.page, "Cancel invitation");
    await expectAccessible(owner.page, "the Cancel invitation dialog");
    await cancel.getByRole("button", { name: "Cancel invitation" }).click();
    await expect.poll(() => owner.page.getByRole("button", { name: "Resend the invitation for late@example.com" }).count()).toBe(0);
    // The page already showing the form learns it only on submit: the link no longer works.
    await invitee.page.getByLabel(/^Password/).fill(PASSWORD);
    await invitee.page.getByLabel(/^Confirm password/).fill(PASSWORD);
    await invitee.page.getByRole("button", { name: "Accept and sign in" }).click();
    await expect.poll(() => invitee.page.getByRole("heading", { name: "This invitation link is not valid" }).isVisible()).toBe(true);

    expect(owner.problems).toEqual([]);
    expect(unexpected(invitee.problems, [/status of 404.*\/v1\/invites\/(preview|accept)/])).toEqual([]);
  } finally {
    await owner.context.close();
    await invitee.context.close();
  }
});

it("refuses to remove or demote the last Admin, and removes a person with their tokens paused", { timeout: 120_000 }, async () => {
  const owner = await openPage(browser, server, 1280);
  const invitee = await openPage(browser, server, 1280);
  try {
    await openUsers(owner.page);
    const page = owner.page;
    await page.getByRole("button", { name: `Remove ${OWNER.email}` }).click();
    const remove = await dialog(page, "Remove user");
    await expectAccessible(page, "the Remove user dialog");
    await remove.getByRole("button", { name: "Remove user" }).click();
    await expect.poll(() => remove.getByRole("alert").isVisible()).toBe(true);
    expect(await remove.getByRole("alert").textContent()).toContain("The account must keep at least one Admin");
    await remove.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: `Change role of ${OWNER.email}` }).click();
    const change = await dialog(page, "Change role");
    expect(await change.getByRole("radio", { name: "Admin", exact: true }).isChecked()).toBe(true);
    await expectAccessible(page, "the Change role dialog");
    await change.getByRole("radio", { name: "Designer", exact: true }).check();
    await change.getByRole("button", { name: "Save role" }).click();
    await expect.poll(() => change.getByRole("alert").isVisible()).toBe(true);
    expect(await change.getByRole("alert").textContent()).toContain("The account must keep at least one Admin");
    await change.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.getByText(`${OWNER.email} (you)`).isVisible()).toBe(true);

    // A second person with a token: removed with "Also pause their tokens".
    const link = await inviteFromDialog(page, "leaver@example.com", "Designer");
    await invitee.page.goto(link);
    await invitee.page.getByLabel(/^Password/).fill(PASSWORD);
    await invitee.page.getByLabel(/^Confirm password/).fill(PASSWORD);
    await invitee.page.getByRole("button", { name: "Accept and sign in" }).click();
    await expect.poll(() => invitee.page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
    const session = (await (await invitee.page.request.get("/v1/session")).json()) as { data: { csrf_token: string } };
    const made = await invitee.page.request.post("/v1/token", {
      headers: { "x-csrf-token": session.data.csrf_token },
      data: { name: "Leaver's templates", scopes: ["templates_full"] },
    });
    expect(made.status()).toBe(201);
    const tokenId = ((await made.json()) as { data: { id: string } }).data.id;

    await page.reload();
    await settle(page);
    await page.getByRole("button", { name: "Remove leaver@example.com" }).click();
    const removeLeaver = await dialog(page, "Remove user");
    await removeLeaver.getByRole("checkbox", { name: "Also pause their tokens" }).check();
    await removeLeaver.getByRole("button", { name: "Remove user" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Remove leaver@example.com" }).count()).toBe(0);
    const token = (await (await page.request.get(`/v1/token/${tokenId}`)).json()) as { data: { status: string } };
    expect(token.data.status).toBe("pause");
    // Their session ended at once.
    expect(((await (await invitee.page.request.get("/v1/session")).json()) as { data: unknown }).data).toBeNull();

    expect(unexpected(owner.problems, [/status of 409.*\/v1\/users\//])).toEqual([]);
    expect(invitee.problems).toEqual([]);
  } finally {
    await owner.context.close();
    await invitee.context.close();
  }
});

it("fills and sends the Invite user dialog with the keyboard alone", { timeout: 60_000 }, async () => {
  const { context, page, problems } = await openPage(browser, server, 1280);
  try {
    await openUsers(page);
    await page.getByRole("button", { name: "Invite user" }).focus();
    await page.keyboard.press("Enter");
    const invite = await dialog(page, "Invite user");
    const email = invite.getByRole("textbox", { name: /^E-mail address/ });
    await expectFocused(email);
    await page.keyboard.type("keys@example.com");
    // Into the roles (none chosen yet: the first takes the focus), then the arrow keys choose.
    await page.keyboard.press("Tab");
    await expectFocused(invite.getByRole("radio", { name: "Admin", exact: true }));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await invite.getByRole("radio", { name: "Designer", exact: true }).isChecked()).toBe(true);
    const send = invite.getByRole("button", { name: "Invite user" });
    for (let i = 0; i < 10 && !(await send.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expectFocused(send);
    await page.keyboard.press("Enter");
    const shown = await dialog(page, "Invitation link");
    expect(await shown.textContent()).toContain("keys@example.com");
    await expectAccessible(page, "the Invitation link dialog");
    await page.keyboard.press("Escape");
    await expect.poll(() => shown.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole("button", { name: "Resend the invitation for keys@example.com" }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

it("passes axe at 360 px on the Users page, with Invite user open, and on the invitation page", { timeout: 60_000 }, async () => {
  const { context, page, problems } = await openPage(browser, server, 360);
  try {
    await signIn(page);
    await page.getByRole("button", { name: "Open navigation" }).click();
    await page.getByRole("link", { name: "Users" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Users", exact: true }).isVisible()).toBe(true);
    await settle(page);
    await expectAccessible(page, "the Users page at 360 px");
    await page.getByRole("button", { name: "Invite user" }).click();
    await dialog(page, "Invite user");
    await expectAccessible(page, "the Invite user dialog at 360 px");
    await screenshot(page, "users-invite");
    await page.keyboard.press("Escape");
    await page.goto("/invite");
    await expect.poll(() => page.getByRole("heading", { name: "This invitation link is not valid" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText("This link has no invitation code.").isVisible()).toBe(true);
    await expectAccessible(page, "the invitation page without a code at 360 px");
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

it("invites a Custom User with the areas chosen, and shows a relative invite_url resolved against the page's address", { timeout: 60_000 }, async () => {
  const { context, page, problems } = await openPage(browser, server, 1280);
  try {
    await openUsers(page);
    // A server without LATCHKEY_PUBLIC_URL may answer the link as a path: the real answer, its link made relative.
    await page.route("**/v1/users", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      const response = await route.fetch();
      if (response.status() !== 201) return route.fulfill({ response });
      const body = (await response.json()) as { data: { invite_url: string } };
      // Without LATCHKEY_PUBLIC_URL the server already answers a path; with it, this makes one.
      const url = new URL(body.data.invite_url, "http://unused.invalid");
      body.data.invite_url = `${url.pathname}${url.hash}`;
      await route.fulfill({ response, json: body });
    });
    await page.getByRole("button", { name: "Invite user" }).click();
    const invite = await dialog(page, "Invite user");
    await invite.getByRole("textbox", { name: /^E-mail address/ }).fill("custom@example.com");
    await invite.getByRole("radio", { name: "Custom User", exact: true }).check();
    await invite.getByRole("radiogroup", { name: "Domains permission" }).getByText("Read only").click();
    await invite.getByRole("radiogroup", { name: "Activity permission" }).getByText("Read only").click();
    await invite.getByRole("button", { name: "Invite user" }).click();
    const link = await copyLink(page, "Invitation link");
    expect(link).toMatch(new RegExp(`^${server.baseUrl}/invite#code=[A-Za-z0-9_-]{20,}$`));

    const invites = (await (await page.request.get("/v1/invites")).json()) as { data: { email: string; data: { role: string; permissions: string[] } }[] };
    expect(invites.data.find((i) => i.email === "custom@example.com")?.data).toMatchObject({
      role: "Custom User",
      permissions: ["domains_read", "activity_read"],
    });
    // The same address again: the API's refusal is shown beside the e-mail address.
    await page.getByRole("button", { name: "Invite user" }).click();
    const again = await dialog(page, "Invite user");
    await again.getByRole("textbox", { name: /^E-mail address/ }).fill("custom@example.com");
    await again.getByRole("radio", { name: "Accountant", exact: true }).check();
    await again.getByRole("button", { name: "Invite user" }).click();
    await expect.poll(() => again.getByText("This e-mail address already has a pending invitation; resend or cancel it.").isVisible()).toBe(true);
    expect(unexpected(problems, [/status of 409.*\/v1\/users\)$/])).toEqual([]);
  } finally {
    await context.close();
  }
});

it("says what a Custom User's role lacks when they invite an Admin or remove one", { timeout: 60_000 }, async () => {
  const owner = await openPage(browser, server, 1280);
  const manager = await openPage(browser, server, 1280);
  try {
    await signIn(owner.page);
    const session = (await (await owner.page.request.get("/v1/session")).json()) as { data: { csrf_token: string } };
    const invited = await owner.page.request.post("/v1/users", {
      headers: { "x-csrf-token": session.data.csrf_token },
      data: { email: "people@example.com", role: "Custom User", permissions: ["users_full", "templates_full"] },
    });
    expect(invited.status()).toBe(201);
    const code = new URL(((await invited.json()) as { data: { invite_url: string } }).data.invite_url, "http://unused.invalid").hash.replace("#code=", "");
    expect((await manager.page.request.post("/v1/invites/accept", { data: { code, password: PASSWORD } })).status()).toBe(200);

    const page = manager.page;
    await page.goto("/integrations");
    await page.getByRole("link", { name: "Users" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Users", exact: true }).isVisible()).toBe(true);
    await settle(page);
    await page.getByRole("button", { name: "Invite user" }).click();
    const invite = await dialog(page, "Invite user");
    await invite.getByRole("textbox", { name: /^E-mail address/ }).fill("boss@example.com");
    // This role may not list domains: no domain picker (whose GET /v1/domains would be refused), it says so.
    await invite.getByRole("radio", { name: "Designer", exact: true }).check();
    await expect.poll(() => invite.getByText("Your role cannot list the domains, so it cannot choose them.").isVisible()).toBe(true);
    expect(await invite.getByRole("radiogroup", { name: "Domains" }).count()).toBe(0);
    await invite.getByRole("radio", { name: "Admin", exact: true }).check();
    await invite.getByRole("button", { name: "Invite user" }).click();
    const refusal = invite.getByRole("alert");
    await expect.poll(() => refusal.isVisible()).toBe(true);
    expect(await refusal.textContent()).toMatch(/Your role \(Custom User\) cannot give or manage the role Admin; it lacks: full_access\./);
    await invite.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: `Remove ${OWNER.email}` }).click();
    const remove = await dialog(page, "Remove user");
    await remove.getByRole("button", { name: "Remove user" }).click();
    await expect.poll(() => remove.getByRole("alert").isVisible()).toBe(true);
    expect(await remove.getByRole("alert").textContent()).toMatch(/it lacks: full_access/);
    expect(owner.problems).toEqual([]);
    expect(unexpected(manager.problems, [/status of 403.*\/v1\/users(\/[^)]+)?\)$/])).toEqual([]);
  } finally {
    await owner.context.close();
    await manager.context.close();
  }
});
